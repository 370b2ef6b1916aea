package org.vesalius.storage.query;

import static org.vesalius.schema.jooq.Tables.INSTANCE;
import static org.vesalius.schema.jooq.Tables.PATIENT;
import static org.vesalius.schema.jooq.Tables.SERIES;
import static org.vesalius.schema.jooq.Tables.STUDY;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.jooq.InsertSetMoreStep;
import org.vesalius.schema.jooq.tables.records.InstanceRecord;
import org.vesalius.schema.jooq.tables.records.PatientRecord;
import org.vesalius.schema.jooq.tables.records.SeriesRecord;
import org.vesalius.schema.jooq.tables.records.StudyRecord;

/**
 * Writes index rows directly with jOOQ, so the query engine is tested on exactly the rows it is
 * given (independently of the ingest path). Required columns get plausible defaults; the
 * {@code details} callbacks set the attributes a test is about.
 */
final class IndexRows {
    private static final OffsetDateTime T0 = OffsetDateTime.of(2025, 1, 1, 10, 0, 0, 0, ZoneOffset.UTC);
    static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
    static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";

    private final DSLContext dsl;

    IndexRows(DSLContext dsl) {
        this.dsl = dsl;
    }

    long patient(String patientId, String name, Consumer<PatientRecord> details) {
        PatientRecord row = dsl.newRecord(PATIENT);
        row.setPatientId(patientId);
        row.setIssuerOfPatientId("");
        row.setPatientName(name);
        row.setCreatedAt(T0);
        row.setUpdatedAt(T0);
        details.accept(row);
        // As the ingest path does: the upper-cased copy for case-insensitive matching.
        row.setPatientNameUpper(upper(row.getPatientName()));
        row.store();
        return row.getPk();
    }

    long study(long patientPk, String uid, Consumer<StudyRecord> details) {
        StudyRecord row = dsl.newRecord(STUDY);
        row.setPatientFk(patientPk);
        row.setStudyInstanceUid(uid);
        row.setCreatedAt(T0);
        row.setUpdatedAt(T0);
        details.accept(row);
        row.setReferringPhysicianNameUpper(upper(row.getReferringPhysicianName()));
        row.store();
        return row.getPk();
    }

    long series(long studyPk, String uid, String modality, Consumer<SeriesRecord> details) {
        SeriesRecord row = dsl.newRecord(SERIES);
        row.setStudyFk(studyPk);
        row.setSeriesInstanceUid(uid);
        row.setModality(modality);
        row.setCreatedAt(T0);
        row.setUpdatedAt(T0);
        details.accept(row);
        row.store();
        return row.getPk();
    }

    long instance(long seriesPk, String uid, Consumer<InstanceRecord> details) {
        InstanceRecord row = newInstance(seriesPk, uid);
        details.accept(row);
        row.store();
        return row.getPk();
    }

    /** An instance row with its required columns set, not yet stored (for batch inserts). */
    InstanceRecord newInstance(long seriesPk, String uid) {
        InstanceRecord row = dsl.newRecord(INSTANCE);
        row.setSeriesFk(seriesPk);
        row.setSopInstanceUid(uid);
        row.setSopClassUid(CT_IMAGE_STORAGE);
        row.setTransferSyntaxUid(EXPLICIT_VR_LITTLE_ENDIAN);
        row.setSizeBytes(1000L);
        row.setDigestSha256("0".repeat(64));
        row.setBlobKey("test/" + uid);
        row.setReceivedAt(T0);
        row.setSourceKind("TEST");
        row.setSourceName("IndexRows");
        return row;
    }

    /** Inserts many instance rows from {@link #newInstance} with multi-row INSERTs. */
    void insertAll(List<InstanceRecord> instances) {
        for (int from = 0; from < instances.size(); from += 500) {
            InsertSetMoreStep<InstanceRecord> insert = dsl.insertInto(INSTANCE).set(instances.get(from));
            for (InstanceRecord row : instances.subList(from + 1, Math.min(from + 500, instances.size()))) {
                insert = insert.newRecord().set(row);
            }
            insert.execute();
        }
    }

    private static String upper(String name) {
        return name == null ? null : name.toUpperCase(Locale.ROOT);
    }
}
