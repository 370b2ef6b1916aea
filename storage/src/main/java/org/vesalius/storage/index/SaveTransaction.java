package org.vesalius.storage.index;

import static org.vesalius.schema.jooq.Tables.INSTANCE;
import static org.vesalius.schema.jooq.Tables.INSTANCE_METADATA;
import static org.vesalius.schema.jooq.Tables.PATIENT;
import static org.vesalius.schema.jooq.Tables.SERIES;
import static org.vesalius.schema.jooq.Tables.STUDY;
import static org.vesalius.schema.jooq.Tables.SUBJECT;

import java.lang.System.Logger.Level;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record3;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.TableRecord;
import org.jooq.impl.DSL;
import org.vesalius.schema.jooq.tables.records.PatientRecord;
import org.vesalius.schema.jooq.tables.records.SeriesRecord;
import org.vesalius.schema.jooq.tables.records.StudyRecord;
import org.vesalius.storage.dicom.DicomHeader;

/**
 * The writes of one {@link InstanceIndex#save} inside its transaction.
 *
 * <p>Several nodes and threads save at once, often into the same patient, study and series. Rows
 * are found first and created with insert-if-absent only when missing, so a race to create one
 * ends with a single row either way. The parent rows found are locked against deletion (not
 * against other saves, on PostgreSQL) until the commit, so a concurrent delete that empties a
 * series cannot pull it from under the new instance. Attributes are only written when the new
 * instance brings different values, so the usual case (the next slice of a known series, with
 * the same patient, study and series attributes) costs one joined read and the lock of the
 * series row ({@link #lockUnchangedSeries}). Rows are always locked in the same order (patient,
 * study, series, subject, instance), here and in {@link EmptyParents}, so that transactions do
 * not deadlock on them; the one exception, a replacement that moves an instance to another series
 * while it holds the new series, is broken by the database and run again by InstanceIndex.
 */
final class SaveTransaction {
    private static final System.Logger LOG = System.getLogger(SaveTransaction.class.getName());

    private final DSLContext tx;
    private final InstanceEntry entry;
    private final DicomHeader header;
    private final OffsetDateTime receivedAt;
    private final boolean postgres;

    SaveTransaction(DSLContext tx, InstanceEntry entry) {
        this.tx = tx;
        this.postgres = tx.dialect().family() == SQLDialect.POSTGRES;
        this.entry = entry;
        this.header = entry.header();
        this.receivedAt = OffsetDateTime.ofInstant(entry.receivedAt(), ZoneOffset.UTC);
    }

    SaveResult run() {
        long seriesPk = lockUnchangedSeries().orElseGet(() -> {
            long patientPk = savePatient();
            long studyPk = saveStudy(patientPk);
            return saveSeries(studyPk);
        });
        Long subjectPk = entry.subjectId() == null ? null : saveSubject();
        return saveInstance(seriesPk, subjectPk);
    }

    /**
     * The usual case in one read and one lock: the series is known, filed under this instance's
     * study and patient, and none of the three rows would take a value from this instance. Only
     * the series row is locked: a removal locks patient, study and series in that order and
     * removes a study or patient only once nothing is filed under it, so a series kept from
     * removal keeps its study and patient too. Empty when the per-level path must run (that path
     * starts from the patient, so no lock is held out of order when it does).
     */
    private Optional<Long> lockUnchangedSeries() {
        String seriesUid = key(SERIES.SERIES_INSTANCE_UID, header.series().seriesInstanceUid());
        List<Field<?>> columns = Stream.of(SERIES.fields(), STUDY.fields(), PATIENT.fields())
                .flatMap(Arrays::stream)
                .toList();
        Record known = tx.select(columns)
                .from(SERIES)
                .join(STUDY).on(STUDY.PK.eq(SERIES.STUDY_FK))
                .join(PATIENT).on(PATIENT.PK.eq(STUDY.PATIENT_FK))
                .where(SERIES.SERIES_INSTANCE_UID.eq(seriesUid))
                .fetchOne();
        if (known == null
                || !known.get(STUDY.STUDY_INSTANCE_UID).equals(header.study().studyInstanceUid())
                || !known.get(PATIENT.PATIENT_ID).equals(patientId())
                || !known.get(PATIENT.ISSUER_OF_PATIENT_ID).equals(issuerOfPatientId())
                || !changes(known, PATIENT.UPDATED_AT, patientAttributes()).isEmpty()
                || !changes(known, STUDY.UPDATED_AT, studyAttributes()).isEmpty()
                || !changes(known, SERIES.UPDATED_AT, seriesAttributes()).isEmpty()) {
            return Optional.empty();
        }
        // Rows read without a lock may have gone since: then the per-level path creates them again.
        return Optional.ofNullable(fetchLocked(SERIES,
                SERIES.PK.eq(known.get(SERIES.PK)).and(SERIES.STUDY_FK.eq(known.get(STUDY.PK)))))
                .map(SeriesRecord::getPk);
    }

