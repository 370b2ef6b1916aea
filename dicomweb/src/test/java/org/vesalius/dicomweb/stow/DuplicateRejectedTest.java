package org.vesalius.dicomweb.stow;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.dicomweb.testing.DicomWebServer;
import org.vesalius.dicomweb.testing.Http;
import org.vesalius.dicomweb.testing.MultipartBody;
import org.vesalius.dicomweb.testing.StowJson;
import org.vesalius.storage.ingest.DuplicatePolicy;
import org.vesalius.storage.ingest.IngestSettings;
import org.vesalius.storage.testing.SampleDicom;

/** With the REJECT duplicate policy, other bytes under a stored SOP Instance UID fail with 0111. */
class DuplicateRejectedTest {
    @TempDir
    Path root;

    @Test
    void otherBytesUnderAStoredUidFailWith0111AndTheSameBytesSucceed() throws Exception {
        String study = SampleDicom.newUid();
        String series = SampleDicom.newUid();
        String sop = SampleDicom.newUid();
        Path original = SampleDicom.writeImage(root.resolve("a.dcm"), study, series, sop, 1,
                SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).file();
        Path changed = SampleDicom.writeImage(root.resolve("b.dcm"), study, series, sop, 2,
                SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).file();
        try (DicomWebServer server = new DicomWebServer(root.resolve("server"),
                new IngestSettings(DuplicatePolicy.REJECT, 1L << 30))) {
            URI studies = URI.create(server.base() + "/studies");
            assertThat(Http.post(studies, "application/dicom", Files.readAllBytes(original), null).statusCode()).isEqualTo(200);

            byte[] body = new MultipartBody("b").part(original).part(changed).close("");
            HttpResponse<String> response = Http.post(studies, "multipart/related; type=\"application/dicom\"; boundary=b",
                    body, null);

            assertThat(response.statusCode()).isEqualTo(202);
            StowJson json = new StowJson(response.body());
            assertThat(json.referencedSopInstances()).containsExactly(sop);
            assertThat(json.failedSopInstances()).containsExactly(sop);
            assertThat(json.failureReasons()).containsExactly(0x0111);
        }
    }
}
