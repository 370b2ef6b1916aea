package org.vesalius.dimse.find;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.jooq.exception.DataAccessException;
import org.vesalius.dimse.DimseStatus;
import org.vesalius.dimse.message.CommandSet;
import org.vesalius.dimse.message.QueryRetrieveRequest;
import org.vesalius.dimse.message.RequestingAssociation;
import org.vesalius.storage.query.AttributeCatalog;
import org.vesalius.storage.query.AttributeSource;
import org.vesalius.storage.query.Query;
import org.vesalius.storage.query.QueryEngine;
import org.vesalius.storage.query.QueryException;
import org.vesalius.storage.query.QueryLevel;
import org.vesalius.storage.query.QueryResult;

/**
 * The C-FIND SCP of the Patient Root and Study Root models: turns the identifier into a
 * {@link Query} for the one query engine (the one behind QIDO-RS, so both answer alike) and sends
 * one pending response per match, pulled from the engine's lazy stream, then the final status.
 *
 * <p>Only the keys of the identifier come back, with the values of the match; keys the engine
 * does not know (or below the query's level) come back zero-length, and when such a key carried a
 * value to match, the pending status is FF01 ("optional keys not supported"). The Specific
 * Character Set is returned: ISO_IR 192 (UTF-8) when a value needs more than ASCII, else the
 * request's own. A C-CANCEL between two responses stops the query (FE00).
 */
public final class CFindScp {
    private static final Logger LOG = System.getLogger(CFindScp.class.getName());
    private static final int PENDING = 0xFF00;
    private static final int PENDING_OPTIONAL_KEYS_UNSUPPORTED = 0xFF01;
    private static final int CANCELLED = 0xFE00;
    private static final String UTF8 = "ISO_IR 192";
    /** The key identifying a result at each level: always returned, as PS3.4 C.4.1.2.1 asks. */
    private static final Map<QueryLevel, AttributeTag> UNIQUE_KEYS = Map.of(
            QueryLevel.PATIENT, TagFromName.PatientID,
            QueryLevel.STUDY, TagFromName.StudyInstanceUID,
            QueryLevel.SERIES, TagFromName.SeriesInstanceUID,
            QueryLevel.INSTANCE, TagFromName.SOPInstanceUID);
    /** Elements that describe the identifier rather than ask for an attribute. */
    private static final Set<AttributeTag> NOT_KEYS = Set.of(TagFromName.QueryRetrieveLevel,
            TagFromName.SpecificCharacterSet);

    private final QueryEngine engine;
    private final AttributeCatalog catalog = AttributeCatalog.standard();

    public CFindScp(QueryEngine engine) {
        this.engine = engine;
    }

    /** Answers one C-FIND-RQ: pending responses, then the final one. */
    public void find(RequestingAssociation peer, QueryRetrieveRequest request) throws IOException {
        DimseStatus status;
        try {
            Identifier identifier = Identifier.decode(request.sopClassUid(), request.identifier(), request.transferSyntaxUid());
            status = answer(peer, request, identifier);
        } catch (Identifier.Refused e) {
            status = e.status();
        } catch (QueryException e) {
            status = DimseStatus.failure(DimseStatus.CANNOT_UNDERSTAND, e.getMessage());
        } catch (DataAccessException e) {
            LOG.log(Level.ERROR, "C-FIND from " + describe(peer) + ": index database failed", e);
            status = DimseStatus.failure(DimseStatus.OUT_OF_RESOURCES, "index database unavailable, try again later");
        } catch (DicomException e) {
            status = DimseStatus.failure(DimseStatus.CANNOT_UNDERSTAND, "cannot encode a response: " + e.getMessage());
        }
        if (!status.isSuccess() && status.code() != CANCELLED) {
            LOG.log(Level.WARNING, "C-FIND from {0} refused: {1}", describe(peer), status);
        }
        send(peer, request, status, null);
    }

