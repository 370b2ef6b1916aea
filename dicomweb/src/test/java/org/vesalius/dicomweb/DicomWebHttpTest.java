package org.vesalius.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.dicomweb.testing.DicomWebServer;
import org.vesalius.dicomweb.testing.Http;
import org.vesalius.dicomweb.testing.Http.ReceivedPart;
import org.vesalius.dicomweb.testing.MultipartBody;
import org.vesalius.dicomweb.testing.StowJson;
import org.vesalius.storage.testing.SampleDicom;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/**
 * STOW-RS and WADO-RS over real HTTP against a real archive: every request goes through the web
 * server, the multipart code, the ingest path, the H2 index and the folder blob store.
 */
class DicomWebHttpTest {
    private static final String DICOM_MULTIPART = "multipart/related; type=\"application/dicom\"; boundary=";
    private static final String EXPLICIT_LE = SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN;

    @TempDir
    static Path root;
    private static DicomWebServer server;

    @BeforeAll
    static void start() throws IOException {
        server = new DicomWebServer(root.resolve("server"));
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
    }

    private static URI uri(String path) {
        return URI.create(server.base() + path);
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Http.sha256(in);
        }
    }

    @Test
    void storesSeveralInstancesAndRetrievesThemBitExact() throws Exception {
        List<SampleDicom.Instance> images = SampleDicom.generate(root.resolve("several"), 3, EXPLICIT_LE);
        String study = images.getFirst().studyInstanceUid();
        String series = images.getFirst().seriesInstanceUid();
        // Quoted boundary with characters that need the quotes, a preamble, an epilogue, and a part without headers.
        String boundary = "a boundary:with/odd=chars";
        byte[] body = new MultipartBody(boundary)
                .preamble("preamble text, to be ignored\r\n")
                .part(images.get(0).file(), "Content-Type: application/dicom")
                .part(images.get(1).file())
                .part(images.get(2).file(), "content-type: Application/DICOM", "Content-Description: third")
                .close("\r\nepilogue, to be ignored\r\n");

        HttpResponse<String> response = Http.post(uri("/studies"), "multipart/related; type=\"application/dicom\"; "
                + "boundary=\"" + boundary + "\"", body, null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/dicom+json");
        StowJson json = new StowJson(response.body());
        assertThat(json.referencedSopInstances()).containsExactly(images.stream().map(SampleDicom.Instance::sopInstanceUid).toArray(String[]::new));
        assertThat(json.failureReasons()).isEmpty();
        assertThat(json.studyRetrieveUrl()).isEqualTo(server.base() + "/studies/" + study);
        assertThat(json.referencedRetrieveUrls().getFirst())
                .isEqualTo(server.base() + "/studies/" + study + "/series/" + series + "/instances/" + images.get(0).sopInstanceUid());
        assertThat(server.index().findInstance(images.get(2).sopInstanceUid())).isPresent();
        try (var files = Files.list(server.tempDir())) {
            assertThat(files).as("spool files are deleted").isEmpty();
        }

        // The study, the series and one instance come back with the same bytes.
        for (String path : List.of("/studies/" + study, "/studies/" + study + "/series/" + series)) {
            HttpResponse<InputStream> retrieved = Http.get(uri(path), null);
            assertThat(retrieved.statusCode()).isEqualTo(200);
            assertThat(retrieved.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("multipart/related; type=\"application/dicom\"; boundary=");
            List<ReceivedPart> parts = Http.readParts(retrieved);
            assertThat(parts).extracting(ReceivedPart::sha256)
                    .containsExactlyInAnyOrder(sha256(images.get(0).file()), sha256(images.get(1).file()), sha256(images.get(2).file()));
            assertThat(parts).extracting(ReceivedPart::contentType)
                    .containsOnly("application/dicom; transfer-syntax=" + EXPLICIT_LE);
        }
        SampleDicom.Instance second = images.get(1);
        HttpResponse<InputStream> one = Http.get(uri("/studies/" + study + "/series/" + series + "/instances/"
                + second.sopInstanceUid()), "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
        assertThat(one.statusCode()).isEqualTo(200);
        List<ReceivedPart> parts = Http.readParts(one);
        assertThat(parts).hasSize(1);
        assertThat(parts.getFirst().sha256()).isEqualTo(sha256(second.file()));
        assertThat(parts.getFirst().size()).isEqualTo(Files.size(second.file()));
        assertThat(parts.getFirst().contentLocation()).endsWith("/instances/" + second.sopInstanceUid());
    }

    @Test
    void unquotedBoundaryAndSinglePartApplicationDicom() throws Exception {
        List<SampleDicom.Instance> images = SampleDicom.generate(root.resolve("single"), 2, EXPLICIT_LE);
        byte[] body = new MultipartBody("simple123").part(images.get(0).file(), "Content-Type: application/dicom").close("");
        HttpResponse<String> multipart = Http.post(uri("/studies"), DICOM_MULTIPART + "simple123", body, "application/dicom+json");
        assertThat(multipart.statusCode()).isEqualTo(200);

        HttpResponse<String> single = Http.post(uri("/studies/" + images.get(1).studyInstanceUid()), "application/dicom",
                Files.readAllBytes(images.get(1).file()), null);
        assertThat(single.statusCode()).isEqualTo(200);
        assertThat(new StowJson(single.body()).referencedSopInstances()).containsExactly(images.get(1).sopInstanceUid());
    }

    @Test
    void anInstanceOfAnotherStudyFailsAlone() throws Exception {
        List<SampleDicom.Instance> mine = SampleDicom.generate(root.resolve("mine"), 1, EXPLICIT_LE);
        List<SampleDicom.Instance> other = SampleDicom.generate(root.resolve("other"), 1, EXPLICIT_LE);
        byte[] body = new MultipartBody("b").part(mine.getFirst().file()).part(other.getFirst().file()).close("");

        HttpResponse<String> response = Http.post(uri("/studies/" + mine.getFirst().studyInstanceUid()),
                DICOM_MULTIPART + "b", body, null);

        assertThat(response.statusCode()).isEqualTo(202);
        StowJson json = new StowJson(response.body());
        assertThat(json.referencedSopInstances()).containsExactly(mine.getFirst().sopInstanceUid());
        assertThat(json.failedSopInstances()).containsExactly(other.getFirst().sopInstanceUid());
        assertThat(json.failureReasons()).containsExactly(0xA900);
        assertThat(server.index().findInstance(other.getFirst().sopInstanceUid())).isEmpty();
    }

    @Test
    void noneStoredIs409WithAReasonPerPart() throws Exception {
        Path garbage = SampleDicom.writeGarbageDataSet(root.resolve("garbage.dcm"), 5000).file();
        Path truncated = SampleDicom.truncatedCopy(SampleDicom.generate(root.resolve("cut"), 1, EXPLICIT_LE).getFirst().file(),
                root.resolve("truncated.dcm"), 0.6);
        byte[] body = new MultipartBody("b")
                .part(garbage)
                .part("not DICOM at all".getBytes(StandardCharsets.US_ASCII), "Content-Type: application/dicom")
                .part(truncated)
                .part("{}".getBytes(StandardCharsets.US_ASCII), "Content-Type: application/dicom+json")
                .close("");

        HttpResponse<String> response = Http.post(uri("/studies"), DICOM_MULTIPART + "b", body, null);

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(new StowJson(response.body()).failureReasons()).containsExactly(0xC000, 0xC000, 0xC000, 0xC000);
        assertThat(new StowJson(response.body()).referencedSopInstances()).isEmpty();
    }

    @Test
    void xmlResponseWhenAsked() throws Exception {
        SampleDicom.Instance image = SampleDicom.generate(root.resolve("xml"), 1, EXPLICIT_LE).getFirst();
        byte[] body = new MultipartBody("b").part(image.file()).close("");

        HttpResponse<String> response = Http.post(uri("/studies"), DICOM_MULTIPART + "b", body,
                "application/dicom+json;q=0.5, application/dicom+xml");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/dicom+xml");
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(response.body())));
        assertThat(xml.getDocumentElement().getTagName()).isEqualTo("NativeDicomModel");
        assertThat(response.body()).contains("<DicomAttribute tag=\"00081199\" vr=\"SQ\" keyword=\"ReferencedSOPSequence\"><Item number=\"1\">")
                .contains("<Value number=\"1\">" + image.sopInstanceUid() + "</Value>");
    }

    @Test
    void malformedRequestsAreRefusedWithTheirStatus() throws Exception {
        SampleDicom.Instance image = SampleDicom.generate(root.resolve("malformed"), 1, EXPLICIT_LE).getFirst();
        byte[] truncated = new MultipartBody("b").part(image.file()).truncated();
        HttpResponse<String> cut = Http.post(uri("/studies"), DICOM_MULTIPART + "b", truncated, null);
        assertThat(cut.statusCode()).isEqualTo(400);
        assertThat(cut.body()).contains("malformed multipart body").contains("before the closing '--b--'");
        assertThat(server.index().findInstance(image.sopInstanceUid())).as("a truncated part is not stored").isEmpty();

        byte[] complete = new MultipartBody("b").part(image.file()).close("");
        assertThat(Http.post(uri("/studies"), DICOM_MULTIPART + "other", complete, null).statusCode()).isEqualTo(400);
        assertThat(Http.post(uri("/studies"), "multipart/related; type=\"application/dicom\"", complete, null).statusCode())
                .isEqualTo(400);
        assertThat(Http.post(uri("/studies"), "multipart/related; type=\"application/dicom\"; boundary=b", "--b--".getBytes(
                StandardCharsets.US_ASCII), null).statusCode()).isEqualTo(400);
        assertThat(Http.post(uri("/studies/1.2.abc"), DICOM_MULTIPART + "b", complete, null).statusCode()).isEqualTo(400);

        HttpResponse<String> wrongType = Http.post(uri("/studies"), "application/json", complete, null);
        assertThat(wrongType.statusCode()).isEqualTo(415);
        assertThat(wrongType.body()).contains("STOW-RS takes multipart/related");
        assertThat(Http.post(uri("/studies"), "multipart/related; type=\"application/dicom+json\"; boundary=b", complete, null)
                .statusCode()).isEqualTo(415);
        assertThat(Http.post(uri("/studies"), DICOM_MULTIPART + "b", complete, "text/html").statusCode()).isEqualTo(406);
        assertThat(server.index().findInstance(image.sopInstanceUid())).as("refused requests store nothing").isEmpty();
    }

    @Test
    void retrieveRefusals() throws Exception {
        SampleDicom.Instance image = SampleDicom.generate(root.resolve("refusals"), 1, EXPLICIT_LE).getFirst();
        String study = image.studyInstanceUid();
        String series = image.seriesInstanceUid();
        assertThat(Http.post(uri("/studies"), "application/dicom", Files.readAllBytes(image.file()), null).statusCode())
                .isEqualTo(200);

        assertThat(Http.get(uri("/studies/1.2.3.999"), null).statusCode()).isEqualTo(404);
        assertThat(Http.get(uri("/studies/" + study + "/series/1.2.3.999"), null).statusCode()).isEqualTo(404);
        assertThat(Http.get(uri("/studies/" + study + "/series/" + series + "/instances/1.2.3.999"), null).statusCode())
                .isEqualTo(404);
        assertThat(Http.get(uri("/studies/1.2.3.999/series/" + series + "/instances/" + image.sopInstanceUid()), null)
                .statusCode()).as("instance under another study").isEqualTo(404);

        assertThat(Http.get(uri("/studies/1.2.x"), null).statusCode()).isEqualTo(400);
        assertThat(Http.get(uri("/studies/" + study + "/series/01..2"), null).statusCode()).isEqualTo(400);
        assertThat(Http.get(uri("/studies/" + study + "/series/" + series + "/instances/" + "1".repeat(65)), null)
                .statusCode()).isEqualTo(400);

        assertThat(Http.get(uri("/studies/" + study), "image/jpeg").statusCode()).isEqualTo(406);
        assertThat(Http.get(uri("/studies/" + study), "multipart/related; type=\"application/dicom\"; transfer-syntax="
                + SampleDicom.JPEG_BASELINE).statusCode()).isEqualTo(406);
        assertThat(Http.get(uri("/studies/" + study), "multipart/related; type=\"application/dicom\"; transfer-syntax="
                + EXPLICIT_LE).statusCode()).isEqualTo(200);
        assertThat(Http.get(uri("/studies/" + study), "multipart/related; type=\"application/dicom\"; transfer-syntax="
                + SampleDicom.JPEG_BASELINE + ", multipart/related; type=\"application/dicom\"; q=0.5").statusCode())
                .isEqualTo(200);
    }

    @Test
    void compressedObjectsAreServedAsStoredOrTranscodedAndVideoOnlyAsStored() throws Exception {
        SampleDicom.Instance jpeg = SampleDicom.generate(root.resolve("jpeg"), 1, SampleDicom.JPEG_BASELINE).getFirst();
        assertThat(Http.post(uri("/studies"), "application/dicom", Files.readAllBytes(jpeg.file()), null).statusCode())
                .isEqualTo(200);
        String path = "/studies/" + jpeg.studyInstanceUid();

        HttpResponse<InputStream> asStored = Http.get(uri(path), "multipart/related; type=\"application/dicom\"; "
                + "transfer-syntax=" + SampleDicom.JPEG_BASELINE);
        assertThat(asStored.statusCode()).isEqualTo(200);
        List<ReceivedPart> parts = Http.readParts(asStored);
        assertThat(parts.getFirst().contentType()).isEqualTo("application/dicom; transfer-syntax=" + SampleDicom.JPEG_BASELINE);
        assertThat(parts.getFirst().sha256()).isEqualTo(sha256(jpeg.file()));

        HttpResponse<InputStream> transcoded = Http.get(uri(path), "multipart/related; type=\"application/dicom\"; "
                + "transfer-syntax=" + EXPLICIT_LE);
        assertThat(transcoded.statusCode()).isEqualTo(200);
        assertThat(Http.readParts(transcoded).getFirst().contentType())
                .isEqualTo("application/dicom; transfer-syntax=" + EXPLICIT_LE);

        // Video cannot be decompressed here: served as stored only.
        SampleDicom.Instance video = SampleDicom.generate(root.resolve("video"), 1, SampleDicom.MPEG2_MAIN_LEVEL).getFirst();
        assertThat(Http.post(uri("/studies"), "application/dicom", Files.readAllBytes(video.file()), null).statusCode())
                .isEqualTo(200);
        HttpResponse<InputStream> refused = Http.get(uri("/studies/" + video.studyInstanceUid()),
                "multipart/related; type=\"application/dicom\"; transfer-syntax=" + EXPLICIT_LE);
        assertThat(refused.statusCode()).isEqualTo(406);
    }
}
