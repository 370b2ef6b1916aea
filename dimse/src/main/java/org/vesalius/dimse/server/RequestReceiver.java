package org.vesalius.dimse.server;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PresentationDataValue;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.vesalius.dimse.DimseStatus;
import org.vesalius.dimse.access.DimseService;
import org.vesalius.dimse.message.CommandSet;
import org.vesalius.dimse.message.MessageReader;
import org.vesalius.dimse.message.PDataAssembler;
import org.vesalius.dimse.negotiation.AcceptedContext;
import org.vesalius.dimse.negotiation.StoragePresentationContextPolicy;
import org.vesalius.dimse.negotiation.StorageSopClasses;
import org.vesalius.storage.dicom.Uids;

/**
 * Assembles one request message from the P-DATA PDUs PixelMed reads: the command set in memory
 * (it is small), a C-FIND/C-MOVE/C-GET identifier in memory too (bounded), the C-STORE data set streamed to a temp file as a Part 10 file, i.e. a File Meta
 * Information built from the command and the presentation context, followed by the data set bytes
 * exactly as received.
 *
 * <p>Why not PixelMed's StorageSOPClassSCP: it always answers C-STORE with success and gives its
 * ReceivedObjectHandler no way to return a failure status (an exception from the handler kills the
 * association without any answer). It also names its files after the command's SOP Instance UID
 * (two associations sending the same UID collide). We keep PixelMed's association and PDU handling
 * and replace the request handling: this receiver, then {@link ScpAssociation} answers.
 *
 * <p>A problem with the object (bad UIDs, a context that does not fit, a full disk) does not stop
 * the association: the remaining fragments are discarded and the request is answered with a
 * failure status. A protocol violation (data before a command, a command on a context we did not
 * accept) throws, which makes PixelMed close the association.
 */
final class RequestReceiver extends PDataAssembler {
    private static final int SOP_CLASS_NOT_SUPPORTED = 0x0122;
    /** A command set is a few hundred bytes; more is an attack on our memory. */
    private static final int MAX_COMMAND_BYTES = 64 * 1024;
    /** Query/retrieve identifiers are a few KB, kept in memory. */
    private static final int MAX_IDENTIFIER_BYTES = MessageReader.MAX_MESSAGE_BYTES;
    private static final int FILE_BUFFER_BYTES = 64 * 1024;

    private final StoragePresentationContextPolicy contexts;
    private final Path tempFolder;
    private final String callingAeTitle;
    private final Set<DimseService> granted;

    private final ByteArrayOutputStream commandBytes = new ByteArrayOutputStream(512);
    private byte contextId;
    private AttributeList command;
    private AcceptedContext context;
    private int commandField = -1;
    private int messageId;
    private String affectedSopClassUid;
    private String affectedSopInstanceUid;
    private Path dataSetFile;
    private OutputStream dataSetOut;
    private ByteArrayOutputStream identifier;
    private DimseStatus failure;
    private ReceivedRequest request;

    /** @param granted the services the calling AE may use; other requests are refused (0124) unread */
    RequestReceiver(StoragePresentationContextPolicy contexts, Path tempFolder, String callingAeTitle,
                    Set<DimseService> granted) {
        this.contexts = contexts;
        this.tempFolder = tempFolder;
        this.callingAeTitle = callingAeTitle;
        this.granted = granted;
    }

    /** The complete request, once {@link #isDone()}. */
    ReceivedRequest request() {
        return request;
    }

    @Override
    protected boolean isComplete() {
        return request != null;
    }

    @Override
    protected void commandFragment(PresentationDataValue pdv) throws DicomNetworkException {
        if (commandField != -1) {
            throw new DicomNetworkException("a second command before the data set of the first");
        }
        commandBytes.writeBytes(pdv.getValue());
        if (commandBytes.size() > MAX_COMMAND_BYTES) {
            throw new DicomNetworkException("command set larger than " + MAX_COMMAND_BYTES + " bytes");
        }
        if (!pdv.isLastFragment()) {
            return;
        }
        contextId = pdv.getPresentationContextID();
        try {
            command = CommandSet.decode(commandBytes.toByteArray());
        } catch (IOException | DicomException e) {
            throw new DicomNetworkException("unreadable command set: " + e.getMessage());
        }
        commandField = CommandSet.commandField(command);
        messageId = Attribute.getSingleIntegerValueOrDefault(command, TagFromName.MessageID, 0);
        affectedSopClassUid = trimmed(Attribute.getSingleStringValueOrNull(command, TagFromName.AffectedSOPClassUID));
        affectedSopInstanceUid = trimmed(Attribute.getSingleStringValueOrNull(command, TagFromName.AffectedSOPInstanceUID));
        boolean dataSetFollows = CommandSet.hasDataSet(command);

        context = contexts.accepted(contextId).orElseThrow(() -> new DicomNetworkException(
                "command on presentation context " + (contextId & 0xFF) + ", which was not accepted"));
        Optional<DimseService> service = service(commandField);
        if (service.isPresent() && !granted.contains(service.get())) {
            // E.g. a C-STORE on a storage context accepted for C-GET's sake: refused, its data set discarded.
            failure = DimseStatus.failure(DimseStatus.NOT_AUTHORIZED,
                    "calling AE " + callingAeTitle + " is not allowed to use " + service.get().name().toLowerCase(Locale.ROOT));
        } else if (commandField == CommandSet.C_STORE_RQ) {
            if (dataSetFollows) {
                startDataSetFile(context);
            } else {
                failure = DimseStatus.failure(DimseStatus.CANNOT_UNDERSTAND, "C-STORE without a data set");
            }
        } else if (isQueryRetrieve(commandField)) {
            if (dataSetFollows) {
                identifier = new ByteArrayOutputStream(1024);
            } else {
                failure = DimseStatus.failure(DimseStatus.CANNOT_UNDERSTAND, "request without an identifier");
            }
        } else if (dataSetFollows) {
            failure = DimseStatus.failure(DimseStatus.UNRECOGNIZED_OPERATION, "command not served");
        }
        if (!dataSetFollows) {
            finish();
        }
    }

