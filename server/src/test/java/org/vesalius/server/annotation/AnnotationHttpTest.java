package org.vesalius.server.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.dicomweb.http.MediaType;
import org.vesalius.dicomweb.multipart.MultipartPart;
import org.vesalius.dicomweb.multipart.MultipartReader;
import org.vesalius.dicomweb.render.OutputFormat;
import org.vesalius.dicomweb.render.RenderRequest;
import org.vesalius.dicomweb.render.Renderer;
import org.vesalius.server.VesaliusNode;
import org.vesalius.server.config.ConfigLoader;
import org.vesalius.storage.query.Query;
import org.vesalius.storage.query.QueryEngine;
import org.vesalius.storage.query.QueryLevel;
import org.vesalius.storage.query.QueryResult;

/**
 * Annotation over real HTTP against a started node: the source is stored with STOW-RS, the
 * annotated instance is fetched back with WADO-RS and its pixels checked at the circles' positions.
 */
class AnnotationHttpTest {
    private static final Path CT = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int RED = 0xFF0000;

    @TempDir
    static Path temp;
    private static VesaliusNode node;
    private static String sourceSop;
    private static String sourceStudy;

    @BeforeAll
    static void start() throws Exception {
        node = VesaliusNode.start(ConfigLoader.load(Map.of(
                "vesalius.http.port", "0",
                "vesalius.dicom.port", "0",
                "vesalius.data.dir", temp.resolve("data").toString()), null, Map.of()));
        HttpResponse<String> stored = HTTP.send(HttpRequest.newBuilder(uri("/dicomweb/studies"))
                .header("Content-Type", "application/dicom")
                .POST(HttpRequest.BodyPublishers.ofFile(CT)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stored.statusCode()).isEqualTo(200);
        AttributeList header = new AttributeList();
        header.read(CT.toFile(), TagFromName.PixelData);
        sourceSop = Attribute.getSingleStringValueOrEmptyString(header, TagFromName.SOPInstanceUID);
        sourceStudy = Attribute.getSingleStringValueOrEmptyString(header, TagFromName.StudyInstanceUID);
    }

    @AfterAll
    static void stop() throws IOException {
        node.close();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + node.httpPort() + path);
    }

