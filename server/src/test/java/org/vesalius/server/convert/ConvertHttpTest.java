package org.vesalius.server.convert;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.dicomweb.render.OutputFormat;
import org.vesalius.dicomweb.render.RenderRequest;
import org.vesalius.dicomweb.render.Renderer;
import org.vesalius.server.VesaliusNode;
import org.vesalius.server.config.ConfigLoader;
import org.vesalius.storage.testing.SampleDicom;

/** {@code POST /api/convert} over real HTTP against a started node. */
class ConvertHttpTest {
    private static final Path PYDICOM = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Small enough that a generated oversize body stays small. */
    private static final long MAX_BYTES = 2_000_000;

    @TempDir
    static Path temp;
    private static VesaliusNode node;

    @BeforeAll
    static void start() throws IOException {
        node = VesaliusNode.start(ConfigLoader.load(Map.of(
                "vesalius.http.port", "0",
                "vesalius.dicom.port", "0",
                "vesalius.data.dir", temp.resolve("data").toString(),
                "vesalius.ingest.maxbytes", String.valueOf(MAX_BYTES)), null, Map.of()));
    }

    @AfterAll
    static void stop() throws IOException {
        node.close();
    }

    private static HttpResponse<byte[]> convert(String query, byte[] body, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + node.httpPort() + "/api/convert" + query))
                .header("Content-Type", "application/dicom")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static BufferedImage direct(Path file, RenderRequest request) throws Exception {
        Path dir = Files.createDirectories(temp.resolve("direct"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Renderer(dir).render(file, request, out);
        return ImageIO.read(new ByteArrayInputStream(out.toByteArray()));
    }

    @Test
    void convertsWithoutStoring() throws Exception {
        Path ct = PYDICOM.resolve("CT_small.dcm");
        byte[] body = Files.readAllBytes(ct);

        HttpResponse<byte[]> png = convert("?format=png", body, null);
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.headers().firstValue("Content-Type")).contains("image/png");
        assertThat(pixels(ImageIO.read(new ByteArrayInputStream(png.body()))))
                .isEqualTo(pixels(direct(ct, RenderRequest.of(OutputFormat.PNG))));

        HttpResponse<byte[]> jpeg = convert("", body, "image/*");
        assertThat(jpeg.headers().firstValue("Content-Type")).contains("image/jpeg");
        assertThat(ImageIO.read(new ByteArrayInputStream(jpeg.body())).getWidth()).isEqualTo(128);
        assertThat(convert("?quality=5", body, null).body().length).isLessThan(jpeg.body().length);

        assertThat(node.archive().index().countInstances()).as("convert stores nothing").isZero();
        try (var left = Files.list(temp.resolve("data").resolve("tmp").resolve("convert"))) {
            assertThat(left).as("spool files are deleted").isEmpty();
        }
    }

    @Test
    void jsonCarriesTheImageAndTheMainHeaderFields() throws Exception {
        Path ct = PYDICOM.resolve("CT_small.dcm");
        HttpResponse<byte[]> response = convert("?format=png&window=40,400", Files.readAllBytes(ct),
                "application/json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        JsonObject json = Json.createReader(new StringReader(new String(response.body(), StandardCharsets.UTF_8)))
                .readObject();
        assertThat(json.getString("contentType")).isEqualTo("image/png");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(json.getString("image"))));
        assertThat(pixels(image)).isEqualTo(pixels(direct(ct, RenderRequest.of(OutputFormat.PNG)
                .withWindow(org.vesalius.dicomweb.render.Window.parse("40,400")))));
        JsonObject attributes = json.getJsonObject("attributes");
        assertThat(attributes.getString("PatientID")).isEqualTo("1CT1");
        assertThat(attributes.getString("PatientName")).isEqualTo("CompressedSamples^CT1");
        assertThat(attributes.getString("Modality")).isEqualTo("CT");
        assertThat(attributes.getInt("Rows")).isEqualTo(128);
        assertThat(attributes.getInt("Columns")).isEqualTo(128);
        assertThat(attributes.getString("SOPInstanceUID")).startsWith("1.3.6.1.4.1.5962");
        assertThat(attributes.containsKey("StudyInstanceUID")).isTrue();
        assertThat(attributes.containsKey("SeriesInstanceUID")).isTrue();

        // Picture preferred over JSON by weight.
        HttpResponse<byte[]> picture = convert("", Files.readAllBytes(ct), "application/json;q=0.2, image/jpeg");
        assertThat(picture.headers().firstValue("Content-Type")).contains("image/jpeg");
    }

    @Test
    void badBodiesAndParametersAreRefusedWithAReason() throws Exception {
        byte[] ct = Files.readAllBytes(PYDICOM.resolve("CT_small.dcm"));

        HttpResponse<byte[]> text = convert("", "this is not DICOM at all, not even close".getBytes(StandardCharsets.US_ASCII), null);
        assertThat(text.statusCode()).isEqualTo(400);
        assertThat(text.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(new String(text.body(), StandardCharsets.UTF_8)).contains("not a complete DICOM Part 10 file");

        Path truncated = SampleDicom.truncatedCopy(PYDICOM.resolve("CT_small.dcm"), temp.resolve("cut.dcm"), 0.7);
        HttpResponse<byte[]> cut = convert("", Files.readAllBytes(truncated), null);
        assertThat(cut.statusCode()).isEqualTo(400);
        assertThat(new String(cut.body(), StandardCharsets.UTF_8)).contains("not a complete DICOM Part 10 file");

        assertThat(convert("", new byte[0], null).statusCode()).isEqualTo(400);
        assertThat(convert("?format=bmp", ct, null).statusCode()).isEqualTo(400);
        assertThat(convert("?quality=0", ct, null).statusCode()).isEqualTo(400);
        assertThat(convert("?frame=2", ct, null).statusCode()).isEqualTo(404);
        assertThat(convert("?frame=0", ct, null).statusCode()).isEqualTo(400);
        assertThat(convert("?window=1", ct, null).statusCode()).isEqualTo(400);
        assertThat(convert("", ct, "text/html").statusCode()).isEqualTo(406);
        assertThat(convert("", Files.readAllBytes(PYDICOM.resolve("test-SR.dcm")), null).statusCode()).isEqualTo(406);
        assertThat(convert("", Files.readAllBytes(PYDICOM.resolve("image_dfl.dcm")), null).statusCode()).isEqualTo(501);

        byte[] oversize = new byte[(int) MAX_BYTES + 1];
        HttpResponse<byte[]> tooLarge = convert("", oversize, null);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(new String(tooLarge.body(), StandardCharsets.UTF_8)).contains(String.valueOf(MAX_BYTES));

        // The node is unharmed.
        assertThat(convert("?format=png", ct, null).statusCode()).isEqualTo(200);
    }
}
