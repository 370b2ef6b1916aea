package org.vesalius.storage.index;

import static org.vesalius.schema.jooq.Tables.INSTANCE;
import static org.vesalius.schema.jooq.Tables.INSTANCE_METADATA;
import static org.vesalius.schema.jooq.Tables.SERIES;
import static org.vesalius.schema.jooq.Tables.STUDY;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.SelectOnConditionStep;
import org.jooq.exception.DataAccessException;
import org.vesalius.storage.dicom.BulkLocations;

/**
 * The patient / study / series / instance / subject rows of the index, written by the ingest path
 * and read by retrieval. (Query matching for QIDO-RS and C-FIND lives in the query engine.)
 *
 * <p>Safe to use from many threads and many server nodes sharing one database: each write is one
 * transaction, and one that loses a race against a concurrent write of the same rows is run again.
 */
public final class InstanceIndex {
    private static final System.Logger LOG = System.getLogger(InstanceIndex.class.getName());

    /**
     * The SQL states of losing a race that the statements themselves do not absorb: an insert
     * that lost to a concurrent insert of the same row (23505; on H2 even an insert-if-absent;
     * a new instance row is a plain insert, also for an instance a first attempt took for new),
     * a foreign key may lose its row to a concurrent delete (23503; 23506 on H2), and a database
     * may break a deadlock or serialisation conflict (40001, 40P01).
     */
    private static final Set<String> RACE_STATES = Set.of("23505", "23503", "23506", "40001", "40P01");

    /** Each attempt sees what the previous winners committed; losing this often means something else is wrong. */
    private static final int MAX_ATTEMPTS = 5;

    /** Rows per query in {@link #forEachInstance}: bounds memory whatever the archive's size. */
    private static final int DEFAULT_PAGE_SIZE = 500;

    private final Database database;
    private final int pageSize;
    private final GroupCommit groupCommit = new GroupCommit(this::write);

    public InstanceIndex(Database database) {
        this(database, DEFAULT_PAGE_SIZE);
    }

    /** With another page size for {@link #forEachInstance}, so tests cross pages with few rows. */
    InstanceIndex(Database database, int pageSize) {
        this.database = database;
        this.pageSize = pageSize;
    }

    /** The instance with this SOP Instance UID, if indexed. */
    public Optional<IndexedInstance> findInstance(String sopInstanceUid) {
        return selectIndexed(database.dsl())
                .where(INSTANCE.SOP_INSTANCE_UID.eq(sopInstanceUid))
                .fetchOptional(InstanceIndex::toIndexed);
    }

    /** The indexed instances among these SOP Instance UIDs, by UID, in one query. */
    public Map<String, IndexedInstance> findInstances(Collection<String> sopInstanceUids) {
        if (sopInstanceUids.isEmpty()) {
            return Map.of();
        }
        Map<String, IndexedInstance> found = new HashMap<>();
        selectIndexed(database.dsl())
                .where(INSTANCE.SOP_INSTANCE_UID.in(sopInstanceUids))
                .fetch(InstanceIndex::toIndexed)
                .forEach(instance -> found.put(instance.sopInstanceUid(), instance));
        return found;
    }

    /**
     * Upserts the patient, study, series, subject and instance rows of {@code entry} in one
     * transaction. An existing instance with the same SOP Instance UID is replaced (its row
     * updated in place, so there is only ever one row per UID); the result says so and carries
     * its previous blob key when that differs from the new one.
     *
     * <p>Patient, study and series attributes take the values of the newest instance that carries
     * them; an instance without a value leaves the stored one. A study stays with the patient it
     * was first filed under (a warning is logged when an instance names another).
     *
     * <p>Saves offered by several threads at once share their transaction ({@link GroupCommit}).
     *
     * @throws IllegalArgumentException when a UID or other identifying value is missing or too long
     */
    public SaveResult save(InstanceEntry entry) {
        return saveAll(List.of(entry)).getFirst().result();
    }

