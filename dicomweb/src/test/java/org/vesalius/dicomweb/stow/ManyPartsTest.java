package org.vesalius.dicomweb.stow;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.dicomweb.testing.DicomWebServer;
import org.vesalius.dicomweb.testing.Http;
import org.vesalius.dicomweb.testing.MultipartBody;
import org.vesalius.dicomweb.testing.StowJson;
import org.vesalius.storage.testing.SampleDicom;

/**
 * Requests of more parts than one ingest batch ({@link PartBatches#MAX_PARTS}): every part is
 * answered in its place, refused parts alone, and a body that breaks off keeps the whole parts
 * before the break.
 */
class ManyPartsTest {
    private static final String MULTIPART = "multipart/related; type=\"application/dicom\"; boundary=b";

    @TempDir
    Path root;

    @Test
    void partsOfSeveralBatchesAreStoredAndRefusedInTheirPlaces() throws Exception {
        int count = 2 * PartBatches.MAX_PARTS + 5;
        List<SampleDicom.Instance> images = SampleDicom.generate(root.resolve("in"), count, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN);
        Path garbage = SampleDicom.writeGarbageDataSet(root.resolve("garbage.dcm"), 5000).file();
        MultipartBody body = new MultipartBody("b");
        for (int i = 0; i < count; i++) {
            if (i == 10) {
                body.part("{}".getBytes(StandardCharsets.US_ASCII), "Content-Type: application/dicom+json");
            }
            if (i == PartBatches.MAX_PARTS + 3) {
                body.part(garbage);
            }
            body.part(images.get(i).file());
        }
        try (DicomWebServer server = new DicomWebServer(root.resolve("server"))) {
            HttpResponse<String> response = Http.post(URI.create(server.base() + "/studies"), MULTIPART,
                    body.close(""), null);

            assertThat(response.statusCode()).isEqualTo(202);
            StowJson json = new StowJson(response.body());
            assertThat(json.referencedSopInstances())
                    .containsExactlyElementsOf(images.stream().map(SampleDicom.Instance::sopInstanceUid).toList());
            assertThat(json.failureReasons()).containsExactly(0xC000, 0xC000);
            assertThat(server.index().countInstances()).isEqualTo(count);
            try (var files = Files.list(server.tempDir())) {
                assertThat(files).as("spool files are deleted").isEmpty();
            }
        }
    }

    @Test
    void aBodyBrokenOffKeepsTheWholePartsBeforeTheBreak() throws Exception {
        int whole = PartBatches.MAX_PARTS + 3;
        List<SampleDicom.Instance> images = SampleDicom.generate(root.resolve("in"), whole + 1,
                SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN);
        MultipartBody body = new MultipartBody("b");
        images.forEach(image -> body.part(image.file()));
        byte[] complete = body.truncated();
        byte[] broken = java.util.Arrays.copyOf(complete, complete.length - 1000); // the last part cut short
        try (DicomWebServer server = new DicomWebServer(root.resolve("server"))) {
            HttpResponse<String> response = Http.post(URI.create(server.base() + "/studies"), MULTIPART, broken, null);

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).contains(whole + " instance(s) before it were stored");
            assertThat(server.index().countInstances()).isEqualTo(whole);
            assertThat(server.index().findInstance(images.getLast().sopInstanceUid())).isEmpty();
        }
    }
}
