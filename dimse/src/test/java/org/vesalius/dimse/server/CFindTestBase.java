package org.vesalius.dimse.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.dimse.DimseSettings;
import org.vesalius.storage.index.DatabaseSettings;
import org.vesalius.storage.testing.Dcmtk;
import org.vesalius.storage.testing.SampleDicom;

/**
 * C-FIND with DCMTK's findscu against a real archive, once per database (subclasses). Two patients:
 * DOE^JOHN with a 2020 study of two CT series (one image each) and SMITH^ANNA with a 2021 MR study.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CFindTestBase {
    @TempDir
    static Path dir;
    private Archive archive;
    private DimseServer server;
    private SampleDicom.Instance doe1;
    private SampleDicom.Instance doe2;
    private SampleDicom.Instance smith;

    abstract DatabaseSettings database(Path dir);

    @BeforeAll
    void start() throws IOException {
        assumeTrue(Dcmtk.isInstalled("findscu") && Dcmtk.isInstalled("dcmodify"), "DCMTK is not installed");
        archive = new Archive(dir.resolve("archive"), database(dir));
        server = archive.server(DimseSettings.defaults(QrFixture.LOCALHOST, 0, dir.resolve("spool"))).start();
        String doeStudy = SampleDicom.newUid();
        Path files = dir.resolve("files");
        doe1 = QrFixture.image(files, doeStudy, SampleDicom.newUid(), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN,
                "DOE^JOHN", "P1", "20200101", "CT");
        doe2 = QrFixture.image(files, doeStudy, SampleDicom.newUid(), 2, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN,
                "DOE^JOHN", "P1", "20200101", "CT");
        smith = QrFixture.image(files, SampleDicom.newUid(), SampleDicom.newUid(), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN,
                "SMITH^ANNA", "P2", "20210615", "MR");
        Dcmtk.store("MODALITY", QrFixture.AET, QrFixture.LOCALHOST, server.port(),
                List.of(doe1.file(), doe2.file(), smith.file())).requireSuccess();
    }

    @AfterAll
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (archive != null) {
            archive.close();
        }
    }

    private QrFixture.FindResult find(String model, String... keys) throws IOException {
        return QrFixture.find(dir.resolve("find"), server.port(), model, List.of(keys));
    }

    private static List<String> values(List<AttributeList> responses, com.pixelmed.dicom.AttributeTag tag) {
        return responses.stream().map(r -> Attribute.getSingleStringValueOrEmptyString(r, tag)).toList();
    }

    @Test
    void studyRootStudyLevelWithWildcardReturnsOnlyRequestedKeys() throws IOException {
        QrFixture.FindResult result = find("-S", "QueryRetrieveLevel=STUDY", "PatientName=DOE*", "StudyInstanceUID",
                "StudyDate", "NumberOfStudyRelatedInstances", "ModalitiesInStudy", "0032,4000");
        assertThat(result.run().exitCode()).as(result.run().output()).isZero();
        assertThat(result.responses()).as(result.run().output()).hasSize(1);
        AttributeList response = result.responses().getFirst();
        assertThat(Attribute.getSingleStringValueOrEmptyString(response, TagFromName.StudyInstanceUID))
                .isEqualTo(doe1.studyInstanceUid());
        assertThat(Attribute.getSingleStringValueOrEmptyString(response, TagFromName.PatientName)).isEqualTo("DOE^JOHN");
        assertThat(Attribute.getSingleStringValueOrEmptyString(response, TagFromName.StudyDate)).isEqualTo("20200101");
        assertThat(Attribute.getSingleStringValueOrEmptyString(response, TagFromName.NumberOfStudyRelatedInstances)).isEqualTo("2");
        assertThat(Attribute.getSingleStringValueOrEmptyString(response, TagFromName.ModalitiesInStudy)).isEqualTo("CT");
        assertThat(response.get(TagFromName.PatientID)).as("not requested, not returned").isNull();
        assertThat(response.get(new com.pixelmed.dicom.AttributeTag(0x0032, 0x4000))).as("unknown key: zero-length\n" + response).isNotNull();
    }

    @Test
    void dateRangeAndUidListMatch() throws IOException {
        QrFixture.FindResult range = find("-S", "QueryRetrieveLevel=STUDY", "StudyDate=20210101-", "StudyInstanceUID");
        assertThat(values(range.responses(), TagFromName.StudyInstanceUID)).containsExactly(smith.studyInstanceUid());

        QrFixture.FindResult list = find("-S", "QueryRetrieveLevel=STUDY",
                "StudyInstanceUID=" + smith.studyInstanceUid() + "\\" + doe1.studyInstanceUid());
        assertThat(values(list.responses(), TagFromName.StudyInstanceUID))
                .containsExactlyInAnyOrder(smith.studyInstanceUid(), doe1.studyInstanceUid());
    }

    @Test
    void patientRootPatientLevel() throws IOException {
        QrFixture.FindResult result = find("-P", "QueryRetrieveLevel=PATIENT", "PatientID", "PatientName=SMITH^ANNA");
        assertThat(result.run().exitCode()).as(result.run().output()).isZero();
        assertThat(values(result.responses(), TagFromName.PatientID)).containsExactly("P2");
    }

    @Test
    void seriesAndImageLevelsAreHierarchical() throws IOException {
        QrFixture.FindResult series = find("-P", "QueryRetrieveLevel=SERIES", "PatientID=P1",
                "StudyInstanceUID=" + doe1.studyInstanceUid(), "SeriesInstanceUID", "Modality", "SeriesNumber");
        assertThat(values(series.responses(), TagFromName.SeriesInstanceUID))
                .containsExactly(doe1.seriesInstanceUid(), doe2.seriesInstanceUid());
        assertThat(values(series.responses(), TagFromName.Modality)).containsOnly("CT");

        QrFixture.FindResult images = find("-S", "QueryRetrieveLevel=IMAGE", "StudyInstanceUID=" + doe1.studyInstanceUid(),
                "SeriesInstanceUID=" + doe2.seriesInstanceUid(), "SOPInstanceUID", "SOPClassUID");
        assertThat(values(images.responses(), TagFromName.SOPInstanceUID)).containsExactly(doe2.sopInstanceUid());
        assertThat(values(images.responses(), TagFromName.SOPClassUID)).containsExactly(SampleDicom.SECONDARY_CAPTURE);
    }

    @Test
    void refusesBadIdentifiers() throws IOException {
        QrFixture.FindResult noLevel = find("-S", "PatientName=DOE*");
        assertThat(noLevel.run().output()).contains("DataSetDoesNotMatchSOPClass");
        QrFixture.FindResult patientInStudyRoot = find("-S", "QueryRetrieveLevel=PATIENT", "PatientID");
        assertThat(patientInStudyRoot.run().output()).contains("DataSetDoesNotMatchSOPClass");
        QrFixture.FindResult badUid = find("-S", "QueryRetrieveLevel=STUDY", "StudyInstanceUID=1.2.abc");
        assertThat(badUid.run().output()).contains("Final Find Response (Failed: UnableToProcess)");
        // The association goes on serving: a good query afterwards works.
        assertThat(find("-S", "QueryRetrieveLevel=STUDY", "StudyInstanceUID").responses()).hasSize(2);
    }
}