    /**
     * Saves several entries as {@link #save} each, in order (a later entry with the same SOP
     * Instance UID replaces an earlier one), usually in one transaction shared with other
     * threads' saves. An entry refused for itself (a value too long, say) fails alone: the batch is
     * then written again entry by entry.
     *
     * @return the outcome of each entry, in order; all committed before this returns
     */
    public List<SaveOutcome> saveAll(List<InstanceEntry> entries) {
        return entries.isEmpty() ? List.of() : groupCommit.saveAll(entries);
    }

    /** Writes a batch for {@link GroupCommit}: in one transaction, else each entry alone. */
    private List<SaveOutcome> write(List<InstanceEntry> entries) {
        try {
            return inTransaction("save of " + entries.size() + " instance(s)",
                    (tx, attempt) -> new SaveTransaction(tx, entries, attempt == 1).run())
                    .stream().map(SaveOutcome::of).toList();
        } catch (RuntimeException e) {
            if (entries.size() == 1 || !mayBeOneEntrysFault(e)) {
                return entries.stream().map(entry -> SaveOutcome.failed(e)).toList();
            }
        }
        List<SaveOutcome> outcomes = new ArrayList<>();
        for (InstanceEntry entry : entries) {
            try {
                outcomes.add(SaveOutcome.of(inTransaction("save " + entry.header().instance().sopInstanceUid(),
                        (tx, attempt) -> new SaveTransaction(tx, List.of(entry), attempt == 1).run().getFirst())));
            } catch (RuntimeException e) {
                outcomes.add(SaveOutcome.failed(e));
            }
        }
        return outcomes;
    }

    /** Removes the instance row (and series / study / patient rows left empty). True if one was removed. */
    public boolean delete(String sopInstanceUid) {
        return inTransaction("delete " + sopInstanceUid, tx -> {
            while (true) {
                Long seriesPk = tx.select(INSTANCE.SERIES_FK).from(INSTANCE)
                        .where(INSTANCE.SOP_INSTANCE_UID.eq(sopInstanceUid))
                        .fetchOne(INSTANCE.SERIES_FK);
                if (seriesPk == null) {
                    return false;
                }
                // Parents are locked before the instance row, in the order saves lock them.
                Optional<EmptyParents.Locked> parents = EmptyParents.lock(tx, seriesPk);
                int deleted = tx.deleteFrom(INSTANCE)
                        .where(INSTANCE.SOP_INSTANCE_UID.eq(sopInstanceUid), INSTANCE.SERIES_FK.eq(seriesPk))
                        .execute();
                if (deleted == 1) {
                    parents.ifPresent(locked -> EmptyParents.remove(tx, locked));
                    return true;
                }
                // A concurrent replacement moved it to another series (or removed it): look again.
            }
        });
    }

    /** True when some instance row points at this blob key (reconcile uses it for orphans). */
    public boolean isBlobReferenced(String blobKey) {
        return database.dsl().fetchExists(INSTANCE, INSTANCE.BLOB_KEY.eq(blobKey));
    }

    /**
     * Calls consumer with every indexed instance (reconcile checks each has its blob).
     *
     * <p>Reads page by page in primary-key order rather than through one open cursor: the consumer
     * may be slow (a request to S3 per instance) and may delete rows, and neither should keep a
     * transaction and a pooled connection open for the whole walk. Instances saved during the walk
     * may or may not be visited.
     */
    public void forEachInstance(Consumer<IndexedInstance> consumer) {
        long after = Long.MIN_VALUE;
        while (true) {
            Result<Record> page = selectIndexed(database.dsl())
                    .where(INSTANCE.PK.gt(after))
                    .orderBy(INSTANCE.PK)
                    .limit(pageSize)
                    .fetch();
            for (Record row : page) {
                consumer.accept(toIndexed(row));
            }
            if (page.size() < pageSize) {
                return;
            }
            after = page.getLast().get(INSTANCE.PK);
        }
    }

    /**
     * The instances of a study, as WADO-RS streams them: in series then instance number order
     * (unnumbered last, then in the order received). Empty when there is no such study.
     *
     * <p>The list is fetched whole (a few hundred bytes an instance) so that no connection stays
     * open while a slow client downloads a large study.
     */
    public List<IndexedInstance> instancesInStudy(String studyUid) {
        return instancesWhere(STUDY.STUDY_INSTANCE_UID.eq(studyUid));
    }

