package org.vesalius.dicomweb.wado;

import static org.vesalius.schema.jooq.Tables.INSTANCE;
import static org.vesalius.schema.jooq.Tables.SERIES;
import static org.vesalius.schema.jooq.Tables.STUDY;

import java.util.List;
import org.jooq.Condition;
import org.jooq.Record;
import org.vesalius.storage.index.Database;
import org.vesalius.storage.index.IndexedInstance;

/**
 * The instances of a study or series, as WADO-RS streams them: in series then instance number
 * order. Read-only; it belongs with {@code InstanceIndex} in the storage module and lives here
 * until it moves there.
 *
 * <p>The list is fetched whole before streaming starts (a few hundred bytes an instance) so that
 * no database connection stays open while a slow client downloads a large study.
 */
public final class InstanceListing {
    private final Database database;

    public InstanceListing(Database database) {
        this.database = database;
    }

    public List<IndexedInstance> inStudy(String studyUid) {
        return list(STUDY.STUDY_INSTANCE_UID.eq(studyUid));
    }

    public List<IndexedInstance> inSeries(String studyUid, String seriesUid) {
        return list(STUDY.STUDY_INSTANCE_UID.eq(studyUid).and(SERIES.SERIES_INSTANCE_UID.eq(seriesUid)));
    }

    private List<IndexedInstance> list(Condition condition) {
        return database.dsl()
                .select(STUDY.STUDY_INSTANCE_UID, SERIES.SERIES_INSTANCE_UID, INSTANCE.SOP_INSTANCE_UID,
                        INSTANCE.SOP_CLASS_UID, INSTANCE.TRANSFER_SYNTAX_UID, INSTANCE.SIZE_BYTES,
                        INSTANCE.DIGEST_SHA256, INSTANCE.BLOB_KEY, INSTANCE.RECEIVED_AT)
                .from(INSTANCE)
                .join(SERIES).on(SERIES.PK.eq(INSTANCE.SERIES_FK))
                .join(STUDY).on(STUDY.PK.eq(SERIES.STUDY_FK))
                .where(condition)
                .orderBy(SERIES.SERIES_NUMBER.asc().nullsLast(), SERIES.PK,
                        INSTANCE.INSTANCE_NUMBER.asc().nullsLast(), INSTANCE.PK)
                .fetch(InstanceListing::toIndexed);
    }

    private static IndexedInstance toIndexed(Record row) {
        return new IndexedInstance(row.get(STUDY.STUDY_INSTANCE_UID), row.get(SERIES.SERIES_INSTANCE_UID),
                row.get(INSTANCE.SOP_INSTANCE_UID), row.get(INSTANCE.SOP_CLASS_UID),
                row.get(INSTANCE.TRANSFER_SYNTAX_UID), row.get(INSTANCE.SIZE_BYTES), row.get(INSTANCE.DIGEST_SHA256),
                row.get(INSTANCE.BLOB_KEY), row.get(INSTANCE.RECEIVED_AT).toInstant());
    }
}
