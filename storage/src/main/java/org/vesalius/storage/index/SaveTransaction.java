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
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.jooq.BatchBindStep;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record4;
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
 * The writes of one {@link InstanceIndex#saveAll} batch inside its transaction: the instances
 * offered together (a STOW-RS request, parallel C-STORE associations) share one commit.
 *
 * <p>Several nodes and threads save at once, often into the same patient, study and series. Rows
 * are found first and created with insert-if-absent only when missing, so a race to create one
 * ends with a single row either way. The parent rows found are locked against deletion (not
 * against other saves, on PostgreSQL) until the commit, so a concurrent delete that empties a
 * series cannot pull it from under the new instance. Attributes are only written when the new
 * instance brings different values, so the usual case (the next slice of a known series, with
 * the same patient, study and series attributes) costs one joined read and the lock of the
 * series row ({@link #lockUnchangedSeries}), and nothing for the next instances of that series in
 * the same batch: the row stays locked until the commit. The instance rows are then
 * locked in one read, and the new ones inserted in one JDBC batch.
 *
 * <p>Rows are locked in the same order for each instance (patient, study, series, subject, then
 * the instance rows), here and in {@link EmptyParents}, so that transactions do not deadlock on
 * them; the exceptions (a batch spanning several series, a replacement that moves an instance to
 * another series) are broken by the database and run again by InstanceIndex.
 */
final class SaveTransaction {
    private static final System.Logger LOG = System.getLogger(SaveTransaction.class.getName());

    /** What a new instance row is made of, in the order of {@link Item#instanceValues}. */
    private static final List<Field<?>> INSTANCE_COLUMNS = List.of(INSTANCE.SERIES_FK, INSTANCE.SUBJECT_FK,
            INSTANCE.SOP_INSTANCE_UID, INSTANCE.SOP_CLASS_UID, INSTANCE.INSTANCE_NUMBER, INSTANCE.TRANSFER_SYNTAX_UID,
            INSTANCE.NUMBER_OF_FRAMES, INSTANCE.ROWS_COUNT, INSTANCE.COLUMNS_COUNT, INSTANCE.BITS_ALLOCATED,
            INSTANCE.CONTENT_DATE, INSTANCE.CONTENT_TIME, INSTANCE.SPECIFIC_CHARACTER_SET, INSTANCE.SIZE_BYTES,
            INSTANCE.DIGEST_SHA256, INSTANCE.BLOB_KEY, INSTANCE.RECEIVED_AT, INSTANCE.SOURCE_KIND,
            INSTANCE.SOURCE_NAME, INSTANCE.SOURCE_ADDRESS);

    /** The series, study and patient columns {@link #lockUnchangedSeries} reads. */
    private static final List<Field<?>> SERIES_STUDY_PATIENT = Stream.of(SERIES.fields(), STUDY.fields(), PATIENT.fields())
            .flatMap(Arrays::stream)
            .toList();

    private final DSLContext tx;
    private final List<Item> items;
    private final boolean postgres;
    /** Series rows read and locked by this transaction (with their study and patient), by UID. */
    private final Map<String, Record> lockedSeries = new HashMap<>();
    /** Subject rows found or created by this transaction, by subject ID. */
    private final Map<String, Long> subjects = new HashMap<>();

    private final boolean assumeNew;

    /**
     * @param assumeNew insert every instance without first looking for its row (a first attempt:
     *                  most objects are new; one that is not fails the insert on the unique key,
     *                  and the attempt after it looks)
     */
    SaveTransaction(DSLContext tx, List<InstanceEntry> entries, boolean assumeNew) {
        this.tx = tx;
        this.assumeNew = assumeNew;
        this.postgres = tx.dialect().family() == SQLDialect.POSTGRES;
        this.items = entries.stream().map(Item::new).toList();
    }

    /** Saves every entry; the results in the order of the entries. */
    List<SaveResult> run() {
        for (Item item : items) {
            item.seriesPk = lockUnchangedSeries(item).orElseGet(() -> {
                // The attributes are about to change (or the rows to be made): read them again next time.
                lockedSeries.remove(item.header.series().seriesInstanceUid());
                long patientPk = item.savePatient();
                long studyPk = item.saveStudy(patientPk);
                return item.saveSeries(studyPk);
            });
            item.subjectPk = item.entry.subjectId() == null ? null
                    : subjects.computeIfAbsent(key(SUBJECT.SUBJECT_ID, item.entry.subjectId()), id -> item.saveSubject());
        }
        return saveInstances();
    }

    /**
     * The usual case in one read and one lock: the series is known, filed under this instance's
     * study and patient, and none of the three rows would take a value from this instance. Only
     * the series row is locked: a removal locks patient, study and series in that order and
     * removes a study or patient only once nothing is filed under it, so a series kept from
     * removal keeps its study and patient too. The next instances of the series in this batch
     * find it here, still locked. Empty when the per-level path must run (that path starts from
     * the patient, so no lock is held out of order when it does).
     */
    private Optional<Long> lockUnchangedSeries(Item item) {
        String seriesUid = key(SERIES.SERIES_INSTANCE_UID, item.header.series().seriesInstanceUid());
        Record known = lockedSeries.get(seriesUid);
        if (known != null) {
            return item.isFiledUnchangedIn(known) ? Optional.of(known.get(SERIES.PK)) : Optional.empty();
        }
        // Read without a lock (H2 parses a locking read again each time; this one it keeps).
        known = tx.select(SERIES_STUDY_PATIENT)
                .from(SERIES)
                .join(STUDY).on(STUDY.PK.eq(SERIES.STUDY_FK))
                .join(PATIENT).on(PATIENT.PK.eq(STUDY.PATIENT_FK))
                .where(SERIES.SERIES_INSTANCE_UID.eq(seriesUid))
                .fetchOne();
        if (known == null || !item.isFiledUnchangedIn(known)) {
            return Optional.empty();
        }
        // Rows read without a lock may have gone since: then the per-level path creates them again.
        var lock = tx.select(SERIES.PK).from(SERIES)
                .where(SERIES.PK.eq(known.get(SERIES.PK)), SERIES.STUDY_FK.eq(known.get(STUDY.PK)));
        if ((postgres ? lock.forKeyShare() : lock.forUpdate()).fetchOne() == null) {
            return Optional.empty();
        }
        lockedSeries.put(seriesUid, known);
        return Optional.of(known.get(SERIES.PK));
    }

    /** An instance row as this transaction knows it. */
    private record StoredInstance(long pk, long seriesPk, String blobKey) {
    }

    /**
     * Inserts the new instance rows and replaces the stored ones. The lock on the stored rows
     * makes two replacements of one instance take turns, so each sees the blob key the other
     * left and no replaced blob is forgotten. A new row is a plain insert: when the instance is
     * indexed already (unseen by an attempt that assumed all new) or another transaction inserts
     * it first, it fails with a unique violation and InstanceIndex runs the save again, which
     * then looks and replaces it.
     */
    private List<SaveResult> saveInstances() {
        Map<String, StoredInstance> stored = assumeNew ? new HashMap<>()
                : lockInstances(items.stream().map(Item::sopInstanceUid).toList());
        List<Item> inserts = new ArrayList<>();
        Set<String> insertedUids = new HashSet<>();
        List<SaveResult> results = new ArrayList<>();
        for (Item item : items) {
            String uid = item.sopInstanceUid();
            if (insertedUids.contains(uid)) {
                // The same instance twice in one batch: the second replaces the first, once written.
                insertNew(inserts);
                inserts.clear();
                insertedUids.clear();
                stored.putAll(lockInstances(List.of(uid)));
            }
            StoredInstance previous = stored.get(uid);
            if (previous == null) {
                inserts.add(item);
                insertedUids.add(uid);
                results.add(new SaveResult(false, Optional.empty()));
            } else {
                results.add(replace(item, previous));
                stored.put(uid, new StoredInstance(previous.pk(), item.seriesPk, item.entry.blobKey()));
            }
        }
        insertNew(inserts);
        return results;
    }

    private Map<String, StoredInstance> lockInstances(Collection<String> sopInstanceUids) {
        Map<String, StoredInstance> stored = new HashMap<>();
        tx.select(INSTANCE.PK, INSTANCE.SERIES_FK, INSTANCE.BLOB_KEY, INSTANCE.SOP_INSTANCE_UID)
                .from(INSTANCE)
                .where(INSTANCE.SOP_INSTANCE_UID.in(sopInstanceUids))
                .forUpdate()
                .fetch()
                .forEach((Record4<Long, Long, String, String> row) ->
                        stored.put(row.value4(), new StoredInstance(row.value1(), row.value2(), row.value3())));
        return stored;
    }

    /**
     * Inserts new instance rows and their metadata, each as one JDBC batch of one statement (the
     * metadata row finds its instance by UID, so no generated key has to come back first).
     */
    private void insertNew(List<Item> inserts) {
        if (inserts.isEmpty()) {
            return;
        }
        BatchBindStep instances = tx.batch(tx.insertInto(INSTANCE).columns(INSTANCE_COLUMNS)
                .values(new Object[INSTANCE_COLUMNS.size()]));
        for (Item item : inserts) {
            instances.bind(item.instanceValues().toArray());
        }
        instances.execute();

        BatchBindStep metadata = tx.batch(tx.insertInto(INSTANCE_METADATA)
                .columns(INSTANCE_METADATA.INSTANCE_FK, INSTANCE_METADATA.DICOM_JSON, INSTANCE_METADATA.BULK_LOCATIONS)
                .select(tx.select(INSTANCE.PK, DSL.val((String) null, INSTANCE_METADATA.DICOM_JSON),
                                DSL.val((String) null, INSTANCE_METADATA.BULK_LOCATIONS))
                        .from(INSTANCE)
                        .where(INSTANCE.SOP_INSTANCE_UID.eq((String) null))));
        boolean any = false;
        for (Item item : inserts) {
            if (item.entry.metadata() != null) {
                metadata.bind(item.entry.metadata().dicomJson(), item.entry.metadata().locations().format(),
                        item.sopInstanceUid());
                any = true;
            }
        }
        if (any) {
            metadata.execute();
        }
    }

    /** Updates a stored instance row in place to the new object (and its metadata). */
    private SaveResult replace(Item item, StoredInstance previous) {
        Map<Field<?>, Object> row = new LinkedHashMap<>();
        List<Object> values = item.instanceValues();
        for (int i = 0; i < INSTANCE_COLUMNS.size(); i++) {
            row.put(INSTANCE_COLUMNS.get(i), values.get(i));
        }
        tx.update(INSTANCE).set(row).where(INSTANCE.PK.eq(previous.pk())).execute();
        if (previous.seriesPk() != item.seriesPk) {
            EmptyParents.lock(tx, previous.seriesPk()).ifPresent(locked -> EmptyParents.remove(tx, locked));
        }
        tx.deleteFrom(INSTANCE_METADATA)
                .where(INSTANCE_METADATA.INSTANCE_FK.eq(previous.pk()))
                .execute();
        if (item.entry.metadata() != null) {
            tx.insertInto(INSTANCE_METADATA)
                    .set(INSTANCE_METADATA.INSTANCE_FK, previous.pk())
                    .set(INSTANCE_METADATA.DICOM_JSON, item.entry.metadata().dicomJson())
                    .set(INSTANCE_METADATA.BULK_LOCATIONS, item.entry.metadata().locations().format())
                    .execute();
        }
        String previousBlobKey = previous.blobKey();
        return new SaveResult(true,
                previousBlobKey.equals(item.entry.blobKey()) ? Optional.empty() : Optional.of(previousBlobKey));
    }

    /** One entry of the batch: its values as the index columns want them, and the rows it is filed under. */
    private final class Item {
        private final InstanceEntry entry;
        private final DicomHeader header;
        private final OffsetDateTime receivedAt;
        private long seriesPk;
        private Long subjectPk;

        Item(InstanceEntry entry) {
            this.entry = entry;
            this.header = entry.header();
            this.receivedAt = OffsetDateTime.ofInstant(entry.receivedAt(), ZoneOffset.UTC);
        }

        String sopInstanceUid() {
            return key(INSTANCE.SOP_INSTANCE_UID, header.instance().sopInstanceUid());
        }

        /** True when the series, study and patient read in {@code known} are this instance's and it changes none of them. */
        boolean isFiledUnchangedIn(Record known) {
            return known.get(STUDY.STUDY_INSTANCE_UID).equals(header.study().studyInstanceUid())
                    && known.get(PATIENT.PATIENT_ID).equals(patientId())
                    && known.get(PATIENT.ISSUER_OF_PATIENT_ID).equals(issuerOfPatientId())
                    && changes(known, PATIENT.UPDATED_AT, patientAttributes()).isEmpty()
                    && changes(known, STUDY.UPDATED_AT, studyAttributes()).isEmpty()
                    && changes(known, SERIES.UPDATED_AT, seriesAttributes()).isEmpty();
        }

        /** The instance row's values, in the order of {@link #INSTANCE_COLUMNS}. */
        List<Object> instanceValues() {
            DicomHeader.Instance instance = header.instance();
            return Arrays.asList(
                    seriesPk,
                    subjectPk,
                    sopInstanceUid(),
                    key(INSTANCE.SOP_CLASS_UID, instance.sopClassUid()),
                    instance.instanceNumber(),
                    key(INSTANCE.TRANSFER_SYNTAX_UID, instance.transferSyntaxUid()),
                    instance.numberOfFrames(),
                    instance.rows(),
                    instance.columns(),
                    instance.bitsAllocated(),
                    descriptive(INSTANCE.CONTENT_DATE, instance.contentDate()),
                    descriptive(INSTANCE.CONTENT_TIME, instance.contentTime()),
                    descriptive(INSTANCE.SPECIFIC_CHARACTER_SET, instance.specificCharacterSet()),
                    entry.sizeBytes(),
                    key(INSTANCE.DIGEST_SHA256, entry.sha256Hex()),
                    key(INSTANCE.BLOB_KEY, entry.blobKey()),
                    receivedAt,
                    entry.origin().kind().name(),
                    descriptive(INSTANCE.SOURCE_NAME, entry.origin().name()),
                    descriptive(INSTANCE.SOURCE_ADDRESS, entry.origin().address()));
        }

        long savePatient() {
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
        String patientId() {
            return key(PATIENT.PATIENT_ID, Objects.requireNonNullElse(header.patient().patientId(), ""));
        }

        String issuerOfPatientId() {
            return key(PATIENT.ISSUER_OF_PATIENT_ID, Objects.requireNonNullElse(header.patient().issuerOfPatientId(), ""));
        }

        Map<Field<?>, Object> patientAttributes() {
            DicomHeader.Patient patient = header.patient();
            String name = descriptive(PATIENT.PATIENT_NAME, patient.patientName());
            Map<Field<?>, Object> attributes = new LinkedHashMap<>();
            attributes.put(PATIENT.PATIENT_NAME, name);
            attributes.put(PATIENT.PATIENT_NAME_UPPER, upper(PATIENT.PATIENT_NAME_UPPER, name));
            attributes.put(PATIENT.PATIENT_BIRTH_DATE, descriptive(PATIENT.PATIENT_BIRTH_DATE, patient.patientBirthDate()));
            attributes.put(PATIENT.PATIENT_SEX, descriptive(PATIENT.PATIENT_SEX, patient.patientSex()));
            return attributes;
        }

        long saveStudy(long patientPk) {
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

        Map<Field<?>, Object> studyAttributes() {
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

        long saveSeries(long studyPk) {
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

        Map<Field<?>, Object> seriesAttributes() {
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

        long saveSubject() {
            String subjectId = key(SUBJECT.SUBJECT_ID, entry.subjectId());
            Map<Field<?>, Object> row = new LinkedHashMap<>();
            row.put(SUBJECT.SUBJECT_ID, subjectId);
            row.put(SUBJECT.CREATED_AT, receivedAt);
            row.put(SUBJECT.CREATED_BY, descriptive(SUBJECT.CREATED_BY, entry.origin().name()));
            return findOrInsert(SUBJECT, row, SUBJECT.SUBJECT_ID.eq(subjectId), SUBJECT.SUBJECT_ID).getPk();
        }

        /**
         * Writes the attribute values this instance carries into its stored row, when they differ.
         * Absent values never erase stored ones, and an instance received before the row's last
         * change does not undo it. The update repeats both checks in SQL because another transaction
         * may have changed the row since it was read; an unchanged row is not written.
         */
        <R extends TableRecord<R>> void refresh(R stored, TableField<R, Long> pk,
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
        Map<Field<?>, Object> changes(Record stored, Field<OffsetDateTime> updatedAt,
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