    /** The instances of a series of a study, in instance number order; empty when there is none. */
    public List<IndexedInstance> instancesInSeries(String studyUid, String seriesUid) {
        return instancesWhere(STUDY.STUDY_INSTANCE_UID.eq(studyUid).and(SERIES.SERIES_INSTANCE_UID.eq(seriesUid)));
    }

    private List<IndexedInstance> instancesWhere(Condition condition) {
        return selectIndexed(database.dsl())
                .where(condition)
                .orderBy(SERIES.SERIES_NUMBER.asc().nullsLast(), SERIES.PK,
                        INSTANCE.INSTANCE_NUMBER.asc().nullsLast(), INSTANCE.PK)
                .fetch(InstanceIndex::toIndexed);
    }

    /** One instance's stored DICOM JSON (null when it was indexed without metadata) and its UIDs. */
    public record MetadataRow(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
                              String dicomJson) {
    }

    /**
     * Calls consumer with the stored metadata of every instance of a study, of a series of it
     * ({@code seriesUid} not null) or of one instance ({@code sopInstanceUid} too), in series then
     * instance number order, without reading any blob. Reads pages of {@link #pageSize} instances
     * (one query for most series and studies), so neither memory nor a connection is held for a
     * whole large study while the consumer writes to a slow client.
     *
     * @return false when no instance matched (nothing was called)
     */
    public boolean forEachMetadata(String studyUid, String seriesUid, String sopInstanceUid,
                                   Consumer<MetadataRow> consumer) {
        Condition condition = STUDY.STUDY_INSTANCE_UID.eq(studyUid);
        if (seriesUid != null) {
            condition = condition.and(SERIES.SERIES_INSTANCE_UID.eq(seriesUid));
        }
        if (sopInstanceUid != null) {
            condition = condition.and(INSTANCE.SOP_INSTANCE_UID.eq(sopInstanceUid));
        }
        boolean any = false;
        // Paged by OFFSET in the response order (series and instance numbers may be null and repeat,
        // so there is no simple key to continue from). Past the first page, an ingest running
        // meanwhile may shift a row across a page boundary; metadata readers tolerate that.
        for (int offset = 0; ; offset += pageSize) {
            Result<Record> page = database.dsl()
                    .select(List.of(STUDY.STUDY_INSTANCE_UID, SERIES.SERIES_INSTANCE_UID, INSTANCE.SOP_INSTANCE_UID,
                            INSTANCE_METADATA.DICOM_JSON))
                    .from(INSTANCE)
                    .join(SERIES).on(SERIES.PK.eq(INSTANCE.SERIES_FK))
                    .join(STUDY).on(STUDY.PK.eq(SERIES.STUDY_FK))
                    .leftJoin(INSTANCE_METADATA).on(INSTANCE_METADATA.INSTANCE_FK.eq(INSTANCE.PK))
                    .where(condition)
                    .orderBy(SERIES.SERIES_NUMBER.asc().nullsLast(), SERIES.PK,
                            INSTANCE.INSTANCE_NUMBER.asc().nullsLast(), INSTANCE.PK)
                    .limit(pageSize)
                    .offset(offset)
                    .fetch();
            for (Record row : page) {
                any = true;
                consumer.accept(new MetadataRow(row.get(STUDY.STUDY_INSTANCE_UID), row.get(SERIES.SERIES_INSTANCE_UID),
                        row.get(INSTANCE.SOP_INSTANCE_UID), row.get(INSTANCE_METADATA.DICOM_JSON)));
            }
            if (page.size() < pageSize) {
                return any;
            }
        }
    }

    /**
     * An instance with where its frames and bulk data lie.
     *
     * @param locations null when the instance was indexed without metadata
     */
    public record LocatedInstance(IndexedInstance instance, BulkLocations locations) {
    }

