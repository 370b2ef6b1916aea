package org.vesalius.storage.query;

import static org.vesalius.schema.jooq.Tables.INSTANCE;
import static org.vesalius.schema.jooq.Tables.PATIENT;
import static org.vesalius.schema.jooq.Tables.SERIES;
import static org.vesalius.schema.jooq.Tables.STUDY;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jooq.Field;
import org.jooq.Table;
import org.vesalius.schema.jooq.tables.Series;

/**
 * Every attribute QIDO-RS and C-FIND can match on or return, and where the index keeps it.
 * Both channels resolve their keys here, so they support exactly the same attributes.
 */
public final class AttributeCatalog {
    private static final AttributeCatalog STANDARD = new AttributeCatalog(standardAttributes());

    private final List<Attribute> attributes;
    private final Map<Integer, Attribute> byTag = new HashMap<>();
    private final Map<String, Attribute> byKeyword = new HashMap<>();

    private AttributeCatalog(List<Attribute> attributes) {
        this.attributes = List.copyOf(attributes);
        for (Attribute attribute : attributes) {
            if (byTag.put(attribute.tag(), attribute) != null || byKeyword.put(attribute.keyword(), attribute) != null) {
                throw new IllegalStateException("attribute listed twice: " + attribute.describe());
            }
        }
    }

    public static AttributeCatalog standard() {
        return STANDARD;
    }

    /**
     * The attribute named by {@code key}: a keyword spelled as in PS3.6 ("PatientID", case
     * sensitive) or a tag of eight hexadecimal digits ("00100020").
     */
    public Attribute resolve(String key) throws QueryException {
        Attribute attribute = byKeyword.get(key);
        if (attribute == null && key.matches("[0-9A-Fa-f]{8}")) {
            attribute = byTag.get(Integer.parseUnsignedInt(key, 16));
        }
        if (attribute == null) {
            throw new QueryException("unknown or unsupported query attribute '" + printable(key) + "'");
        }
        return attribute;
    }

    /** The attribute with this tag; a {@link QueryException} naming the tag when unsupported. */
    public Attribute byTag(int tag) throws QueryException {
        Attribute attribute = byTag.get(tag);
        if (attribute == null) {
            throw new QueryException(tag, "unsupported query attribute "
                    + String.format(Locale.ROOT, "(%04X,%04X)", tag >>> 16, tag & 0xFFFF));
        }
        return attribute;
    }

    public Optional<Attribute> find(int tag) {
        return Optional.ofNullable(byTag.get(tag));
    }

    /** All attributes, in catalog order. */
    public List<Attribute> all() {
        return attributes;
    }

    /** The attributes with one value per result row at {@code level} (its own and its parents'). */
    public List<Attribute> availableAt(QueryLevel level) {
        return attributes.stream().filter(a -> level.includes(a.level())).toList();
    }

    private static String printable(String key) {
        String printable = key.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 64 ? printable.substring(0, 64) + "…" : printable;
    }

