package org.vesalius.dimse.export;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.vesalius.storage.index.IndexedInstance;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.query.Query;
import org.vesalius.storage.query.QueryEngine;
import org.vesalius.storage.query.QueryException;
import org.vesalius.storage.query.QueryLevel;
import org.vesalius.storage.query.QueryResult;

/**
 * The instances a retrieve (C-MOVE, C-GET) or an export names, through the one query engine: an
 * instance-level query on the unique keys given (single UIDs or UID lists), then the instances'
 * rows in the index for their blobs. Only the small descriptions are held, never the objects.
 */
public final class InstanceResolver {
    private static final int PATIENT_ID = 0x00100020;
    private static final int STUDY_INSTANCE_UID = 0x0020000D;
    private static final int SERIES_INSTANCE_UID = 0x0020000E;
    private static final int SOP_INSTANCE_UID = 0x00080018;
    /** From this many instances of a study on, their rows come in one query rather than one each. */
    private static final int ONE_QUERY_FROM = 4;

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
        List<Match> matches;
        try (Stream<QueryResult> results = engine.stream(query.build())) {
            matches = results.map(r -> new Match(r.value(STUDY_INSTANCE_UID), r.value(SERIES_INSTANCE_UID),
                    r.value(SOP_INSTANCE_UID))).toList();
        }
        Map<String, IndexedInstance> rows = rowsOf(matches);
        List<Retrievable> instances = new ArrayList<>(matches.size());
        for (Match match : matches) {
            // Absent when deleted since the query: nothing to send.
            IndexedInstance row = rows.get(match.sopInstanceUid());
            if (row != null) {
                instances.add(new Retrievable(row.sopInstanceUid(), row.sopClassUid(), row.transferSyntaxUid(),
                        row.blobKey()));
            }
        }
        return instances;
    }

    /** An instance the query matched, by its UIDs (the engine returns them at instance level). */
    private record Match(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid) {
    }

    /**
     * The index rows (blob key, stored syntax) of the matches, by SOP Instance UID, in few queries:
     * one per study when several of its series are wanted, one per series when one is, one per
     * instance only for a handful (a study of 500 instances in 5 series is one query, not 500).
     */
    private Map<String, IndexedInstance> rowsOf(List<Match> matches) {
        Map<String, Map<String, List<String>>> byStudyAndSeries = new LinkedHashMap<>();
        for (Match match : matches) {
            byStudyAndSeries.computeIfAbsent(match.studyInstanceUid(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(match.seriesInstanceUid(), k -> new ArrayList<>()).add(match.sopInstanceUid());
        }
        Map<String, IndexedInstance> rows = new HashMap<>();
        byStudyAndSeries.forEach((study, bySeries) -> {
            List<String> wanted = bySeries.values().stream().flatMap(List::stream).toList();
            if (wanted.size() < ONE_QUERY_FROM) {
                wanted.forEach(uid -> index.findInstance(uid).ifPresent(row -> rows.put(uid, row)));
            } else if (bySeries.size() == 1) {
                keepWanted(index.instancesInSeries(study, bySeries.keySet().iterator().next()), wanted, rows);
            } else {
                keepWanted(index.instancesInStudy(study), wanted, rows);
            }
        });
        return rows;
    }

    private static void keepWanted(List<IndexedInstance> fetched, List<String> wanted, Map<String, IndexedInstance> rows) {
        Set<String> uids = new HashSet<>(wanted);
        for (IndexedInstance row : fetched) {
            if (uids.contains(row.sopInstanceUid())) {
                rows.put(row.sopInstanceUid(), row);
            }
        }
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
