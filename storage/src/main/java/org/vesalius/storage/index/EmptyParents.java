package org.vesalius.storage.index;

import static org.vesalius.schema.jooq.Tables.INSTANCE;
import static org.vesalius.schema.jooq.Tables.PATIENT;
import static org.vesalius.schema.jooq.Tables.SERIES;
import static org.vesalius.schema.jooq.Tables.STUDY;

import org.jooq.DSLContext;
import org.jooq.Record2;
import org.jooq.impl.DSL;

/**
 * Removes the series, study and patient rows that no longer hold anything once an instance left
 * them (deleted, or replaced by one filed elsewhere). Subjects stay: they are also created and
 * managed on their own through the REST API.
 */
final class EmptyParents {
    private EmptyParents() {
    }

    /** Within the caller's transaction, removes the series if empty, then its study and patient likewise. */
    static void remove(DSLContext tx, long seriesPk) {
        Record2<Long, Long> parents = tx.select(STUDY.PK, STUDY.PATIENT_FK)
                .from(SERIES).join(STUDY).on(STUDY.PK.eq(SERIES.STUDY_FK))
                .where(SERIES.PK.eq(seriesPk))
                .fetchOne();
        if (parents == null) {
            return;
        }
        // Each delete re-checks emptiness itself, so an instance saved concurrently into the same
        // series either keeps the row or (when it commits in between) makes one transaction fail
        // on the foreign key and run again.
        int seriesDeleted = tx.deleteFrom(SERIES)
                .where(SERIES.PK.eq(seriesPk))
                .andNotExists(DSL.selectOne().from(INSTANCE).where(INSTANCE.SERIES_FK.eq(seriesPk)))
                .execute();
        if (seriesDeleted == 0) {
            return;
        }
        long studyPk = parents.value1();
        int studyDeleted = tx.deleteFrom(STUDY)
                .where(STUDY.PK.eq(studyPk))
                .andNotExists(DSL.selectOne().from(SERIES).where(SERIES.STUDY_FK.eq(studyPk)))
                .execute();
        if (studyDeleted == 0) {
            return;
        }
        long patientPk = parents.value2();
        tx.deleteFrom(PATIENT)
                .where(PATIENT.PK.eq(patientPk))
                .andNotExists(DSL.selectOne().from(STUDY).where(STUDY.PATIENT_FK.eq(patientPk)))
                .execute();
    }
}