    private void startDataSetFile(AcceptedContext context) {
        if (!StorageSopClasses.isStorage(context.abstractSyntaxUid())) {
            failure = DimseStatus.failure(SOP_CLASS_NOT_SUPPORTED, "C-STORE on a non-storage presentation context");
        } else if (!Uids.isValid(affectedSopClassUid) || !Uids.isValid(affectedSopInstanceUid)) {
            failure = DimseStatus.failure(DimseStatus.DATA_SET_DOES_NOT_MATCH,
                    "Affected SOP Class/Instance UID missing or malformed in the command");
        } else if (!affectedSopClassUid.equals(context.abstractSyntaxUid())) {
            failure = DimseStatus.failure(DimseStatus.DATA_SET_DOES_NOT_MATCH,
                    "Affected SOP Class UID differs from the presentation context's");
        } else {
            try {
                dataSetFile = Files.createTempFile(tempFolder, "cstore-", ".dcm");
                dataSetOut = new BufferedOutputStream(Files.newOutputStream(dataSetFile), FILE_BUFFER_BYTES);
                DicomOutputStream meta = new DicomOutputStream(dataSetOut, "1.2.840.10008.1.2.1", null);
                new FileMetaInformation(affectedSopClassUid, affectedSopInstanceUid, context.transferSyntaxUid(),
                        callingAeTitle).getAttributeList().write(meta);
                meta.flush();
            } catch (IOException | DicomException e) {
                spoolFailed(e);
            }
        }
    }

    @Override
    protected void dataFragment(PresentationDataValue pdv) throws DicomNetworkException {
        if (commandField == -1 || request != null) {
            throw new DicomNetworkException("a data set fragment without a command announcing one");
        }
        if (pdv.getPresentationContextID() != contextId) {
            throw new DicomNetworkException("data set on presentation context " + (pdv.getPresentationContextID() & 0xFF)
                    + ", its command on " + (contextId & 0xFF));
        }
        if (identifier != null) {
            identifier.writeBytes(pdv.getValue());
            if (identifier.size() > MAX_IDENTIFIER_BYTES) {
                throw new DicomNetworkException("identifier larger than " + MAX_IDENTIFIER_BYTES + " bytes");
            }
        } else if (dataSetOut != null) {
            try {
                dataSetOut.write(pdv.getValue());
                if (pdv.isLastFragment()) {
                    dataSetOut.close();
                    dataSetOut = null;
                }
            } catch (IOException e) {
                spoolFailed(e);
            }
        }
        if (pdv.isLastFragment()) {
            finish();
        }
    }

    private void spoolFailed(Exception e) {
        failure = DimseStatus.failure(DimseStatus.OUT_OF_RESOURCES, "cannot spool the data set: " + e.getMessage());
        discardUnfinished();
    }

    private void finish() {
        request = new ReceivedRequest(contextId, context == null ? null : context.transferSyntaxUid(), command,
                commandField, messageId, affectedSopClassUid, affectedSopInstanceUid,
                failure == null ? dataSetFile : null, identifier == null ? null : identifier.toByteArray(), failure);
        setDone(true);
    }

    /** Closes and deletes a data set file not yet handed over (failure, or the association died). */
    void discardUnfinished() {
        if (dataSetOut != null) {
            try {
                dataSetOut.close();
            } catch (IOException ignored) {
                // The file is deleted next; nothing of it is kept.
            }
            dataSetOut = null;
        }
        if (dataSetFile != null && (request == null || request.dataSetFile() == null)) {
            try {
                Files.deleteIfExists(dataSetFile);
            } catch (IOException ignored) {
                // Left in the temp folder; a restart's cleanup removes it.
            }
            dataSetFile = null;
        }
    }

    private static boolean isQueryRetrieve(int commandField) {
        return commandField == CommandSet.C_FIND_RQ || commandField == CommandSet.C_MOVE_RQ
                || commandField == CommandSet.C_GET_RQ;
    }

    /** The service a request belongs to; none for C-ECHO (open to every admitted AE) and the rest. */
    private static Optional<DimseService> service(int commandField) {
        return Optional.ofNullable(switch (commandField) {
            case CommandSet.C_STORE_RQ -> DimseService.STORE;
            case CommandSet.C_FIND_RQ -> DimseService.FIND;
            case CommandSet.C_MOVE_RQ -> DimseService.MOVE;
            case CommandSet.C_GET_RQ -> DimseService.GET;
            default -> null;
        });
    }

    private static String trimmed(String uid) {
        return uid == null ? null : uid.trim();
    }
}
