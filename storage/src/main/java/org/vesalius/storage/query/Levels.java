package org.vesalius.storage.query;

import static org.vesalius.schema.jooq.Tables.INSTANCE;
import static org.vesalius.schema.jooq.Tables.PATIENT;
import static org.vesalius.schema.jooq.Tables.SERIES;
import static org.vesalius.schema.jooq.Tables.STUDY;

import java.util.ArrayList;
import java.util.List;
import org.jooq.Field;
import org.jooq.SortField;
import org.jooq.Table;

/** The tables behind each query level: primary keys, the joins up to the patient, the order. */
final class Levels {
    private Levels() {
    }

    static Field<Long> pk(QueryLevel level) {
        return switch (level) {
            case PATIENT -> PATIENT.PK;
            case STUDY -> STUDY.PK;
            case SERIES -> SERIES.PK;
            case INSTANCE -> INSTANCE.PK;
        };
    }

    /** The level's table joined to all its parents, so parent attributes can be matched and returned. */
    static Table<?> from(QueryLevel level) {
        return switch (level) {
            case PATIENT -> PATIENT;
            case STUDY -> STUDY.join(PATIENT).on(STUDY.PATIENT_FK.eq(PATIENT.PK));
            case SERIES -> SERIES.join(STUDY).on(SERIES.STUDY_FK.eq(STUDY.PK))
                    .join(PATIENT).on(STUDY.PATIENT_FK.eq(PATIENT.PK));
            case INSTANCE -> INSTANCE.join(SERIES).on(INSTANCE.SERIES_FK.eq(SERIES.PK))
                    .join(STUDY).on(SERIES.STUDY_FK.eq(STUDY.PK))
                    .join(PATIENT).on(STUDY.PATIENT_FK.eq(PATIENT.PK));
        };
    }

    /**
     * The documented, deterministic order of results, so limit/offset pages neither repeat nor
     * skip entities: patients by name then pk; studies newest first (StudyDate, StudyTime
     * descending, studies without date last, then pk descending); series in their study's order,
     * then by SeriesNumber then pk; instances in their series' order, then by InstanceNumber then
     * pk. NULLS LAST is explicit because H2 and PostgreSQL sort nulls differently by default.
     */
    static List<SortField<?>> order(QueryLevel level) {
        List<SortField<?>> order = new ArrayList<>();
        if (level == QueryLevel.PATIENT) {
            order.add(PATIENT.PATIENT_NAME.asc().nullsLast());
            order.add(PATIENT.PK.asc());
            return order;
        }
        order.add(STUDY.STUDY_DATE.desc().nullsLast());
        order.add(STUDY.STUDY_TIME.desc().nullsLast());
        order.add(STUDY.PK.desc());
        if (level.includes(QueryLevel.SERIES)) {
            order.add(SERIES.SERIES_NUMBER.asc().nullsLast());
            order.add(SERIES.PK.asc());
        }
        if (level == QueryLevel.INSTANCE) {
            order.add(INSTANCE.INSTANCE_NUMBER.asc().nullsLast());
            order.add(INSTANCE.PK.asc());
        }
        return order;
    }
}
