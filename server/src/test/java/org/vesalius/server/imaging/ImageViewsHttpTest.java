package org.vesalius.server.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntBinaryOperator;
import java.util.zip.GZIPOutputStream;
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

/**
 * {@code GET /api/images/{id}/attributes} and {@code /rendered} over real HTTP against a started
 * node: a pydicom CT and NIfTI volumes written here with known voxel values, uploaded through
 * {@code POST /api/subjects/{s}/images}.
 */
class ImageViewsHttpTest {
    private static final Path CT = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** NIfTI datatype codes. */
    private static final int UINT8 = 2;
    private static final int INT16 = 4;
    private static final int FLOAT32 = 16;
    private static final int FLOAT64 = 64;
    private static final int UINT16 = 512;
    private static final int INT32 = 8;
    /** The test volume: 5 x 4 x 3, voxel (i, j, k) holds i + 10 j + 100 k (before scl_slope/scl_inter). */
    private static final int NX = 5;
    private static final int NY = 4;
    private static final int NZ = 3;

    @TempDir
    static Path temp;
    private static VesaliusNode node;
    private static String ctId;

    @BeforeAll
    static void start() throws Exception {
        node = VesaliusNode.start(ConfigLoader.load(Map.of(
                "vesalius.http.port", "0",
                "vesalius.dicom.port", "0",
                "vesalius.data.dir", temp.resolve("data").toString()), null, Map.of()));
        ctId = upload(Files.readAllBytes(CT), "application/dicom");
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    @Test
    void attributesAnswerTheAskedTagsAsDicomJson() throws Exception {
        AttributeList header = new AttributeList();
        header.read(CT.toFile(), TagFromName.PixelData);
        String patientName = Attribute.getSingleStringValueOrNull(header, TagFromName.PatientName);
        String patientId = Attribute.getSingleStringValueOrNull(header, TagFromName.PatientID);

        for (String form : new String[] {"(0010,0010)", "00100010", "0010,0010", "PatientName"}) {
            HttpResponse<String> response = get("/api/images/" + ctId + "/attributes?tag=" + encode(form));
            assertThat(response.statusCode()).as(form).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/dicom+json");
            JsonObject json = json(response.body());
            assertThat(json.keySet()).containsExactly("00100010");
            assertThat(json.getJsonObject("00100010").getString("vr")).isEqualTo("PN");
            assertThat(json.getJsonObject("00100010").getJsonArray("Value").getJsonObject(0).getString("Alphabetic"))
                    .isEqualTo(patientName);
        }

        JsonObject two = json(get("/api/images/" + ctId + "/attributes?tag=PatientName&tag=(0010,0020)").body());
        assertThat(two.keySet()).containsExactly("00100010", "00100020");
        assertThat(two.getJsonObject("00100020").getJsonArray("Value").getString(0)).isEqualTo(patientId);

        JsonObject all = json(get("/api/images/" + ctId + "/attributes").body());
        assertThat(all.keySet()).contains("00080018", "00100010", "00280010").doesNotContain("7FE00010");
        assertThat(all.getJsonObject("00280010").getJsonArray("Value").getInt(0))
                .isEqualTo(Attribute.getSingleIntegerValueOrDefault(header, TagFromName.Rows, -1));

        JsonObject pixels = json(get("/api/images/" + ctId + "/attributes?tag=PixelData").body());
        String bulk = pixels.getJsonObject("7FE00010").getString("BulkDataURI");
        assertThat(bulk).startsWith("/dicomweb/studies/").endsWith("/bulkdata/7FE00010");
        assertThat(HTTP.send(HttpRequest.newBuilder(uri(bulk)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()).isEqualTo(200);
    }

    @Test
    void attributesRefuseMissingAndInvalidTags() throws Exception {
        HttpResponse<String> missing = get("/api/images/" + ctId + "/attributes?tag=PatientName&tag=(0040,A730)");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(error(missing)).contains("(0040,A730)").contains("ContentSequence");

        for (String bad : new String[] {"NoSuchKeyword", "(0010,001)", "0010001G", "(00100010", "", "Patient Name"}) {
            HttpResponse<String> response = get("/api/images/" + ctId + "/attributes?tag=" + encode(bad));
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(error(response)).contains("invalid tag");
        }
        assertThat(get("/api/images/AAAAAAAAAAAAAAAAAAAAAA/attributes").statusCode()).isEqualTo(404);

        String nifti = upload(nifti1(INT16, 1, 0, false, ByteOrder.LITTLE_ENDIAN), "application/octet-stream");
        HttpResponse<String> niftiAttributes = get("/api/images/" + nifti + "/attributes?tag=PatientName");
        assertThat(niftiAttributes.statusCode()).isEqualTo(409);
        assertThat(error(niftiAttributes)).contains("NIfTI");
    }

    @Test
    void aDicomImageRendersLikeTheEngine() throws Exception {
        HttpResponse<byte[]> png = getBytes("/api/images/" + ctId + "/rendered?format=png&window=40,400");
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.headers().firstValue("Content-Type")).hasValue("image/png");
        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        new Renderer(Files.createDirectories(temp.resolve("direct"))).render(CT,
                RenderRequest.of(OutputFormat.PNG).withWindow(org.vesalius.dicomweb.render.Window.parse("40,400")),
                direct);
        assertThat(pixels(read(png.body()))).isEqualTo(pixels(read(direct.toByteArray())));

        HttpResponse<byte[]> jpeg = getBytes("/api/images/" + ctId + "/rendered?format=jpeg&quality=50");
        assertThat(jpeg.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(read(jpeg.body()).getWidth()).isEqualTo(128);

        assertThat(getBytes("/api/images/" + ctId + "/rendered?frame=2").statusCode()).isEqualTo(404);
        assertThat(getBytes("/api/images/" + ctId + "/rendered?format=bmp").statusCode()).isEqualTo(400);
        assertThat(getBytes("/api/images/" + ctId + "/rendered?quality=101").statusCode()).isEqualTo(400);
        assertThat(getBytes("/api/images/" + ctId + "/rendered?window=40").statusCode()).isEqualTo(400);
        assertThat(getBytes("/api/images/" + ctId + "/rendered?slice=1").statusCode()).isEqualTo(400);
        assertThat(getBytes("/api/images/AAAAAAAAAAAAAAAAAAAAAA/rendered").statusCode()).isEqualTo(404);
    }

    @Test
    void niftiSlicesMapTheScaledValuesToGrey() throws Exception {
        // int16 with scl_slope 2, scl_inter -5; the window is in scaled values, so it only lands
        // where the test expects when the scaling was applied.
        String id = upload(nifti1(INT16, 2, -5, false, ByteOrder.LITTLE_ENDIAN), "application/octet-stream");
        BufferedImage middle = png("/api/images/" + id + "/rendered?format=png&window=0,1000");
        assertThat(middle.getWidth()).isEqualTo(NX);
        assertThat(middle.getHeight()).isEqualTo(NY);
        for (int j = 0; j < NY; j++) {
            for (int i = 0; i < NX; i++) {
                double scaled = 2 * value(i, j, NZ / 2) - 5;
                int expected = (int) Math.round(Math.clamp((scaled + 500) / 1000, 0, 1) * 255);
                assertThat(grey(middle, i, NY - 1 - j)).as("(%d,%d)", i, j).isEqualTo(expected);
            }
        }
        // Without a window: the slice's own min (black) and max (white).
        assertSlice(png("/api/images/" + id + "/rendered?format=png&axis=axial&slice=2"), NX, NY,
                (u, v) -> value(u, v, 2));
        assertSlice(png("/api/images/" + id + "/rendered?format=png&axis=coronal&slice=1"), NX, NZ,
                (u, v) -> value(u, 1, v));
        assertSlice(png("/api/images/" + id + "/rendered?format=png&axis=sagittal&slice=3"), NY, NZ,
                (u, v) -> value(3, u, v));
        assertThat(getBytes("/api/images/" + id + "/rendered?format=jpeg").headers().firstValue("Content-Type"))
                .hasValue("image/jpeg");
    }

    @Test
    void everyDatatypeGzipAndByteOrderRender() throws Exception {
        for (int datatype : new int[] {UINT8, INT16, UINT16, INT32, FLOAT32, FLOAT64}) {
            for (boolean gzip : new boolean[] {false, true}) {
                for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                    String id = upload(nifti1(datatype, 1, 0, gzip, order), "application/octet-stream");
                    String what = "datatype " + datatype + (gzip ? " gz " : " ") + order;
                    assertSlice(png("/api/images/" + id + "/rendered?format=png&axis=sagittal&slice=4"), NY, NZ,
                            (u, v) -> value(4, u, v), what);
                    assertSlice(png("/api/images/" + id + "/rendered?format=png&slice=0"), NX, NY,
                            (u, v) -> value(u, v, 0), what);
                }
            }
        }
    }

    @Test
    void badNiftiParametersAreRefused() throws Exception {
        String id = upload(nifti1(INT16, 1, 0, true, ByteOrder.LITTLE_ENDIAN), "application/octet-stream");
        assertThat(getBytes("/api/images/" + id + "/rendered?slice=3").statusCode()).isEqualTo(404);
        assertThat(getBytes("/api/images/" + id + "/rendered?axis=sagittal&slice=5").statusCode()).isEqualTo(404);
        assertThat(getBytes("/api/images/" + id + "/rendered?frame=2").statusCode()).isEqualTo(404);
        assertThat(getBytes("/api/images/" + id + "/rendered?slice=-1").statusCode()).isEqualTo(400);
        assertThat(getBytes("/api/images/" + id + "/rendered?slice=x").statusCode()).isEqualTo(400);
        assertThat(getBytes("/api/images/" + id + "/rendered?axis=oblique").statusCode()).isEqualTo(400);
        assertThat(getBytes("/api/images/" + id + "/rendered?window=1,0").statusCode()).isEqualTo(400);
        assertThat(getBytes("/api/images/" + id + "/rendered?format=tiff").statusCode()).isEqualTo(400);
    }

    private static int value(int i, int j, int k) {
        return i + 10 * j + 100 * k;
    }

    private static void assertSlice(BufferedImage image, int width, int height, IntBinaryOperator values) {
        assertSlice(image, width, height, values, "");
    }

    /** Column u, row v from the bottom, scaled from the slice's min to its max. */
    private static void assertSlice(BufferedImage image, int width, int height, IntBinaryOperator values, String what) {
        assertThat(image.getWidth()).as(what).isEqualTo(width);
        assertThat(image.getHeight()).as(what).isEqualTo(height);
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int v = 0; v < height; v++) {
            for (int u = 0; u < width; u++) {
                min = Math.min(min, values.applyAsInt(u, v));
                max = Math.max(max, values.applyAsInt(u, v));
            }
        }
        for (int v = 0; v < height; v++) {
            for (int u = 0; u < width; u++) {
                int expected = (int) Math.round((values.applyAsInt(u, v) - min) * 255.0 / (max - min));
                assertThat(grey(image, u, height - 1 - v)).as("%s (%d,%d)", what, u, v).isEqualTo(expected);
            }
        }
    }

    /**
     * A NIfTI-1 single file of the test volume: 348-byte header, 4 bytes of extension flag, then
     * the voxels i + 10 j + 100 k as {@code datatype}.
     */
    private static byte[] nifti1(int datatype, float slope, float intercept, boolean gzip, ByteOrder order)
            throws Exception {
        int bytes = switch (datatype) {
            case UINT8 -> 1;
            case INT16, UINT16 -> 2;
            case INT32, FLOAT32 -> 4;
            default -> 8;
        };
        ByteBuffer b = ByteBuffer.allocate(352 + NX * NY * NZ * bytes).order(order);
        b.putInt(0, 348);
        b.putShort(40, (short) 3).putShort(42, (short) NX).putShort(44, (short) NY).putShort(46, (short) NZ);
        b.putShort(70, (short) datatype).putShort(72, (short) (8 * bytes));
        b.putFloat(76, 1f).putFloat(80, 1f).putFloat(84, 1f).putFloat(88, 1f);
        b.putFloat(108, 352f).putFloat(112, slope).putFloat(116, intercept);
        b.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1');
        b.position(352);
        for (int k = 0; k < NZ; k++) {
            for (int j = 0; j < NY; j++) {
                for (int i = 0; i < NX; i++) {
                    int v = value(i, j, k);
                    switch (datatype) {
                        case UINT8 -> b.put((byte) (v & 0xff)); // 0..234 fits
                        case INT16, UINT16 -> b.putShort((short) v);
                        case INT32 -> b.putInt(v);
                        case FLOAT32 -> b.putFloat(v);
                        default -> b.putDouble(v);
                    }
                }
            }
        }
        if (!gzip) {
            return b.array();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b.array());
        }
        return out.toByteArray();
    }

    private static String upload(byte[] body, String contentType) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/api/subjects/views/images"))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
        return json(response.body()).getString("id");
    }

    private static BufferedImage png(String path) throws Exception {
        HttpResponse<byte[]> response = getBytes(path);
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
        return read(response.body());
    }

    private static BufferedImage read(byte[] picture) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(picture));
    }

    private static int grey(BufferedImage image, int x, int y) {
        return image.getRaster().getSample(x, y, 0);
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + node.httpPort() + path);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> getBytes(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    private static String error(HttpResponse<String> response) {
        return json(response.body()).getString("error");
    }
}
