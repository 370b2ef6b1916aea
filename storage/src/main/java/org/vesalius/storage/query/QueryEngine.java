package org.vesalius.storage.query;

import static org.vesalius.schema.jooq.Tables.SERIES;
import static org.vesalius.schema.jooq.Tables.STUDY;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jooq.Condition;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record2;
import org.jooq.Result;
import org.jooq.SelectQuery;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConnectionProvider;
import org.vesalius.storage.dicom.Uids;
import org.vesalius.storage.index.Database;

/**
 * The one query engine behind QIDO-RS and C-FIND: matches a {@link Query} against the index and
 * returns one {@link QueryResult} per matching patient, study, series or instance.
 *
 * <p>Matching, ordering (see {@link Levels#order}), limit and offset all happen in SQL. Rows are
 * read in batches of {@value #BATCH_SIZE}, and the computed attributes (the Number of ... Related
 * counts, ModalitiesInStudy) are fetched with one grouped query per batch, so memory stays bounded
 * by the batch whatever the number of matches.
 */
public final class QueryEngine {
    private static final System.Logger LOG = System.getLogger(QueryEngine.class.getName());

    /** Rows fetched per round trip, and owners per grouped query for the computed attributes. */
    static final int BATCH_SIZE = 200;

    /** Each date attribute and the time attribute it combines with into one date-time range. */
    private static final Map<Integer, Integer> DATE_TIME_PAIRS = Map.of(
            0x00080020, 0x00080030,   // StudyDate, StudyTime
            0x00080021, 0x00080031,   // SeriesDate, SeriesTime
            0x00080023, 0x00080033,   // ContentDate, ContentTime
            0x00400244, 0x00400245);  // PerformedProcedureStepStartDate, ...Time

    /** The UIDs that identify a result at each level (PatientID for patients); always returned. */
    private static final Map<QueryLevel, List<Integer>> IDENTIFYING_TAGS = Map.of(
            QueryLevel.PATIENT, List.of(0x00100020),
            QueryLevel.STUDY, List.of(0x0020000D),
            QueryLevel.SERIES, List.of(0x0020000D, 0x0020000E),
            QueryLevel.INSTANCE, List.of(0x0020000D, 0x0020000E, 0x00080018));

    private final Database database;
    private final AttributeCatalog catalog = AttributeCatalog.standard();

    public QueryEngine(Database database) {
        this.database = database;
    }

    /**
     * One page of results, for QIDO-RS: the query must have a limit. One row more than the limit
     * is read to tell whether more results exist.
     */
    public QueryPage search(Query query) throws QueryException {
        int limit = query.limit().orElseThrow(() ->
                new IllegalArgumentException("search needs a limit; stream() reads unlimited results"));
        Plan plan = plan(query);
        long start = System.nanoTime();
        List<QueryResult> results;
        try (Stream<QueryResult> stream = open(plan, OptionalInt.of(limit + 1), query.offset())) {
            results = stream.toList();
        }
        boolean hasMore = results.size() > limit;
        LOG.log(System.Logger.Level.DEBUG, () -> String.format("%s query, %d keys: %d results%s in %d ms",
                query.level(), query.keys().size(), Math.min(results.size(), limit), hasMore ? " and more" : "",
                (System.nanoTime() - start) / 1_000_000));
        return new QueryPage(hasMore ? results.subList(0, limit) : results, hasMore);
    }

    /**
     * All results (within the query's limit and offset), read lazily in batches, for C-FIND. The
     * stream holds a database connection until it is exhausted or closed: close it
     * (try-with-resources), also when the peer cancels.
     */
    public Stream<QueryResult> stream(Query query) throws QueryException {
        return open(plan(query), query.limit(), query.offset());
    }

    /** A validated query: what to select, under which condition. */
    private record Plan(QueryLevel level, List<Attribute> returned, Condition where) {

        /** The pks of the level and its parents (computed attributes hang on them) and the columns. */
        List<Field<?>> selectedFields() {
            Set<Field<?>> fields = new LinkedHashSet<>();
            for (QueryLevel each : QueryLevel.values()) {
                if (level.includes(each)) {
                    fields.add(Levels.pk(each));
                }
            }
            for (Attribute attribute : returned) {
                switch (attribute.source()) {
                    case AttributeSource.Column column -> fields.add(column.field());
                    case AttributeSource.PerLevel perLevel -> fields.add(perLevel.fields().get(level));
                    case AttributeSource.Count ignored -> { }
                    case AttributeSource.ChildValues ignored -> { }
                }
            }
            return new ArrayList<>(fields);
        }
    }