    private long savePatient() {
        String patientId = patientId();
        String issuer = issuerOfPatientId();
        Map<Field<?>, Object> attributes = patientAttributes();
        Map<Field<?>, Object> row = new LinkedHashMap<>(attributes);
        row.put(PATIENT.PATIENT_ID, patientId);
        row.put(PATIENT.ISSUER_OF_PATIENT_ID, issuer);
        row.put(PATIENT.CREATED_AT, receivedAt);
        row.put(PATIENT.UPDATED_AT, receivedAt);
        PatientRecord patientRow = findOrInsert(PATIENT, row,
                PATIENT.PATIENT_ID.eq(patientId).and(PATIENT.ISSUER_OF_PATIENT_ID.eq(issuer)),
                PATIENT.PATIENT_ID, PATIENT.ISSUER_OF_PATIENT_ID);
        refresh(patientRow, PATIENT.PK, PATIENT.UPDATED_AT, attributes);
        return patientRow.getPk();
    }

    /** PatientID is type 2: instances without one still group under the patient ''. */
    private String patientId() {
        return key(PATIENT.PATIENT_ID, Objects.requireNonNullElse(header.patient().patientId(), ""));
    }

    private String issuerOfPatientId() {
        return key(PATIENT.ISSUER_OF_PATIENT_ID, Objects.requireNonNullElse(header.patient().issuerOfPatientId(), ""));
    }

    private Map<Field<?>, Object> patientAttributes() {
        DicomHeader.Patient patient = header.patient();
        String name = descriptive(PATIENT.PATIENT_NAME, patient.patientName());
        Map<Field<?>, Object> attributes = new LinkedHashMap<>();
        attributes.put(PATIENT.PATIENT_NAME, name);
        attributes.put(PATIENT.PATIENT_NAME_UPPER, upper(PATIENT.PATIENT_NAME_UPPER, name));
        attributes.put(PATIENT.PATIENT_BIRTH_DATE, descriptive(PATIENT.PATIENT_BIRTH_DATE, patient.patientBirthDate()));
        attributes.put(PATIENT.PATIENT_SEX, descriptive(PATIENT.PATIENT_SEX, patient.patientSex()));
        return attributes;
    }

    private long saveStudy(long patientPk) {
        String uid = key(STUDY.STUDY_INSTANCE_UID, header.study().studyInstanceUid());
        Map<Field<?>, Object> attributes = studyAttributes();
        Map<Field<?>, Object> row = new LinkedHashMap<>(attributes);
        row.put(STUDY.STUDY_INSTANCE_UID, uid);
        row.put(STUDY.PATIENT_FK, patientPk);
        row.put(STUDY.CREATED_AT, receivedAt);
        row.put(STUDY.UPDATED_AT, receivedAt);
        StudyRecord studyRow = findOrInsert(STUDY, row, STUDY.STUDY_INSTANCE_UID.eq(uid), STUDY.STUDY_INSTANCE_UID);
        if (studyRow.getPatientFk() != patientPk) {
            // A study belongs to one patient; moving it would silently re-file earlier instances.
            LOG.log(Level.WARNING, "Instance {0} names another patient than its study {1} "
                            + "(patient row {2}, the study is filed under patient row {3}); keeping the study where it is",
                    header.instance().sopInstanceUid(), uid, patientPk, studyRow.getPatientFk());
        }
        refresh(studyRow, STUDY.PK, STUDY.UPDATED_AT, attributes);
        return studyRow.getPk();
    }

