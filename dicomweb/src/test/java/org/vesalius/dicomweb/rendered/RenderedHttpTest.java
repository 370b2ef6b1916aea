package org.vesalius.dicomweb.rendered;

import static org.assertj.core.api.Assertions.assertThat;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.dicomweb.render.OutputFormat;
import org.vesalius.dicomweb.render.RenderRequest;
import org.vesalius.dicomweb.render.Renderer;
import org.vesalius.dicomweb.render.Viewport;
import org.vesalius.dicomweb.render.Window;
import org.vesalius.dicomweb.testing.DicomWebServer;
import org.vesalius.dicomweb.testing.Http;
import org.vesalius.storage.testing.SampleDicom;

/**
 * {@code /rendered} and {@code /thumbnail} over real HTTP against a real archive: objects are stored
 * with STOW-RS (the ingest path), and each picture served is compared pixel for pixel with what the
 * rendering engine makes of the original file directly.
 */
class RenderedHttpTest {
    private static final Path PYDICOM = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

    @TempDir
    static Path root;
    private static DicomWebServer server;
    private static Renderer direct;

    @BeforeAll
    static void start() throws IOException {
        server = new DicomWebServer(root.resolve("server"));
        Files.createDirectories(root.resolve("direct"));
        direct = new Renderer(root.resolve("direct"));
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
    }

    /** A stored object's UIDs and its WADO-RS instance path. */
    private record Stored(Path file, String study, String series, String sop) {
        String path() {
            return "/studies/" + study + "/series/" + series + "/instances/" + sop;
        }
    }

    private static Stored store(Path file) throws Exception {
        HttpResponse<String> response = Http.post(URI.create(server.base() + "/studies"), "application/dicom",
                Files.readAllBytes(file), null);
        assertThat(response.statusCode()).as("STOW-RS of " + file.getFileName()).isEqualTo(200);
        AttributeList header = new AttributeList();
        header.read(file.toFile(), TagFromName.PixelData);
        return new Stored(file, header.get(TagFromName.StudyInstanceUID).getSingleStringValueOrEmptyString(),
                header.get(TagFromName.SeriesInstanceUID).getSingleStringValueOrEmptyString(),
                header.get(TagFromName.SOPInstanceUID).getSingleStringValueOrEmptyString());
    }

    private static Stored storePydicom(String name) throws Exception {
        return store(PYDICOM.resolve(name));
    }

