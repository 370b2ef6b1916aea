package org.vesalius.dimse.retrieve;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import org.jooq.exception.DataAccessException;
import org.vesalius.dimse.DimseStatus;
import org.vesalius.dimse.aes.AeRegistry;
import org.vesalius.dimse.aes.RemoteAe;
import org.vesalius.dimse.export.InstanceResolver;
import org.vesalius.dimse.export.InstanceSender;
import org.vesalius.dimse.export.Retrievable;
import org.vesalius.dimse.export.StoreChannel;
import org.vesalius.dimse.export.StoreOutcome;
import org.vesalius.dimse.export.StoreScu;
import org.vesalius.dimse.find.Identifier;
import org.vesalius.dimse.message.CommandSet;
import org.vesalius.dimse.message.QueryRetrieveRequest;
import org.vesalius.dimse.message.RequestingAssociation;
import org.vesalius.dimse.message.SubOperationCounts;
import org.vesalius.dimse.negotiation.QueryRetrieveSopClasses.Root;
import org.vesalius.storage.query.QueryException;
import org.vesalius.storage.query.QueryLevel;

/**
 * The C-MOVE and C-GET SCP of the Patient Root and Study Root models. Both resolve the identifier
 * to instances, then run one C-STORE sub-operation per instance: C-MOVE on a new association to
 * the Move Destination (looked up in the AE registry), C-GET on the requesting association. A
 * pending response with the counts follows every sub-operation; a C-CANCEL stops before the next.
 *
 * <p>C-MOVE uses one association to the destination: every SCP accepts one, while a second one
 * in parallel is refused or, as by DCMTK's storescp without --fork, left waiting until the first
 * ends. More than one would need a per-destination setting; none is offered yet.
 *
 * <p>Final status: 0000 all sent; B000 some failed (Failed SOP Instance UID List in the identifier);
 * A702 none could be sent (destination unreachable, all refused); FE00 cancelled; A801 unknown Move
 * Destination; A900 identifier not valid for the model; C000 bad keys; A700 index unavailable.
 */
public final class RetrieveScp {
    private static final Logger LOG = System.getLogger(RetrieveScp.class.getName());
    private static final int PENDING = 0xFF00;
    private static final int CANCELLED = 0xFE00;
    private static final int SOME_FAILED = 0xB000;
    private static final int UNABLE_TO_PERFORM = 0xA702;
    private static final int MOVE_DESTINATION_UNKNOWN = 0xA801;
    private static final AttributeTag FAILED_SOP_INSTANCE_UID_LIST = new AttributeTag(0x0008, 0x0058);

    private final String aeTitle;
    private final InstanceResolver resolver;
    private final InstanceSender sender;
    private final AeRegistry registry;
    private final StoreScu.Timeouts timeouts;

    /** @param aeTitle our AE title, the calling AE of C-MOVE's associations */
    public RetrieveScp(String aeTitle, InstanceResolver resolver, InstanceSender sender, AeRegistry registry,
                       StoreScu.Timeouts timeouts) {
        this.aeTitle = aeTitle;
        this.resolver = resolver;
        this.sender = sender;
        this.registry = registry;
        this.timeouts = timeouts;
    }

    /** A request refused before any sub-operation, with the status to answer. */
    private static final class Refused extends Exception {
        private final DimseStatus status;

        Refused(DimseStatus status) {
            super(status.errorComment());
            this.status = status;
        }
    }