    private Map<Field<?>, Object> studyAttributes() {
        DicomHeader.Study study = header.study();
        String referring = descriptive(STUDY.REFERRING_PHYSICIAN_NAME, study.referringPhysicianName());

        Map<Field<?>, Object> attributes = new LinkedHashMap<>();
        attributes.put(STUDY.STUDY_DATE, descriptive(STUDY.STUDY_DATE, study.studyDate()));
        attributes.put(STUDY.STUDY_TIME, descriptive(STUDY.STUDY_TIME, study.studyTime()));
        attributes.put(STUDY.ACCESSION_NUMBER, descriptive(STUDY.ACCESSION_NUMBER, study.accessionNumber()));
        attributes.put(STUDY.STUDY_ID, descriptive(STUDY.STUDY_ID, study.studyId()));
        attributes.put(STUDY.REFERRING_PHYSICIAN_NAME, referring);
        attributes.put(STUDY.REFERRING_PHYSICIAN_NAME_UPPER, upper(STUDY.REFERRING_PHYSICIAN_NAME_UPPER, referring));
        attributes.put(STUDY.STUDY_DESCRIPTION, descriptive(STUDY.STUDY_DESCRIPTION, study.studyDescription()));
        attributes.put(STUDY.SPECIFIC_CHARACTER_SET,
                descriptive(STUDY.SPECIFIC_CHARACTER_SET, header.instance().specificCharacterSet()));
        return attributes;
    }

    private long saveSeries(long studyPk) {
        String uid = key(SERIES.SERIES_INSTANCE_UID, header.series().seriesInstanceUid());
        Map<Field<?>, Object> attributes = seriesAttributes();
        Map<Field<?>, Object> row = new LinkedHashMap<>(attributes);
        row.put(SERIES.SERIES_INSTANCE_UID, uid);
        row.put(SERIES.STUDY_FK, studyPk);
        row.put(SERIES.CREATED_AT, receivedAt);
        row.put(SERIES.UPDATED_AT, receivedAt);
        SeriesRecord seriesRow = findOrInsert(SERIES, row, SERIES.SERIES_INSTANCE_UID.eq(uid), SERIES.SERIES_INSTANCE_UID);
        if (seriesRow.getStudyFk() != studyPk) {
            LOG.log(Level.WARNING, "Instance {0} names another study than its series {1} "
                            + "(study row {2}, the series is filed under study row {3}); keeping the series where it is",
                    header.instance().sopInstanceUid(), uid, studyPk, seriesRow.getStudyFk());
        }
        refresh(seriesRow, SERIES.PK, SERIES.UPDATED_AT, attributes);
        return seriesRow.getPk();
    }

    private Map<Field<?>, Object> seriesAttributes() {
        DicomHeader.Series series = header.series();
        Map<Field<?>, Object> attributes = new LinkedHashMap<>();
        attributes.put(SERIES.MODALITY, descriptive(SERIES.MODALITY, series.modality()));
        attributes.put(SERIES.SERIES_NUMBER, series.seriesNumber());
        attributes.put(SERIES.SERIES_DESCRIPTION, descriptive(SERIES.SERIES_DESCRIPTION, series.seriesDescription()));
        attributes.put(SERIES.BODY_PART_EXAMINED, descriptive(SERIES.BODY_PART_EXAMINED, series.bodyPartExamined()));
        attributes.put(SERIES.SERIES_DATE, descriptive(SERIES.SERIES_DATE, series.seriesDate()));
        attributes.put(SERIES.SERIES_TIME, descriptive(SERIES.SERIES_TIME, series.seriesTime()));
        attributes.put(SERIES.PERFORMED_PROCEDURE_STEP_START_DATE,
                descriptive(SERIES.PERFORMED_PROCEDURE_STEP_START_DATE, series.performedProcedureStepStartDate()));
        attributes.put(SERIES.PERFORMED_PROCEDURE_STEP_START_TIME,
                descriptive(SERIES.PERFORMED_PROCEDURE_STEP_START_TIME, series.performedProcedureStepStartTime()));
        attributes.put(SERIES.INSTITUTION_NAME, descriptive(SERIES.INSTITUTION_NAME, series.institutionName()));
        attributes.put(SERIES.STATION_NAME, descriptive(SERIES.STATION_NAME, series.stationName()));
        return attributes;
    }

    private long saveSubject() {
        String subjectId = key(SUBJECT.SUBJECT_ID, entry.subjectId());
        Map<Field<?>, Object> row = new LinkedHashMap<>();
        row.put(SUBJECT.SUBJECT_ID, subjectId);
        row.put(SUBJECT.CREATED_AT, receivedAt);
        row.put(SUBJECT.CREATED_BY, descriptive(SUBJECT.CREATED_BY, entry.origin().name()));
        return findOrInsert(SUBJECT, row, SUBJECT.SUBJECT_ID.eq(subjectId), SUBJECT.SUBJECT_ID).getPk();
    }