    private static HttpResponse<String> annotate(String sop, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri("/api/instances/" + sop + "/annotations"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The one instance of a WADO-RS response, read whole with PixelMed (it is small). */
    private static AttributeList retrieve(String url) throws Exception {
        HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        String boundary = MediaType.parse(response.headers().firstValue("Content-Type").orElseThrow())
                .parameter("boundary").orElseThrow();
        Path file = temp.resolve("retrieved-" + System.nanoTime() + ".dcm");
        try (InputStream body = response.body()) {
            MultipartReader reader = new MultipartReader(body, boundary);
            MultipartPart part = reader.next();
            Files.copy(part.body(), file);
            assertThat(reader.next()).as("one instance").isNull();
        }
        AttributeList list = new AttributeList();
        list.read(file.toFile());
        return list;
    }

    private static int rgb(byte[] pixels, int width, int x, int y) {
        int i = (y * width + x) * 3;
        return (pixels[i] & 0xff) << 16 | (pixels[i + 1] & 0xff) << 8 | pixels[i + 2] & 0xff;
    }

    @Test
    void storesTheCirclesAsANewSecondaryCaptureInTheSameStudy() throws Exception {
        long before = node.archive().index().countInstances();
        HttpResponse<String> response = annotate(sourceSop, "{\"shape\":\"circles\",\"count\":3}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonObject json = Json.createReader(new StringReader(response.body())).readObject();
        String study = json.getString("studyInstanceUid");
        String series = json.getString("seriesInstanceUid");
        String sop = json.getString("sopInstanceUid");
        assertThat(study).isEqualTo(sourceStudy);
        assertThat(series).startsWith("2.25.");
        assertThat(sop).startsWith("2.25.").isNotEqualTo(sourceSop);
        assertThat(json.getString("url")).isEqualTo(uri("/dicomweb/studies/" + study + "/series/" + series
                + "/instances/" + sop).toString());
        assertThat(response.headers().firstValue("Location")).contains(json.getString("url"));
        assertThat(node.archive().index().countInstances()).isEqualTo(before + 1);

        AttributeList stored = retrieve(json.getString("url"));
        assertThat(Attribute.getSingleStringValueOrEmptyString(stored, TagFromName.SOPClassUID))
                .isEqualTo("1.2.840.10008.5.1.4.1.1.7");
        assertThat(Attribute.getSingleStringValueOrEmptyString(stored, TagFromName.PhotometricInterpretation)).isEqualTo("RGB");
        assertThat(Attribute.getSingleStringValueOrEmptyString(stored, TagFromName.PatientID)).isEqualTo("1CT1");
        assertThat(Attribute.getSingleStringValueOrEmptyString(stored, TagFromName.WindowCenter)).isEqualTo("128");
        assertThat(Attribute.getSingleStringValueOrEmptyString(stored, TagFromName.WindowWidth)).isEqualTo("256");
        assertThat(Attribute.getSingleStringValueOrEmptyString(stored, TagFromName.DerivationDescription)).contains("3");
        for (var sequenceTag : List.of(TagFromName.SourceImageSequence, TagFromName.ReferencedImageSequence)) {
            AttributeList item = ((SequenceAttribute) stored.get(sequenceTag)).getItem(0).getAttributeList();
            assertThat(Attribute.getSingleStringValueOrEmptyString(item, TagFromName.ReferencedSOPInstanceUID)).isEqualTo(sourceSop);
            assertThat(Attribute.getSingleStringValueOrEmptyString(item, TagFromName.ReferencedSOPClassUID))
                    .isEqualTo("1.2.840.10008.5.1.4.1.1.2");
        }

        int width = Attribute.getSingleIntegerValueOrDefault(stored, TagFromName.Columns, 0);
        int height = Attribute.getSingleIntegerValueOrDefault(stored, TagFromName.Rows, 0);
        assertThat(width).isEqualTo(128);
        assertThat(height).isEqualTo(128);
        byte[] pixels = stored.get(TagFromName.PixelData).getByteValues();
        BufferedImage source = new Renderer(Files.createDirectories(temp.resolve("direct")))
                .renderImage(CT, RenderRequest.of(OutputFormat.PNG));
        // Independent of the drawing code: spacing H/4 = 32, radius min(128, 32)/4 = 8, centres at y 32, 64, 96.
        int x = 64;
        int r = 8;
        for (int cy : new int[] {32, 64, 96}) {
            assertThat(rgb(pixels, width, x, cy - r)).as("top of the ring at y " + cy).isEqualTo(RED);
            assertThat(rgb(pixels, width, x, cy + r)).as("bottom of the ring at y " + cy).isEqualTo(RED);
            assertThat(rgb(pixels, width, x - r, cy)).as("left of the ring at y " + cy).isEqualTo(RED);
            assertThat(rgb(pixels, width, x + r, cy)).as("right of the ring at y " + cy).isEqualTo(RED);
            int gray = source.getRaster().getSample(x, cy, 0);
            assertThat(rgb(pixels, width, x, cy)).as("the centre keeps the windowed image")
                    .isEqualTo(gray << 16 | gray << 8 | gray);
        }
        for (int y : new int[] {5, 48, 80, 123}) {
            int gray = source.getRaster().getSample(x, y, 0);
            assertThat(rgb(pixels, width, x, y)).as("background between circles at y " + y)
                    .isEqualTo(gray << 16 | gray << 8 | gray);
        }

        // Found by the query engine at series level, like any other series of the study.
        List<QueryResult> found = new QueryEngine(node.archive().database()).search(Query.builder(QueryLevel.SERIES)
                .match(0x0020000E, series).returnAllKnown().limit(10).build()).results();
        assertThat(found).hasSize(1);
        assertThat(found.getFirst().value(0x00080060)).isEqualTo("OT");
        assertThat(found.getFirst().value(0x0020000D)).isEqualTo(sourceStudy);

        // The GET shows the same picture without storing it.
        HttpResponse<byte[]> shown = get("/api/instances/" + sourceSop + "/rendered?annotate=circles&count=3&format=png");
        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(shown.headers().firstValue("Content-Type")).contains("image/png");
        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(shown.body()));
        for (int y = 0; y < height; y++) {
            for (int column = 0; column < width; column++) {
                assertThat(picture.getRGB(column, y) & 0xFFFFFF).as("pixel " + column + "," + y)
                        .isEqualTo(rgb(pixels, width, column, y));
            }
        }
        assertThat(node.archive().index().countInstances()).isEqualTo(before + 1);
    }

    @Test
    void renderedWithoutAnnotationIsThePlainPicture() throws Exception {
        HttpResponse<byte[]> plain = get("/api/instances/" + sourceSop + "/rendered?format=png");
        assertThat(plain.statusCode()).isEqualTo(200);
        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(plain.body()));
        assertThat(picture.getRGB(64, 24) & 0xFFFFFF).as("no ring").isNotEqualTo(RED);
        assertThat(get("/api/instances/" + sourceSop + "/rendered").headers().firstValue("Content-Type"))
                .contains("image/jpeg");
    }

    @Test
    void badRequestsAreRefusedAndStoreNothing() throws Exception {
        long before = node.archive().index().countInstances();
        for (String body : List.of("{\"shape\":\"circles\",\"count\":0}", "{\"shape\":\"circles\",\"count\":1000}",
                "{\"shape\":\"circles\",\"count\":-1}", "{\"shape\":\"squares\",\"count\":3}",
                "{\"shape\":\"circles\",\"count\":\"3\"}", "{\"shape\":\"circles\",\"count\":2.5}",
                "{\"shape\":\"circles\"}", "{\"count\":3}", "[1,2]", "not json",
                "{\"shape\":\"circles\",\"count\":50}")) {
            HttpResponse<String> response = annotate(sourceSop, body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(response.body()).as(body).contains("\"error\"");
        }
        HttpResponse<String> unknown = annotate("1.2.3.4.5.6", "{\"shape\":\"circles\",\"count\":3}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("1.2.3.4.5.6");
        assertThat(annotate("1.2.abc", "{\"shape\":\"circles\",\"count\":3}").statusCode()).isEqualTo(400);

        for (String query : List.of("annotate=squares&count=3", "annotate=circles&count=0", "annotate=circles&count=x",
                "annotate=circles&count=1000", "format=tiff", "frame=0", "window=1")) {
            assertThat(get("/api/instances/" + sourceSop + "/rendered?" + query).statusCode()).as(query).isEqualTo(400);
        }
        assertThat(get("/api/instances/1.2.3.4.5.6/rendered").statusCode()).isEqualTo(404);
        assertThat(get("/api/instances/" + sourceSop + "/rendered?frame=2").statusCode()).isEqualTo(404);
        assertThat(node.archive().index().countInstances()).isEqualTo(before);
        assertThat(annotate(sourceSop, "{\"shape\":\"circles\",\"count\":50}").body()).contains("do not fit");
    }
}