    private Plan plan(Query query) throws QueryException {
        QueryLevel level = query.level();
        Map<Attribute, String> keys = new LinkedHashMap<>();
        for (MatchKey key : query.keys()) {
            Attribute attribute = available(catalog.byTag(key.tag()), level);
            if (keys.put(attribute, key.value()) != null) {
                throw new QueryException(key.tag(), attribute.describe() + " is given more than once");
            }
        }

        Set<Attribute> returned = new LinkedHashSet<>();
        for (int tag : IDENTIFYING_TAGS.get(level)) {
            returned.add(catalog.byTag(tag));
        }
        returned.addAll(keys.keySet());
        if (query.returnKeys().allKnown()) {
            returned.addAll(catalog.availableAt(level));
        } else {
            for (int tag : query.returnKeys().tags()) {
                returned.add(available(catalog.byTag(tag), level));
            }
        }

        Condition where = DSL.noCondition();
        Set<Attribute> matchedTogether = new HashSet<>();
        if (query.combinedDateTime()) {
            for (Map.Entry<Integer, Integer> pair : DATE_TIME_PAIRS.entrySet()) {
                Attribute date = catalog.byTag(pair.getKey());
                Attribute time = catalog.byTag(pair.getValue());
                if (!keys.containsKey(date) || !keys.containsKey(time)) {
                    continue;
                }
                Condition combined = Matching.combinedDateTime(date, keys.get(date), time, keys.get(time));
                if (combined != null) {
                    where = where.and(combined);
                    matchedTogether.add(date);
                    matchedTogether.add(time);
                }
            }
        }
        for (Map.Entry<Attribute, String> key : keys.entrySet()) {
            if (!matchedTogether.contains(key.getKey())) {
                where = where.and(Matching.condition(key.getKey(), key.getValue(), query.fuzzyMatching()));
            }
        }
        if (query.studyInstanceUid() != null) {
            where = where.and(STUDY.STUDY_INSTANCE_UID.eq(uid(query.studyInstanceUid(), 0x0020000D)));
        }
        if (query.seriesInstanceUid() != null) {
            where = where.and(SERIES.SERIES_INSTANCE_UID.eq(uid(query.seriesInstanceUid(), 0x0020000E)));
        }
        return new Plan(level, List.copyOf(returned), where);
    }

    private static Attribute available(Attribute attribute, QueryLevel level) throws QueryException {
        if (!level.includes(attribute.level())) {
            throw new QueryException(attribute.tag(), attribute.describe() + " is an attribute of the "
                    + attribute.level() + " level, not available in a " + level + " query");
        }
        return attribute;
    }

    private static String uid(String uid, int tag) throws QueryException {
        if (!Uids.isValid(uid)) {
            throw new QueryException(tag, "not a valid UID in the query path: '"
                    + uid.replaceAll("[^\\x20-\\x7e]", "?") + "'");
        }
        return uid;
    }

    private Stream<QueryResult> open(Plan plan, OptionalInt limit, int offset) {
        Connection connection;
        try {
            connection = database.dataSource().getConnection();
        } catch (SQLException e) {
            throw new DataAccessException("cannot reach the index database", e);
        }
        try {
            // PostgreSQL streams a result by fetch size only inside a transaction; otherwise it
            // would read every matching row into memory at once.
            connection.setAutoCommit(false);
            // The index's own jOOQ configuration (dialect, name rendering) on this one connection.
            DSLContext context = DSL.using(database.dsl().configuration().derive(new DefaultConnectionProvider(connection)));
            SelectQuery<Record> select = context.selectQuery();
            select.addSelect(plan.selectedFields());
            select.addFrom(Levels.from(plan.level()));
            select.addConditions(plan.where());
            select.addOrderBy(Levels.order(plan.level()));
            if (limit.isPresent()) {
                select.addLimit(offset, limit.getAsInt());
            } else if (offset > 0) {
                select.addOffset(offset);
            }
            select.fetchSize(BATCH_SIZE);
            Results results = new Results(context, plan, connection, select.fetchLazy());
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(results,
                    Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(results::close);
        } catch (SQLException | RuntimeException e) {
            release(connection);
            throw e instanceof SQLException ? new DataAccessException("query failed", e) : (RuntimeException) e;
        }
    }

    private static void release(Connection connection) {
        try (connection) {
            connection.rollback(); // read-only: nothing to commit
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "could not release a query connection cleanly", e);
        }
    }