    private SaveResult saveInstance(long seriesPk, Long subjectPk) {
        DicomHeader.Instance instance = header.instance();
        String sopInstanceUid = key(INSTANCE.SOP_INSTANCE_UID, instance.sopInstanceUid());

        Map<Field<?>, Object> row = new LinkedHashMap<>();
        row.put(INSTANCE.SERIES_FK, seriesPk);
        row.put(INSTANCE.SUBJECT_FK, subjectPk);
        row.put(INSTANCE.SOP_INSTANCE_UID, sopInstanceUid);
        row.put(INSTANCE.SOP_CLASS_UID, key(INSTANCE.SOP_CLASS_UID, instance.sopClassUid()));
        row.put(INSTANCE.INSTANCE_NUMBER, instance.instanceNumber());
        row.put(INSTANCE.TRANSFER_SYNTAX_UID, key(INSTANCE.TRANSFER_SYNTAX_UID, instance.transferSyntaxUid()));
        row.put(INSTANCE.NUMBER_OF_FRAMES, instance.numberOfFrames());
        row.put(INSTANCE.ROWS_COUNT, instance.rows());
        row.put(INSTANCE.COLUMNS_COUNT, instance.columns());
        row.put(INSTANCE.BITS_ALLOCATED, instance.bitsAllocated());
        row.put(INSTANCE.CONTENT_DATE, descriptive(INSTANCE.CONTENT_DATE, instance.contentDate()));
        row.put(INSTANCE.CONTENT_TIME, descriptive(INSTANCE.CONTENT_TIME, instance.contentTime()));
        row.put(INSTANCE.SPECIFIC_CHARACTER_SET,
                descriptive(INSTANCE.SPECIFIC_CHARACTER_SET, instance.specificCharacterSet()));
        row.put(INSTANCE.SIZE_BYTES, entry.sizeBytes());
        row.put(INSTANCE.DIGEST_SHA256, key(INSTANCE.DIGEST_SHA256, entry.sha256Hex()));
        row.put(INSTANCE.BLOB_KEY, key(INSTANCE.BLOB_KEY, entry.blobKey()));
        row.put(INSTANCE.RECEIVED_AT, receivedAt);
        row.put(INSTANCE.SOURCE_KIND, entry.origin().kind().name());
        row.put(INSTANCE.SOURCE_NAME, descriptive(INSTANCE.SOURCE_NAME, entry.origin().name()));
        row.put(INSTANCE.SOURCE_ADDRESS, descriptive(INSTANCE.SOURCE_ADDRESS, entry.origin().address()));

        // The lock makes two replacements of one instance take turns, so each sees the blob key
        // the other left and no replaced blob is forgotten.
        Record3<Long, Long, String> existing = tx.select(INSTANCE.PK, INSTANCE.SERIES_FK, INSTANCE.BLOB_KEY)
                .from(INSTANCE)
                .where(INSTANCE.SOP_INSTANCE_UID.eq(sopInstanceUid))
                .forUpdate()
                .fetchOne();
        if (existing != null) {
            SaveResult result = replace(existing, row, seriesPk);
            tx.deleteFrom(INSTANCE_METADATA)
                    .where(INSTANCE_METADATA.INSTANCE_FK.eq(existing.value1()))
                    .execute();
            saveMetadata(existing.value1());
            return result;
        }
        // A plain insert: when another transaction inserts the same new instance first, it fails
        // with a unique violation and InstanceIndex runs the save again, which then replaces it.
        long instancePk = tx.insertInto(INSTANCE).set(row).returningResult(INSTANCE.PK).fetchSingle().value1();
        saveMetadata(instancePk);
        return new SaveResult(false, Optional.empty());
    }

    /** The instance's WADO-RS metadata (a replacement first removes what the replaced object left). */
    private void saveMetadata(long instancePk) {
        if (entry.metadata() != null) {
            tx.insertInto(INSTANCE_METADATA)
                    .set(INSTANCE_METADATA.INSTANCE_FK, instancePk)
                    .set(INSTANCE_METADATA.DICOM_JSON, entry.metadata().dicomJson())
                    .set(INSTANCE_METADATA.BULK_LOCATIONS, entry.metadata().locations().format())
                    .execute();
        }
    }