    /** Streams the matches; returns the final status (success or cancelled). */
    private DimseStatus answer(RequestingAssociation peer, QueryRetrieveRequest request, Identifier identifier)
            throws QueryException, DicomException, IOException {
        Map<AttributeTag, Attribute> requested = new LinkedHashMap<>();
        Query.Builder query = Query.builder(identifier.level());
        Set<Integer> returnTags = new HashSet<>();
        boolean unsupportedKeyWithValue = false;
        for (Object value : identifier.attributes().values()) {
            Attribute key = (Attribute) value;
            AttributeTag tag = key.getTag();
            if (tag.getElement() == 0 || NOT_KEYS.contains(tag)) {
                continue;
            }
            requested.put(tag, key);
            String text = key.getDelimitedStringValuesOrEmptyString().strip();
            Optional<org.vesalius.storage.query.Attribute> known = catalog.find(tagNumber(tag))
                    .filter(a -> identifier.level().includes(a.level()));
            if (known.isEmpty()) {
                unsupportedKeyWithValue |= !text.isEmpty();
            } else if (text.isEmpty() || isReturnOnly(known.get())) {
                // Universal matching (only asked for); computed values cannot be matched on.
                unsupportedKeyWithValue |= !text.isEmpty();
                returnTags.add(known.get().tag());
            } else {
                query.match(known.get().tag(), text);
            }
        }
        query.returnTags(returnTags);
        int pendingStatus = unsupportedKeyWithValue ? PENDING_OPTIONAL_KEYS_UNSUPPORTED : PENDING;
        String requestCharacterSet = Attribute.getDelimitedStringValuesOrNull(identifier.attributes(),
                TagFromName.SpecificCharacterSet);
        int matches = 0;
        try (Stream<QueryResult> results = engine.stream(query.build())) {
            Iterator<QueryResult> iterator = results.iterator();
            while (iterator.hasNext()) {
                if (peer.cancelRequested(request.messageId())) {
                    LOG.log(Level.DEBUG, "C-FIND from {0} cancelled after {1} matches", describe(peer), matches);
                    return new DimseStatus(CANCELLED, null);
                }
                byte[] response = encode(identifier, requested, iterator.next(), requestCharacterSet,
                        request.transferSyntaxUid());
                send(peer, request, new DimseStatus(pendingStatus, null), response);
                matches++;
            }
        }
        LOG.log(Level.DEBUG, "C-FIND {0} from {1}: {2} matches", identifier.levelName(), describe(peer), matches);
        return DimseStatus.SUCCESS;
    }

    /** The response identifier: the requested keys (zero-length when unknown), in the request's order. */
    private static byte[] encode(Identifier identifier, Map<AttributeTag, Attribute> requested, QueryResult result,
                                 String requestCharacterSet, String transferSyntaxUid) throws DicomException, IOException {
        Map<AttributeTag, List<String>> values = new LinkedHashMap<>();
        for (AttributeTag tag : requested.keySet()) {
            values.put(tag, result.values(tagNumber(tag)));
        }
        AttributeTag uniqueKey = UNIQUE_KEYS.get(identifier.level());
        values.putIfAbsent(uniqueKey, result.values(tagNumber(uniqueKey)));

        boolean ascii = values.values().stream().flatMap(List::stream).allMatch(v -> v.chars().allMatch(c -> c < 0x80));
        String characterSet = ascii ? requestCharacterSet : UTF8;
        SpecificCharacterSet encoding = new SpecificCharacterSet(characterSet == null ? null
                : characterSet.split("\\\\"));
        AttributeList list = new AttributeList();
        if (characterSet != null) {
            CodeStringAttribute charset = new CodeStringAttribute(TagFromName.SpecificCharacterSet);
            for (String term : characterSet.split("\\\\", -1)) {
                charset.addValue(term);
            }
            list.put(charset);
        }
        CodeStringAttribute level = new CodeStringAttribute(TagFromName.QueryRetrieveLevel);
        level.addValue(identifier.levelName());
        list.put(level);
        for (Map.Entry<AttributeTag, List<String>> entry : values.entrySet()) {
            Attribute requestedKey = requested.get(entry.getKey());
            byte[] vr = requestedKey != null ? requestedKey.getVR() : null;
            Attribute attribute = vr != null ? AttributeFactory.newAttribute(entry.getKey(), vr, encoding)
                    : AttributeFactory.newAttribute(entry.getKey());
            for (String value : entry.getValue()) {
                attribute.addValue(value);
            }
            list.put(attribute);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        list.write(new DicomOutputStream(bytes, null, transferSyntaxUid));
        return bytes.toByteArray();
    }

    private static void send(RequestingAssociation peer, QueryRetrieveRequest request, DimseStatus status,
                             byte[] identifier) throws IOException {
        try {
            peer.send(request.presentationContextId(), CommandSet.response(request.commandField(),
                    request.sopClassUid(), null, request.messageId(), status, null, identifier != null), identifier);
        } catch (DicomException e) {
            throw new IOException("cannot encode a C-FIND response", e);
        }
    }

    private static boolean isReturnOnly(org.vesalius.storage.query.Attribute attribute) {
        return attribute.source() instanceof AttributeSource.Count || attribute.source() instanceof AttributeSource.PerLevel;
    }

    static int tagNumber(AttributeTag tag) {
        return (tag.getGroup() << 16) | tag.getElement();
    }

    private static String describe(RequestingAssociation peer) {
        return peer.callingAeTitle() + "@" + peer.remoteAddress();
    }
}
