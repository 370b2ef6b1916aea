package org.vesalius.storage.index;

import static org.vesalius.schema.jooq.Tables.INSTANCE;
import static org.vesalius.schema.jooq.Tables.SERIES;
import static org.vesalius.schema.jooq.Tables.STUDY;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.SelectOnConditionStep;
import org.jooq.exception.DataAccessException;

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
     * The SQL states of losing a race that the statements themselves do not absorb: H2 reports an
     * insert-if-absent that lost to a concurrent insert as a unique violation (23505) where
     * PostgreSQL waits for the winner, a foreign key may lose its row to a concurrent delete
     * (23503; 23506 on H2), and a database may break a deadlock or serialisation conflict
     * (40001, 40P01).
     */
    private static final Set<String> RACE_STATES = Set.of("23505", "23503", "23506", "40001", "40P01");

    /** Each attempt sees what the previous winners committed; losing this often means something else is wrong. */
    private static final int MAX_ATTEMPTS = 5;

    /** Rows per query in {@link #forEachInstance}: bounds memory whatever the archive's size. */
    private static final int DEFAULT_PAGE_SIZE = 500;

    private final Database database;
    private final int pageSize;

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
     * @throws IllegalArgumentException when a UID or other identifying value is missing or too long
     */
    public SaveResult save(InstanceEntry entry) {
        return inTransaction("save " + entry.header().instance().sopInstanceUid(),
                tx -> new SaveTransaction(tx, entry).run());
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

    /** Number of indexed instances. */
    public long countInstances() {
        return database.dsl().fetchCount(INSTANCE);
    }

    /** Runs work in a transaction, again when it lost a race with a concurrent writer. */
    private <T> T inTransaction(String what, Function<DSLContext, T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return database.dsl().transactionResult(configuration -> work.apply(configuration.dsl()));
            } catch (DataAccessException e) {
                if (attempt >= MAX_ATTEMPTS || !RACE_STATES.contains(e.sqlState())) {
                    throw e;
                }
                LOG.log(Level.DEBUG, "Index {0}: lost a race with a concurrent writer (SQL state {1}), running it again",
                        what, e.sqlState());
            }
        }
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