    private SaveResult replace(Record3<Long, Long, String> existing, Map<Field<?>, Object> row, long seriesPk) {
        tx.update(INSTANCE).set(row).where(INSTANCE.PK.eq(existing.value1())).execute();
        if (existing.value2() != seriesPk) {
            EmptyParents.lock(tx, existing.value2()).ifPresent(previous -> EmptyParents.remove(tx, previous));
        }
        String previousBlobKey = existing.value3();
        return new SaveResult(true,
                previousBlobKey.equals(entry.blobKey()) ? Optional.empty() : Optional.of(previousBlobKey));
    }

    /**
     * The row matching {@code identity}, locked, and inserted from {@code row} first when there is
     * none.
     */
    @SafeVarargs
    private <R extends Record> R findOrInsert(Table<R> table, Map<Field<?>, Object> row, Condition identity,
                                              TableField<R, ?>... uniqueKey) {
        while (true) {
            R existing = fetchLocked(table, identity);
            if (existing != null) {
                return existing;
            }
            // Usually inserts; when it does nothing, the row another transaction just inserted is
            // read on the next turn (or, if a delete emptied it away meanwhile, inserted again).
            tx.insertInto(table).set(row).onConflict(uniqueKey).doNothing().execute();
        }
    }

    /**
     * Reads a parent row and keeps it from being deleted until this transaction ends, so the
     * instance filed under it cannot end up pointing at nothing (see {@link EmptyParents}).
     * PostgreSQL's key-share lock does not block other saves nor attribute updates; H2 has only
     * exclusive row locks, so there saves into one patient take turns.
     */
    private <R extends Record> R fetchLocked(Table<R> table, Condition identity) {
        var select = tx.selectFrom(table).where(identity);
        return (postgres ? select.forKeyShare() : select.forUpdate()).fetchOne();
    }

    /**
     * Writes the attribute values this instance carries into its stored row, when they differ.
     * Absent values never erase stored ones, and an instance received before the row's last
     * change does not undo it. The update repeats both checks in SQL because another transaction
     * may have changed the row since it was read; an unchanged row is not written.
     */
    private <R extends TableRecord<R>> void refresh(R stored, TableField<R, Long> pk,
                                                    TableField<R, OffsetDateTime> updatedAt,
                                                    Map<Field<?>, Object> attributes) {
        Map<Field<?>, Object> changed = changes(stored, updatedAt, attributes);
        if (changed.isEmpty()) {
            return;
        }
        List<Condition> differences = new ArrayList<>();
        changed.forEach((field, value) -> differences.add(differsFrom(field, value)));
        tx.update(stored.getTable())
                .set(changed)
                .set(updatedAt, receivedAt)
                .where(pk.eq(stored.get(pk)), updatedAt.le(receivedAt), DSL.or(differences))
                .execute();
    }

    /**
     * The attribute values this instance would write into a stored row: those it carries that
     * differ, unless the row was changed by an instance received later.
     */
    private Map<Field<?>, Object> changes(Record stored, Field<OffsetDateTime> updatedAt,
                                          Map<Field<?>, Object> attributes) {
        Map<Field<?>, Object> changed = new LinkedHashMap<>();
        if (stored.get(updatedAt).isAfter(receivedAt)) {
            return changed;
        }
        attributes.forEach((field, value) -> {
            if (value != null && !value.equals(stored.get(field))) {
                changed.put(field, value);
            }
        });
        return changed;
    }

    private static <T> Condition differsFrom(Field<T> field, Object value) {
        return field.isDistinctFrom(field.getDataType().convert(value));
    }

    /** A value that identifies a row: never shortened, refused when longer than its column. */
    private static String key(TableField<?, String> column, String value) {
        if (value == null) {
            throw new IllegalArgumentException(column.getName() + " is missing");
        }
        int max = column.getDataType().length();
        if (value.length() > max) {
            throw new IllegalArgumentException(column.getName() + " is longer than " + max + " characters");
        }
        return value;
    }

    /**
     * A descriptive value, shortened to its column: real-world data often exceeds the DICOM maximum
     * lengths, and that must not make an otherwise good instance fail to store.
     */
    private static String descriptive(TableField<?, String> column, String value) {
        int max = column.getDataType().length();
        if (value == null || value.length() <= max) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
        return value.substring(0, end);
    }

    /** The upper-cased copy of a PN value that case-insensitive matching compares against. */
    private static String upper(TableField<?, String> column, String personName) {
        // Upper-casing may lengthen a name (ß becomes SS), hence shortened again.
        return personName == null ? null : descriptive(column, personName.toUpperCase(Locale.ROOT));
    }
}