    public void move(RequestingAssociation peer, QueryRetrieveRequest request) throws IOException {
        List<Retrievable> instances;
        RemoteAe destination;
        try {
            instances = resolve(peer, request);
            String title = request.moveDestination() == null ? "" : request.moveDestination().strip();
            destination = registry.find(title).orElseThrow(() -> new Refused(DimseStatus.failure(MOVE_DESTINATION_UNKNOWN,
                    "Move Destination '" + title + "' is not a known AE")));
        } catch (Refused e) {
            refuse(peer, request, e.status);
            return;
        }
        if (instances.isEmpty()) {
            finish(peer, request, 0, List.of(), 0, null);
            return;
        }
        StoreScu scu;
        try {
            scu = StoreScu.open(aeTitle, destination, instances, timeouts);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "C-MOVE from {0} to {1}: {2}", describe(peer), destination.aeTitle(), e.getMessage());
            List<String> all = instances.stream().map(Retrievable::sopInstanceUid).toList();
            finish(peer, request, 0, all, 0, e.getMessage());
            return;
        }
        try (scu) {
            perform(peer, request, instances, scu, peer.callingAeTitle(), () -> peer.cancelRequested(request.messageId()));
        }
    }

    public void get(RequestingAssociation peer, QueryRetrieveRequest request) throws IOException {
        List<Retrievable> instances;
        try {
            instances = resolve(peer, request);
        } catch (Refused e) {
            refuse(peer, request, e.status);
            return;
        }
        GetChannel channel = new GetChannel(peer, request.messageId());
        perform(peer, request, instances, channel, null, channel::cancelRequested);
    }

    private interface CancelCheck {
        boolean cancelled() throws IOException;
    }

    /** The sub-operations, with a pending response after each; then the final response. */
    private void perform(RequestingAssociation peer, QueryRetrieveRequest request, List<Retrievable> instances,
                         StoreChannel channel, String moveOriginator, CancelCheck cancel) throws IOException {
        try (InstanceSender.Session session = sender.session(channel)) {
            perform(peer, request, instances, channel, session, moveOriginator, cancel);
        }
    }

    private void perform(RequestingAssociation peer, QueryRetrieveRequest request, List<Retrievable> instances,
                         StoreChannel channel, InstanceSender.Session session, String moveOriginator, CancelCheck cancel)
            throws IOException {
        int completed = 0;
        int warning = 0;
        List<String> failed = new ArrayList<>();
        String lastFailure = null;
        for (int i = 0; i < instances.size(); i++) {
            if (cancel.cancelled()) {
                LOG.log(Level.INFO, "retrieve from {0} cancelled after {1} of {2} instances", describe(peer), i, instances.size());
                sendFinal(peer, request, new DimseStatus(CANCELLED, null),
                        new SubOperationCounts(instances.size() - i, completed, failed.size(), warning), failed);
                return;
            }
            Retrievable instance = instances.get(i);
            StoreOutcome outcome;
            try {
                outcome = session.send(instance, i + 1, moveOriginator, request.messageId(),
                        i + 1 < instances.size() ? instances.get(i + 1) : null);
            } catch (IOException e) {
                if (channel instanceof StoreScu) {
                    // The destination's association is lost: the rest cannot be sent.
                    LOG.log(Level.WARNING, "C-MOVE from {0}: lost the destination after {1} instances: {2}",
                            describe(peer), i, e.getMessage());
                    instances.subList(i, instances.size()).forEach(r -> failed.add(r.sopInstanceUid()));
                    finish(peer, request, completed, failed, warning, e.getMessage());
                    return;
                }
                throw e; // the requesting association itself is gone
            }
            if (outcome.isSuccess()) {
                completed++;
            } else if (outcome.isWarning()) {
                warning++;
            } else {
                failed.add(instance.sopInstanceUid());
                lastFailure = String.format("%04X %s", outcome.status(), outcome.reason() == null ? "" : outcome.reason());
                LOG.log(Level.WARNING, "retrieve from {0}: {1} not stored: {2}", describe(peer),
                        instance.sopInstanceUid(), lastFailure);
            }
            if (i + 1 < instances.size()) {
                sendPending(peer, request, new SubOperationCounts(instances.size() - i - 1, completed, failed.size(), warning),
                        channel instanceof GetChannel);
            }
        }
        finish(peer, request, completed, failed, warning, lastFailure);
    }

    private void finish(RequestingAssociation peer, QueryRetrieveRequest request, int completed, List<String> failed,
                        int warning, String reason) throws IOException {
        int code;
        if (failed.isEmpty() && warning == 0) {
            code = DimseStatus.SUCCESS_CODE;
        } else if (completed == 0 && warning == 0) {
            code = UNABLE_TO_PERFORM;
        } else {
            code = SOME_FAILED;
        }
        sendFinal(peer, request, new DimseStatus(code, reason), new SubOperationCounts(-1, completed, failed.size(), warning),
                failed);
    }

    private List<Retrievable> resolve(RequestingAssociation peer, QueryRetrieveRequest request) throws Refused {
        try {
            Identifier identifier = Identifier.decode(request.sopClassUid(), request.identifier(), request.transferSyntaxUid());
            return resolver.resolve(keys(identifier));
        } catch (Identifier.Refused e) {
            throw new Refused(e.status());
        } catch (QueryException e) {
            throw new Refused(DimseStatus.failure(DimseStatus.CANNOT_UNDERSTAND, e.getMessage()));
        } catch (DataAccessException e) {
            LOG.log(Level.ERROR, "retrieve from " + describe(peer) + ": index database failed", e);
            throw new Refused(DimseStatus.failure(DimseStatus.OUT_OF_RESOURCES, "index database unavailable, try again later"));
        }
    }

    /** The unique keys of the levels down to the retrieve's; the level's own is required (PS3.4 C.4.2.2.1). */
    private static InstanceResolver.Keys keys(Identifier identifier) throws Refused {
        AttributeList list = identifier.attributes();
        QueryLevel level = identifier.level();
        String patientId = identifier.root() == Root.PATIENT ? value(list, TagFromName.PatientID) : null;
        String study = level.includes(QueryLevel.STUDY) ? value(list, TagFromName.StudyInstanceUID) : null;
        String series = level.includes(QueryLevel.SERIES) ? value(list, TagFromName.SeriesInstanceUID) : null;
        String sop = level == QueryLevel.INSTANCE ? value(list, TagFromName.SOPInstanceUID) : null;
        String required = switch (level) {
            case PATIENT -> patientId;
            case STUDY -> study;
            case SERIES -> series;
            case INSTANCE -> sop;
        };
        if (required == null) {
            throw new Refused(DimseStatus.failure(DimseStatus.DATA_SET_DOES_NOT_MATCH,
                    "the unique key of the " + identifier.levelName() + " level is missing"));
        }
        return new InstanceResolver.Keys(patientId, study, series, sop);
    }

    private static String value(AttributeList list, AttributeTag tag) {
        String value = Attribute.getDelimitedStringValuesOrEmptyString(list, tag).strip();
        return value.isEmpty() ? null : value;
    }

    private void refuse(RequestingAssociation peer, QueryRetrieveRequest request, DimseStatus status) throws IOException {
        LOG.log(Level.WARNING, "retrieve from {0} refused: {1}", describe(peer), status);
        send(peer, request, status, null, null);
    }

    /**
     * @param withNextStore C-GET: the pending response goes out with the next C-STORE on the same
     *                      association (one write, one wake-up of the peer); C-MOVE: at once
     */
    private void sendPending(RequestingAssociation peer, QueryRetrieveRequest request, SubOperationCounts counts,
                             boolean withNextStore) throws IOException {
        if (!withNextStore) {
            send(peer, request, new DimseStatus(PENDING, null), counts, null);
            return;
        }
        try {
            peer.sendWithNext(request.presentationContextId(), CommandSet.response(request.commandField(),
                    request.sopClassUid(), null, request.messageId(), new DimseStatus(PENDING, null), counts, false));
        } catch (DicomException e) {
            throw new IOException("cannot encode a response", e);
        }
    }

    private void sendFinal(RequestingAssociation peer, QueryRetrieveRequest request, DimseStatus status,
                           SubOperationCounts counts, List<String> failed) throws IOException {
        byte[] identifier = null;
        if (!failed.isEmpty()) {
            try {
                AttributeList list = new AttributeList();
                UniqueIdentifierAttribute uids = new UniqueIdentifierAttribute(FAILED_SOP_INSTANCE_UID_LIST);
                for (String uid : failed) {
                    uids.addValue(uid);
                }
                list.put(uids);
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                list.write(new DicomOutputStream(bytes, null, request.transferSyntaxUid()));
                identifier = bytes.toByteArray();
            } catch (DicomException e) {
                throw new IOException("cannot encode the failed instance list", e);
            }
        }
        send(peer, request, status, counts, identifier);
    }

    private static void send(RequestingAssociation peer, QueryRetrieveRequest request, DimseStatus status,
                             SubOperationCounts counts, byte[] identifier) throws IOException {
        try {
            peer.send(request.presentationContextId(), CommandSet.response(request.commandField(), request.sopClassUid(),
                    null, request.messageId(), status, counts, identifier != null), identifier);
        } catch (DicomException e) {
            throw new IOException("cannot encode a response", e);
        }
    }

    private static String describe(RequestingAssociation peer) {
        return peer.callingAeTitle() + "@" + peer.remoteAddress();
    }
}
