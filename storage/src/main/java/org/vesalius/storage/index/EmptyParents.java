package org.vesalius.storage.index;

import static org.vesalius.schema.jooq.Tables.INSTANCE;
import static org.vesalius.schema.jooq.Tables.PATIENT;
import static org.vesalius.schema.jooq.Tables.SERIES;
import static org.vesalius.schema.jooq.Tables.STUDY;

import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.jooq.impl.DSL;

/**
 * Removes the series, study and patient rows that no longer hold anything once an instance left
 * them (deleted, or replaced by one filed elsewhere). Subjects stay: they are also created and
 * managed on their own through the REST API.
 *
 * <p>Saves hold a shared lock on the patient, study and series rows they file into (see
 * {@link SaveTransaction}); the exclusive locks taken here, in the same top-down order, make a
 * removal wait for those saves to commit, so it sees their instances and keeps the rows.
 */
final class EmptyParents {

    /** The rows above one series, locked against concurrent saves until the transaction ends. */
    record Locked(long patientPk, long studyPk, long seriesPk) {
    }

    private EmptyParents() {
    }

    /** Locks the patient, study and series rows above an instance; empty when the series is gone. */
    static Optional<Locked> lock(DSLContext tx, long seriesPk) {
        Record2<Long, Long> parents = tx.select(STUDY.PK, STUDY.PATIENT_FK)
                .from(SERIES).join(STUDY).on(STUDY.PK.eq(SERIES.STUDY_FK))
                .where(SERIES.PK.eq(seriesPk))
                .fetchOne();
        if (parents == null) {
            return Optional.empty();
        }
        long studyPk = parents.value1();
        long patientPk = parents.value2();
        tx.select(PATIENT.PK).from(PATIENT).where(PATIENT.PK.eq(patientPk)).forUpdate().fetch();
        tx.select(STUDY.PK).from(STUDY).where(STUDY.PK.eq(studyPk)).forUpdate().fetch();
        boolean seriesStillThere = !tx.select(SERIES.PK).from(SERIES).where(SERIES.PK.eq(seriesPk)).forUpdate()
                .fetch().isEmpty();
        return seriesStillThere ? Optional.of(new Locked(patientPk, studyPk, seriesPk)) : Optional.empty();
    }

    /** Within the locking transaction, removes the series if empty, then its study and patient likewise. */
    static void remove(DSLContext tx, Locked rows) {
        int seriesDeleted = tx.deleteFrom(SERIES)
                .where(SERIES.PK.eq(rows.seriesPk()))
                .andNotExists(DSL.selectOne().from(INSTANCE).where(INSTANCE.SERIES_FK.eq(rows.seriesPk())))
                .execute();
        if (seriesDeleted == 0) {
            return;
        }
        int studyDeleted = tx.deleteFrom(STUDY)
                .where(STUDY.PK.eq(rows.studyPk()))
                .andNotExists(DSL.selectOne().from(SERIES).where(SERIES.STUDY_FK.eq(rows.studyPk())))
                .execute();
        if (studyDeleted == 0) {
            return;
        }
        tx.deleteFrom(PATIENT)
                .where(PATIENT.PK.eq(rows.patientPk()))
                .andNotExists(DSL.selectOne().from(STUDY).where(STUDY.PATIENT_FK.eq(rows.patientPk())))
                .execute();
    }
}