    /** The instance, if indexed under this study and series, with its bulk data locations; one query. */
    public Optional<LocatedInstance> findLocated(String studyUid, String seriesUid, String sopInstanceUid) {
        DSLContext dsl = database.dsl();
        return dsl.select(List.of(INSTANCE.PK, STUDY.STUDY_INSTANCE_UID, SERIES.SERIES_INSTANCE_UID,
                        INSTANCE.SOP_INSTANCE_UID, INSTANCE.SOP_CLASS_UID, INSTANCE.TRANSFER_SYNTAX_UID,
                        INSTANCE.SIZE_BYTES, INSTANCE.DIGEST_SHA256, INSTANCE.BLOB_KEY, INSTANCE.RECEIVED_AT,
                        INSTANCE_METADATA.BULK_LOCATIONS))
                .from(INSTANCE)
                .join(SERIES).on(SERIES.PK.eq(INSTANCE.SERIES_FK))
                .join(STUDY).on(STUDY.PK.eq(SERIES.STUDY_FK))
                .leftJoin(INSTANCE_METADATA).on(INSTANCE_METADATA.INSTANCE_FK.eq(INSTANCE.PK))
                .where(INSTANCE.SOP_INSTANCE_UID.eq(sopInstanceUid), SERIES.SERIES_INSTANCE_UID.eq(seriesUid),
                        STUDY.STUDY_INSTANCE_UID.eq(studyUid))
                .fetchOptional(row -> {
                    String locations = row.get(INSTANCE_METADATA.BULK_LOCATIONS);
                    return new LocatedInstance(toIndexed(row), locations == null ? null : BulkLocations.parse(locations));
                });
    }

    /** Number of indexed instances. */
    public long countInstances() {
        return database.dsl().fetchCount(INSTANCE);
    }

    /** Runs work in a transaction, again when it lost a race with a concurrent writer. */
    private <T> T inTransaction(String what, Function<DSLContext, T> work) {
        return inTransaction(what, (tx, attempt) -> work.apply(tx));
    }

    /** As {@link #inTransaction(String, Function)}, telling the work which attempt (from 1) it is. */
    private <T> T inTransaction(String what, BiFunction<DSLContext, Integer, T> work) {
        for (int attempt = 1; ; attempt++) {
            int thisAttempt = attempt;
            try {
                return database.dsl().transactionResult(configuration -> work.apply(configuration.dsl(), thisAttempt));
            } catch (DataAccessException e) {
                if (attempt >= MAX_ATTEMPTS || !RACE_STATES.contains(e.sqlState())) {
                    throw e;
                }
                LOG.log(Level.DEBUG, "Index {0}: lost a race with a concurrent writer (SQL state {1}), running it again",
                        what, e.sqlState());
            }
        }
    }

    /**
     * A value refused by the index (missing, too long, breaking a constraint) rather than a
     * database that cannot be reached: only then is a batch worth writing again entry by entry.
     */
    private static boolean mayBeOneEntrysFault(RuntimeException e) {
        if (e instanceof IllegalArgumentException) {
            return true;
        }
        String state = e instanceof DataAccessException access ? access.sqlState() : null;
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    private static SelectOnConditionStep<Record> selectIndexed(DSLContext dsl) {
        return dsl.select(List.of(INSTANCE.PK, STUDY.STUDY_INSTANCE_UID, SERIES.SERIES_INSTANCE_UID,
                        INSTANCE.SOP_INSTANCE_UID, INSTANCE.SOP_CLASS_UID, INSTANCE.TRANSFER_SYNTAX_UID,
                        INSTANCE.SIZE_BYTES, INSTANCE.DIGEST_SHA256, INSTANCE.BLOB_KEY, INSTANCE.RECEIVED_AT))
                .from(INSTANCE)
                .join(SERIES).on(SERIES.PK.eq(INSTANCE.SERIES_FK))
                .join(STUDY).on(STUDY.PK.eq(SERIES.STUDY_FK));
    }

    private static IndexedInstance toIndexed(Record row) {
        return new IndexedInstance(row.get(STUDY.STUDY_INSTANCE_UID), row.get(SERIES.SERIES_INSTANCE_UID),
                row.get(INSTANCE.SOP_INSTANCE_UID), row.get(INSTANCE.SOP_CLASS_UID),
                row.get(INSTANCE.TRANSFER_SYNTAX_UID), row.get(INSTANCE.SIZE_BYTES), row.get(INSTANCE.DIGEST_SHA256),
                row.get(INSTANCE.BLOB_KEY), row.get(INSTANCE.RECEIVED_AT).toInstant());
    }
}
