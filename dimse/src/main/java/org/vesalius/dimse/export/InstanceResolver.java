package org.vesalius.dimse.export;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.query.Query;
import org.vesalius.storage.query.QueryEngine;
import org.vesalius.storage.query.QueryException;
import org.vesalius.storage.query.QueryLevel;
import org.vesalius.storage.query.QueryResult;

/**
 * The instances a retrieve (C-MOVE, C-GET) or an export names, through the one query engine: an
 * instance-level query on the unique keys given (single UIDs or UID lists), then each instance's
 * row in the index for its blob. Only the small descriptions are held, never the objects.
 */
public final class InstanceResolver {
    private static final int PATIENT_ID = 0x00100020;
    private static final int STUDY_INSTANCE_UID = 0x0020000D;
    private static final int SERIES_INSTANCE_UID = 0x0020000E;
    private static final int SOP_INSTANCE_UID = 0x00080018;

    private final QueryEngine engine;
    private final InstanceIndex index;

    public InstanceResolver(QueryEngine engine, InstanceIndex index) {
        this.engine = engine;
        this.index = index;
    }

    /**
     * The unique keys of a retrieve; null where not given. Values are DICOM strings: several UIDs
     * separated by backslashes.
     */
    public record Keys(String patientId, String studyInstanceUids, String seriesInstanceUids, String sopInstanceUids) {
    }

    /** The instances matching every given key, in the engine's order (by study, series, number). */
    public List<Retrievable> resolve(Keys keys) throws QueryException {
        Query.Builder query = Query.builder(QueryLevel.INSTANCE);
        addKey(query, PATIENT_ID, keys.patientId());
        addKey(query, STUDY_INSTANCE_UID, keys.studyInstanceUids());
        addKey(query, SERIES_INSTANCE_UID, keys.seriesInstanceUids());
        addKey(query, SOP_INSTANCE_UID, keys.sopInstanceUids());
        List<String> sopInstanceUids = new ArrayList<>();
        try (Stream<QueryResult> results = engine.stream(query.build())) {
            results.forEach(result -> sopInstanceUids.add(result.value(SOP_INSTANCE_UID)));
        }
        List<Retrievable> instances = new ArrayList<>(sopInstanceUids.size());
        for (String sopInstanceUid : sopInstanceUids) {
            // Deleted since the query: nothing to send.
            index.findInstance(sopInstanceUid).ifPresent(row -> instances.add(new Retrievable(row.sopInstanceUid(),
                    row.sopClassUid(), row.transferSyntaxUid(), row.blobKey())));
        }
        return instances;
    }

    private static void addKey(Query.Builder query, int tag, String value) throws QueryException {
        if (value != null && !value.isBlank()) {
            if (value.contains("*") || value.contains("?")) {
                // A retrieve names what it wants: unique keys only, no wildcard (PS3.4 C.4.2.2.1).
                throw new QueryException(tag, "wildcards are not allowed in the unique keys of a retrieve");
            }
            query.match(tag, value);
        }
    }
}
