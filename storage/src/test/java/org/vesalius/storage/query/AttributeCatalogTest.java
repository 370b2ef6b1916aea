package org.vesalius.storage.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.ValueRepresentation;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributeCatalogTest {
    private final AttributeCatalog catalog = AttributeCatalog.standard();

    @Test
    void tagsKeywordsAndVrsAgreeWithTheDicomDictionary() {
        DicomDictionary dictionary = DicomDictionary.StandardDictionary;
        for (Attribute attribute : catalog.all()) {
            AttributeTag tag = dictionary.getTagFromName(attribute.keyword());
            assertThat(tag).as(attribute.keyword()).isNotNull();
            assertThat((tag.getGroup() << 16) | tag.getElement()).as(attribute.keyword()).isEqualTo(attribute.tag());
            assertThat(ValueRepresentation.getAsString(dictionary.getValueRepresentationFromTag(tag)))
                    .as(attribute.keyword()).isEqualTo(attribute.vr().name());
        }
    }

    @Test
    void coversTheAttributesBothChannelsNeed() {
        List<String> needed = List.of("PatientName", "PatientID", "IssuerOfPatientID", "PatientBirthDate",
                "PatientSex", "StudyInstanceUID", "StudyDate", "StudyTime", "AccessionNumber", "StudyID",
                "ReferringPhysicianName", "StudyDescription", "ModalitiesInStudy", "NumberOfStudyRelatedSeries",
                "NumberOfStudyRelatedInstances", "NumberOfPatientRelatedStudies", "NumberOfPatientRelatedSeries",
                "NumberOfPatientRelatedInstances", "SeriesInstanceUID", "Modality", "SeriesNumber",
                "SeriesDescription", "BodyPartExamined", "SeriesDate", "SeriesTime",
                "PerformedProcedureStepStartDate", "PerformedProcedureStepStartTime",
                "NumberOfSeriesRelatedInstances", "SOPInstanceUID", "SOPClassUID", "InstanceNumber", "Rows",
                "Columns", "BitsAllocated", "NumberOfFrames", "ContentDate", "ContentTime",
                "AvailableTransferSyntaxUID", "SpecificCharacterSet");
        assertThat(catalog.all().stream().map(Attribute::keyword)).containsAll(needed);
    }

    @Test
    void resolvesKeywordsAndHexadecimalTags() throws QueryException {
        Attribute patientId = catalog.resolve("PatientID");
        assertThat(patientId.tag()).isEqualTo(0x00100020);
        assertThat(patientId.level()).isEqualTo(QueryLevel.PATIENT);
        assertThat(catalog.resolve("00100020")).isSameAs(patientId);
        assertThat(catalog.resolve("0008103e")).isSameAs(catalog.resolve("SeriesDescription"));
        assertThat(catalog.byTag(0x0020000D).keyword()).isEqualTo("StudyInstanceUID");
        assertThat(patientId.describe()).isEqualTo("PatientID (0010,0020)");
    }

    @Test
    void unknownKeysAreNamedInTheError() {
        for (String unknown : List.of("PatientId", "patientid", "NoSuchAttribute", "0010002", "001000200", "")) {
            assertThatThrownBy(() -> catalog.resolve(unknown)).as(unknown)
                    .isInstanceOf(QueryException.class).hasMessageContaining("'" + unknown + "'");
        }
        assertThatThrownBy(() -> catalog.resolve("Patient\nID\u0000")).hasMessageContaining("'Patient?ID?'");
        assertThatThrownBy(() -> catalog.byTag(0x7FE00010)).hasMessageContaining("(7FE0,0010)");
        assertThat(catalog.find(0x7FE00010)).isEmpty();
    }

    @Test
    void levelsIncludeTheirParentsAttributes() {
        assertThat(catalog.availableAt(QueryLevel.PATIENT)).allMatch(a -> a.level() == QueryLevel.PATIENT);
        assertThat(catalog.availableAt(QueryLevel.STUDY).stream().map(Attribute::keyword))
                .contains("PatientName", "StudyDate", "ModalitiesInStudy").doesNotContain("Modality", "Rows");
        assertThat(catalog.availableAt(QueryLevel.INSTANCE)).hasSameSizeAs(catalog.all());
    }

    @Test
    void wildcardsBecomeAnEscapedLikePattern() {
        assertThat(Matching.likePattern("Doe*")).isEqualTo("Doe%");
        assertThat(Matching.likePattern("a?b*c%d_e!f")).isEqualTo("a_b%c!%d!_e!!f");
    }
}