    private static HttpResponse<byte[]> get(String path, String accept) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(URI.create(server.base() + path)).GET();
        if (accept != null) {
            request.header("Accept", accept);
        }
        return Http.CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static BufferedImage decode(byte[] picture) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(picture));
        assertThat(image).as("a decodable picture").isNotNull();
        return image;
    }

    private static BufferedImage expected(Path file, RenderRequest request) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        direct.render(file, request, out);
        return decode(out.toByteArray());
    }

    private static void assertSamePixels(BufferedImage actual, BufferedImage expected) {
        assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
        assertThat(pixels(actual)).isEqualTo(pixels(expected));
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static BufferedImage png(String path) throws Exception {
        HttpResponse<byte[]> response = get(path, "image/png");
        assertThat(response.statusCode()).as(path + ": " + new String(response.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("image/png");
        return decode(response.body());
    }

    @Test
    void instanceRenderedAsPngHasTheEnginesPixelsAndJpegIsTheDefault() throws Exception {
        Stored ct = storePydicom("CT_small.dcm");

        assertSamePixels(png(ct.path() + "/rendered"), expected(ct.file(), RenderRequest.of(OutputFormat.PNG)));

        HttpResponse<byte[]> jpeg = get(ct.path() + "/rendered", null);
        assertThat(jpeg.statusCode()).isEqualTo(200);
        assertThat(jpeg.headers().firstValue("Content-Type")).contains("image/jpeg");
        BufferedImage decoded = decode(jpeg.body());
        assertThat(decoded.getWidth()).isEqualTo(128);
        assertThat(decoded.getHeight()).isEqualTo(128);

        HttpResponse<byte[]> gif = get(ct.path() + "/rendered?accept=image/gif", "image/png");
        assertThat(gif.headers().firstValue("Content-Type")).as("the accept parameter wins").contains("image/gif");
        assertThat(decode(gif.body()).getWidth()).isEqualTo(128);

        HttpResponse<byte[]> preferred = get(ct.path() + "/rendered", "image/jpeg;q=0.5, image/png");
        assertThat(preferred.headers().firstValue("Content-Type")).contains("image/png");

        // Lower quality gives a smaller JPEG: the parameter reaches the encoder.
        HttpResponse<byte[]> low = get(ct.path() + "/rendered?quality=5", "image/jpeg");
        assertThat(low.body().length).isLessThan(jpeg.body().length);
    }

    @Test
    void windowViewportAndAnnotationAreHonoured() throws Exception {
        Stored ct = storePydicom("CT_small.dcm");
        Window window = Window.parse("40,400");

        assertSamePixels(png(ct.path() + "/rendered?window=40,400"),
                expected(ct.file(), RenderRequest.of(OutputFormat.PNG).withWindow(window)));

        BufferedImage fitted = png(ct.path() + "/rendered?viewport=64,32");
        assertThat(fitted.getWidth()).isEqualTo(32);
        assertThat(fitted.getHeight()).isEqualTo(32);
        assertSamePixels(png(ct.path() + "/rendered?viewport=100,50,10,20,60,30&window=40,400"),
                expected(ct.file(), RenderRequest.of(OutputFormat.PNG).withWindow(window)
                        .withViewport(Viewport.parse("100,50,10,20,60,30"))));

        BufferedImage annotated = png(ct.path() + "/rendered?annotation=patient,technique");
        BufferedImage plain = png(ct.path() + "/rendered");
        assertThat(pixels(annotated)).as("text is burned in").isNotEqualTo(pixels(plain));
    }

    @Test
    void framesOfAMultiFrameObject() throws Exception {
        Stored twoFrames = storePydicom("SC_rgb_rle_2frame.dcm");

        assertSamePixels(png(twoFrames.path() + "/frames/2/rendered"),
                expected(twoFrames.file(), RenderRequest.of(OutputFormat.PNG).withFrame(2)));
        assertSamePixels(png(twoFrames.path() + "/frames/1/rendered"), png(twoFrames.path() + "/rendered"));
        assertThat(png(twoFrames.path() + "/frames/1/rendered").getRGB(0, 0))
                .as("the frames differ, so frame 2 was really frame 2")
                .isNotEqualTo(png(twoFrames.path() + "/frames/2/rendered").getRGB(0, 0));

        assertThat(get(twoFrames.path() + "/frames/3/rendered", null).statusCode()).isEqualTo(404);
        assertThat(get(twoFrames.path() + "/frames/0/rendered", null).statusCode()).isEqualTo(400);
        assertThat(get(twoFrames.path() + "/frames/1,2/rendered", null).statusCode()).isEqualTo(400);
        assertThat(get(twoFrames.path() + "/frames/2/thumbnail", null).statusCode()).isEqualTo(200);
    }

    @Test
    void seriesAndStudyAreRepresentedByTheMiddleInstanceOfTheFirstSeries() throws Exception {
        List<SampleDicom.Instance> images = SampleDicom.generate(root.resolve("series"), 3,
                SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN);
        // Stored out of order: the representative is chosen by instance number, not arrival.
        Stored third = store(images.get(2).file());
        Stored first = store(images.get(0).file());
        Stored second = store(images.get(1).file());
        String series = "/studies/" + first.study() + "/series/" + first.series();

        BufferedImage middle = expected(second.file(), RenderRequest.of(OutputFormat.PNG));
        assertThat(pixels(middle)).as("the generated images differ, so the choice is visible")
                .isNotEqualTo(pixels(expected(first.file(), RenderRequest.of(OutputFormat.PNG))))
                .isNotEqualTo(pixels(expected(third.file(), RenderRequest.of(OutputFormat.PNG))));
        assertSamePixels(png(series + "/rendered"), middle);
        assertSamePixels(png("/studies/" + first.study() + "/rendered"), middle);
        assertSamePixels(png(series + "/thumbnail"), expected(second.file(),
                RenderRequest.thumbnail(OutputFormat.PNG, 1, RenderedHandler.THUMBNAIL_SIZE)));
    }

    @Test
    void thumbnailIsSmallWithTheDefaultWindow() throws Exception {
        Stored mr = storePydicom("MR_small.dcm");

        BufferedImage thumbnail = png(mr.path() + "/thumbnail?window=1,1");
        assertSamePixels(thumbnail, expected(mr.file(),
                RenderRequest.thumbnail(OutputFormat.PNG, 1, RenderedHandler.THUMBNAIL_SIZE)));
        assertThat(Math.max(thumbnail.getWidth(), thumbnail.getHeight())).isLessThanOrEqualTo(RenderedHandler.THUMBNAIL_SIZE);

        BufferedImage small = png(mr.path() + "/thumbnail?viewport=40,40");
        assertThat(small.getWidth()).isEqualTo(40);
        assertThat(small.getHeight()).isEqualTo(40);
        assertThat(get(mr.path() + "/thumbnail", null).headers().firstValue("Content-Type")).contains("image/jpeg");
    }

    @Test
    void refusalsCarryTheirStatusAndReason() throws Exception {
        Stored ct = storePydicom("CT_small.dcm");
        String rendered = ct.path() + "/rendered";

        assertThat(get(rendered, "application/dicom").statusCode()).isEqualTo(406);
        assertThat(get(rendered, "image/jp2").statusCode()).isEqualTo(406);
        for (String bad : List.of("quality=0", "quality=101", "quality=x", "window=40", "window=40,0",
                "window=a,b", "viewport=0,10", "viewport=1,2,3", "annotation=everything")) {
            HttpResponse<byte[]> response = get(rendered + "?" + bad, null);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).as(bad).contains("text/plain; charset=UTF-8");
        }
        assertThat(new String(get(rendered + "?window=40", null).body(), StandardCharsets.UTF_8)).contains("window");

        String missing = "/studies/" + ct.study() + "/series/" + ct.series() + "/instances/1.2.3.4.5";
        assertThat(get(missing + "/rendered", null).statusCode()).isEqualTo(404);
        assertThat(get("/studies/1.2.3.4.5/rendered", null).statusCode()).isEqualTo(404);
        assertThat(get("/studies/1.2.3.4.5/series/1.2.3/thumbnail", null).statusCode()).isEqualTo(404);
        assertThat(get("/studies/1.2.x/rendered", null).statusCode()).isEqualTo(400);

        Stored report = storePydicom("test-SR.dcm");
        HttpResponse<byte[]> noPixels = get(report.path() + "/rendered", null);
        assertThat(noPixels.statusCode()).isEqualTo(406);
        assertThat(new String(noPixels.body(), StandardCharsets.UTF_8)).contains(report.sop());

        Stored deflated = storePydicom("image_dfl.dcm");
        HttpResponse<byte[]> unsupported = get(deflated.path() + "/rendered", null);
        assertThat(unsupported.statusCode()).isEqualTo(501);
        assertThat(new String(unsupported.body(), StandardCharsets.UTF_8).toLowerCase()).contains("deflate");

        try (var files = Files.list(server.tempDir())) {
            assertThat(files).as("render spool files are deleted").isEmpty();
        }
    }
}