    private static List<Attribute> standardAttributes() {
        List<Attribute> list = new ArrayList<>();
        QueryLevel patient = QueryLevel.PATIENT;
        list.add(new Attribute(0x00100010, "PatientName", Vr.PN, patient,
                new AttributeSource.Column(PATIENT.PATIENT_NAME, PATIENT.PATIENT_NAME_UPPER)));
        list.add(column(0x00100020, "PatientID", Vr.LO, patient, PATIENT.PATIENT_ID));
        list.add(column(0x00100021, "IssuerOfPatientID", Vr.LO, patient, PATIENT.ISSUER_OF_PATIENT_ID));
        list.add(column(0x00100030, "PatientBirthDate", Vr.DA, patient, PATIENT.PATIENT_BIRTH_DATE));
        list.add(column(0x00100040, "PatientSex", Vr.CS, patient, PATIENT.PATIENT_SEX));
        list.add(count(0x00201200, "NumberOfPatientRelatedStudies", patient, STUDY, STUDY.PATIENT_FK));
        list.add(count(0x00201202, "NumberOfPatientRelatedSeries", patient,
                SERIES.join(STUDY).on(SERIES.STUDY_FK.eq(STUDY.PK)), STUDY.PATIENT_FK));
        list.add(count(0x00201204, "NumberOfPatientRelatedInstances", patient,
                INSTANCE.join(SERIES).on(INSTANCE.SERIES_FK.eq(SERIES.PK)).join(STUDY).on(SERIES.STUDY_FK.eq(STUDY.PK)),
                STUDY.PATIENT_FK));

        QueryLevel study = QueryLevel.STUDY;
        list.add(column(0x0020000D, "StudyInstanceUID", Vr.UI, study, STUDY.STUDY_INSTANCE_UID));
        list.add(column(0x00080020, "StudyDate", Vr.DA, study, STUDY.STUDY_DATE));
        list.add(column(0x00080030, "StudyTime", Vr.TM, study, STUDY.STUDY_TIME));
        list.add(column(0x00080050, "AccessionNumber", Vr.SH, study, STUDY.ACCESSION_NUMBER));
        list.add(column(0x00200010, "StudyID", Vr.SH, study, STUDY.STUDY_ID));
        list.add(new Attribute(0x00080090, "ReferringPhysicianName", Vr.PN, study,
                new AttributeSource.Column(STUDY.REFERRING_PHYSICIAN_NAME, STUDY.REFERRING_PHYSICIAN_NAME_UPPER)));
        list.add(column(0x00081030, "StudyDescription", Vr.LO, study, STUDY.STUDY_DESCRIPTION));
        Series modalities = SERIES.as("modalities_in_study");
        list.add(new Attribute(0x00080061, "ModalitiesInStudy", Vr.CS, study,
                new AttributeSource.ChildValues(modalities, modalities.STUDY_FK, modalities.MODALITY)));
        list.add(count(0x00201206, "NumberOfStudyRelatedSeries", study, SERIES, SERIES.STUDY_FK));
        list.add(count(0x00201208, "NumberOfStudyRelatedInstances", study,
                INSTANCE.join(SERIES).on(INSTANCE.SERIES_FK.eq(SERIES.PK)), SERIES.STUDY_FK));
        // Kept per study and per instance; the engine returns the one of the query's level.
        list.add(new Attribute(0x00080005, "SpecificCharacterSet", Vr.CS, study, new AttributeSource.PerLevel(Map.of(
                QueryLevel.STUDY, STUDY.SPECIFIC_CHARACTER_SET,
                QueryLevel.SERIES, STUDY.SPECIFIC_CHARACTER_SET,
                QueryLevel.INSTANCE, INSTANCE.SPECIFIC_CHARACTER_SET))));

        QueryLevel series = QueryLevel.SERIES;
        list.add(column(0x0020000E, "SeriesInstanceUID", Vr.UI, series, SERIES.SERIES_INSTANCE_UID));
        list.add(column(0x00080060, "Modality", Vr.CS, series, SERIES.MODALITY));
        list.add(column(0x00200011, "SeriesNumber", Vr.IS, series, SERIES.SERIES_NUMBER));
        list.add(column(0x0008103E, "SeriesDescription", Vr.LO, series, SERIES.SERIES_DESCRIPTION));
        list.add(column(0x00180015, "BodyPartExamined", Vr.CS, series, SERIES.BODY_PART_EXAMINED));
        list.add(column(0x00080021, "SeriesDate", Vr.DA, series, SERIES.SERIES_DATE));
        list.add(column(0x00080031, "SeriesTime", Vr.TM, series, SERIES.SERIES_TIME));
        list.add(column(0x00400244, "PerformedProcedureStepStartDate", Vr.DA, series,
                SERIES.PERFORMED_PROCEDURE_STEP_START_DATE));
        list.add(column(0x00400245, "PerformedProcedureStepStartTime", Vr.TM, series,
                SERIES.PERFORMED_PROCEDURE_STEP_START_TIME));
        list.add(column(0x00080080, "InstitutionName", Vr.LO, series, SERIES.INSTITUTION_NAME));
        list.add(column(0x00081010, "StationName", Vr.SH, series, SERIES.STATION_NAME));
        list.add(count(0x00201209, "NumberOfSeriesRelatedInstances", series, INSTANCE, INSTANCE.SERIES_FK));

        QueryLevel instance = QueryLevel.INSTANCE;
        list.add(column(0x00080018, "SOPInstanceUID", Vr.UI, instance, INSTANCE.SOP_INSTANCE_UID));
        list.add(column(0x00080016, "SOPClassUID", Vr.UI, instance, INSTANCE.SOP_CLASS_UID));
        list.add(column(0x00200013, "InstanceNumber", Vr.IS, instance, INSTANCE.INSTANCE_NUMBER));
        list.add(column(0x00280010, "Rows", Vr.US, instance, INSTANCE.ROWS_COUNT));
        list.add(column(0x00280011, "Columns", Vr.US, instance, INSTANCE.COLUMNS_COUNT));
        list.add(column(0x00280100, "BitsAllocated", Vr.US, instance, INSTANCE.BITS_ALLOCATED));
        list.add(column(0x00280008, "NumberOfFrames", Vr.IS, instance, INSTANCE.NUMBER_OF_FRAMES));
        list.add(column(0x00080023, "ContentDate", Vr.DA, instance, INSTANCE.CONTENT_DATE));
        list.add(column(0x00080033, "ContentTime", Vr.TM, instance, INSTANCE.CONTENT_TIME));
        // The transfer syntax the archive holds the instance in, which WADO-RS can send unchanged.
        list.add(column(0x00083002, "AvailableTransferSyntaxUID", Vr.UI, instance, INSTANCE.TRANSFER_SYNTAX_UID));
        return Collections.unmodifiableList(list);
    }

    private static Attribute column(int tag, String keyword, Vr vr, QueryLevel level, Field<?> field) {
        return new Attribute(tag, keyword, vr, level, AttributeSource.Column.of(field));
    }

    private static Attribute count(int tag, String keyword, QueryLevel level, Table<?> rows, Field<Long> ownerKey) {
        return new Attribute(tag, keyword, Vr.IS, level, new AttributeSource.Count(rows, ownerKey));
    }
}