    /** Reads the cursor a batch at a time and completes each batch with its computed attributes. */
    private static final class Results implements Iterator<QueryResult> {
        private final DSLContext context;
        private final Plan plan;
        private final Connection connection;
        private final Cursor<Record> cursor;
        private final ArrayDeque<QueryResult> ready = new ArrayDeque<>();
        private boolean closed;

        Results(DSLContext context, Plan plan, Connection connection, Cursor<Record> cursor) {
            this.context = context;
            this.plan = plan;
            this.connection = connection;
            this.cursor = cursor;
        }

        @Override
        public boolean hasNext() {
            if (ready.isEmpty() && !closed) {
                Result<Record> batch = cursor.fetchNext(BATCH_SIZE);
                ready.addAll(complete(batch));
                if (batch.size() < BATCH_SIZE) {
                    close(); // exhausted: give the connection back without waiting for the caller
                }
            }
            return !ready.isEmpty();
        }

        @Override
        public QueryResult next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        void close() {
            if (!closed) {
                closed = true;
                try {
                    cursor.close();
                } finally {
                    release(connection);
                }
            }
        }

        private List<QueryResult> complete(Result<Record> batch) {
            Map<Attribute, Map<Long, List<String>>> computed = new HashMap<>();
            for (Attribute attribute : plan.returned()) {
                if (attribute.source() instanceof AttributeSource.Count
                        || attribute.source() instanceof AttributeSource.ChildValues) {
                    Set<Long> owners = new HashSet<>(batch.getValues(Levels.pk(attribute.level())));
                    computed.put(attribute, owners.isEmpty() ? Map.of() : computedValues(attribute, owners));
                }
            }
            List<QueryResult> results = new ArrayList<>(batch.size());
            for (Record row : batch) {
                TreeMap<Integer, List<String>> attributes = new TreeMap<>();
                for (Attribute attribute : plan.returned()) {
                    attributes.put(attribute.tag(), switch (attribute.source()) {
                        case AttributeSource.Column column -> values(row.get(column.field()));
                        case AttributeSource.PerLevel perLevel -> values(row.get(perLevel.fields().get(plan.level())));
                        case AttributeSource.Count ignored ->
                                computed.get(attribute).getOrDefault(row.get(Levels.pk(attribute.level())), List.of("0"));
                        case AttributeSource.ChildValues ignored ->
                                computed.get(attribute).getOrDefault(row.get(Levels.pk(attribute.level())), List.of());
                    });
                }
                results.add(new QueryResult(plan.level(), attributes));
            }
            return results;
        }

        /** Counts or child values for a batch of owners, in one grouped query on the indexed fks. */
        private Map<Long, List<String>> computedValues(Attribute attribute, Set<Long> owners) {
            Map<Long, List<String>> byOwner = new HashMap<>();
            if (attribute.source() instanceof AttributeSource.Count(var rows, var ownerKey)) {
                for (Record2<Long, Integer> row : context.select(ownerKey, DSL.count()).from(rows)
                        .where(ownerKey.in(owners)).groupBy(ownerKey).fetch()) {
                    byOwner.put(row.value1(), List.of(String.valueOf(row.value2())));
                }
            } else if (attribute.source() instanceof AttributeSource.ChildValues(var rows, var ownerKey, var value)) {
                for (Record2<Long, String> row : context.selectDistinct(ownerKey, value).from(rows)
                        .where(ownerKey.in(owners)).and(value.isNotNull()).and(value.ne(""))
                        .orderBy(ownerKey, value).fetch()) {
                    byOwner.computeIfAbsent(row.value1(), owner -> new ArrayList<>()).add(row.value2());
                }
            }
            return byOwner;
        }

        /** A stored value as DICOM values: null and "" have none; strings split at the backslash. */
        private static List<String> values(Object stored) {
            if (stored == null) {
                return List.of();
            }
            String text = stored.toString();
            return text.isEmpty() ? List.of() : List.of(text.split("\\\\", -1));
        }
    }
}
