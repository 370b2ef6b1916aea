package org.vesalius.dicomweb.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vesalius.dicomweb.render.TestImages.sample;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RendererTest {

    @TempDir
    Path dir;

    private Renderer renderer() {
        return new Renderer(dir);
    }

    private byte[] bytes(Path file, RenderRequest request) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        renderer().render(file, request, out);
        return out.toByteArray();
    }

    /** Renders to PNG and reads the PNG back, so every check also covers the encoder. */
    private BufferedImage png(Path file, RenderRequest request) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes(file, request)));
        assertThat(image).as("a readable PNG").isNotNull();
        return image;
    }

    private BufferedImage png(Path file) throws Exception {
        return png(file, RenderRequest.of(OutputFormat.PNG));
    }

    /** PS3.3 C.11.2.1.2.1 LINEAR, written out again here, for output 0..255. */
    private static int standardLinear(double x, double c, double w) {
        if (x <= c - 0.5 - (w - 1) / 2) {
            return 0;
        }
        if (x > c - 0.5 + (w - 1) / 2) {
            return 255;
        }
        return (int) Math.round(((x - (c - 0.5)) / (w - 1) + 0.5) * 255);
    }

    private static int gray(BufferedImage image, int x, int y) {
        return image.getRaster().getSample(x, y, 0);
    }

    @Test
    void signedCtWithRescaleFollowsTheLinearFormulaAtEveryPixel() throws Exception {
        Path ct = sample("CT_small.dcm");
        AttributeList list = TestImages.readAll(ct);
        short[] stored = list.get(TagFromName.PixelData).getShortValues();
        double slope = list.get(TagFromName.RescaleSlope).getDoubleValues()[0];
        double intercept = list.get(TagFromName.RescaleIntercept).getDoubleValues()[0];
        assertThat(intercept).isEqualTo(-1024);

        BufferedImage image = png(ct, RenderRequest.of(OutputFormat.PNG).withWindow(new Window(40, 400, VoiFunction.LINEAR)));

        assertThat(image.getWidth()).isEqualTo(128);
        int distinct = 0;
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                double hu = stored[y * 128 + x] * slope + intercept; // signed stored value, then rescale
                int expected = standardLinear(hu, 40, 400);
                assertThat(gray(image, x, y)).as("pixel %d,%d (HU %s)", x, y, hu).isEqualTo(expected);
                distinct |= expected > 0 && expected < 255 ? 1 : 0;
            }
        }
        assertThat(distinct).as("some pixels inside the window").isEqualTo(1);
    }

    @Test
    void linearExactAndSigmoidFollowTheirFormulas() throws Exception {
        Path ct = sample("CT_small.dcm");
        short[] stored = TestImages.readAll(ct).get(TagFromName.PixelData).getShortValues();
        BufferedImage exact = png(ct, RenderRequest.of(OutputFormat.PNG).withWindow(Window.parse("40,400,LINEAR_EXACT")));
        BufferedImage sigmoid = png(ct, RenderRequest.of(OutputFormat.PNG).withWindow(Window.parse("40,400,sigmoid")));
        for (int[] p : List.of(new int[] {64, 64}, new int[] {10, 100}, new int[] {100, 30}, new int[] {0, 0})) {
            double hu = stored[p[1] * 128 + p[0]] - 1024.0;
            int expectedExact = hu <= 40 - 200 ? 0 : hu > 40 + 200 ? 255 : (int) Math.round(((hu - 40) / 400 + 0.5) * 255);
            int expectedSigmoid = (int) Math.round(255 / (1 + Math.exp(-4 * (hu - 40) / 400)));
            assertThat(gray(exact, p[0], p[1])).isEqualTo(expectedExact);
            assertThat(gray(sigmoid, p[0], p[1])).isEqualTo(expectedSigmoid);
        }
    }

    @Test
    void withoutAnyVoiTheFrameRangeIsUsed() throws Exception {
        // CT_small has no Window Center/Width and no VOI LUT: min maps to 0, max to 255.
        Path ct = sample("CT_small.dcm");
        short[] stored = TestImages.readAll(ct).get(TagFromName.PixelData).getShortValues();
        int min = 0;
        int max = 0;
        for (int i = 1; i < stored.length; i++) {
            min = stored[i] < stored[min] ? i : min;
            max = stored[i] > stored[max] ? i : max;
        }
        BufferedImage image = png(ct);
        assertThat(gray(image, min % 128, min / 128)).isZero();
        assertThat(gray(image, max % 128, max / 128)).isEqualTo(255);
    }

    @Test
    void theHeaderWindowIsTheDefault() throws Exception {
        Path mr = sample("MR_small.dcm"); // Window Center 600, Width 1600
        assertThat(pixels(png(mr))).isEqualTo(pixels(png(mr, RenderRequest.of(OutputFormat.PNG).withWindow(Window.parse("600,1600")))));
        assertThat(pixels(png(mr))).isNotEqualTo(pixels(png(mr, RenderRequest.of(OutputFormat.PNG).withWindow(Window.parse("300,600")))));
    }

    @Test
    void aVoiLutSequenceIsTheDefaultWithoutAWindow() throws Exception {
        byte[] ramp = new byte[16 * 16];
        short[] lut = new short[256];
        for (int i = 0; i < 256; i++) {
            ramp[i] = (byte) i;
            lut[i] = (short) ((255 - i) * 16); // a 12-bit inverting LUT
        }
        AttributeList item = new AttributeList();
        item.put(TestImages.usValues(TagFromName.LUTDescriptor, 256, 0, 12));
        item.put(TestImages.lutData(TagFromName.LUTData, lut));
        com.pixelmed.dicom.SequenceAttribute voi = new com.pixelmed.dicom.SequenceAttribute(TagFromName.VOILUTSequence);
        voi.addItem(item);
        Path file = TestImages.write(dir, "voilut.dcm", 16, 16, "MONOCHROME2", 1, 8, 8, false, 0, TestImages.bytes(ramp), voi);
        BufferedImage image = png(file);
        for (int i = 0; i < 256; i++) {
            assertThat(gray(image, i % 16, i / 16)).isEqualTo((int) Math.round((255 - i) * 16 * 255.0 / 4095));
        }
    }

    @Test
    void everyEncodingOfMrSmallRendersToTheSamePixels() throws Exception {
        RenderRequest request = RenderRequest.of(OutputFormat.PNG).withWindow(Window.parse("600,1600"));
        int[] reference = pixels(png(sample("MR_small.dcm"), request));
        assertThat(java.util.Arrays.stream(reference).distinct().count()).as("not a blank picture").isGreaterThan(50);
        for (String name : List.of("MR_small_RLE.dcm", "MR_small_jpeg_ls_lossless.dcm", "MR_small_jp2klossless.dcm",
                "MR_small_bigendian.dcm", "MR_small_implicit.dcm", "MR_small_expb.dcm")) {
            assertThat(pixels(png(sample(name), request))).as(name).isEqualTo(reference);
        }
    }

    @Test
    void monochrome1IsInverted() throws Exception {
        Path mr = sample("MR_small.dcm");
        Path inverted = TestImages.withPhotometric(mr, dir, "MONOCHROME1");
        int[] normal = pixels(png(mr));
        int[] flipped = pixels(png(inverted));
        for (int i = 0; i < normal.length; i++) {
            assertThat(flipped[i]).isEqualTo(255 - normal[i]);
        }
    }

    @Test
    void bitsAboveHighBitAreMaskedAndTheSignExtended() throws Exception {
        // 12 bits stored in 16, signed, with garbage (0xA) in the top four bits.
        short[] words = new short[16 * 16];
        int[] values = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            values[i] = i * 16 - 2048; // -2048 .. 2032
            words[i] = (short) (0xA000 | (values[i] & 0x0FFF));
        }
        Path file = TestImages.write(dir, "masked.dcm", 16, 16, "MONOCHROME2", 1, 16, 12, true, 0,
                TestImages.words(words), TestImages.decimal(TagFromName.RescaleSlope, "2"),
                TestImages.decimal(TagFromName.RescaleIntercept, "10"));
        BufferedImage image = png(file, RenderRequest.of(OutputFormat.PNG).withWindow(Window.parse("0,4000")));
        for (int i = 0; i < values.length; i++) {
            assertThat(gray(image, i % 16, i / 16)).isEqualTo(standardLinear(values[i] * 2.0 + 10, 0, 4000));
        }
    }

    @Test
    void aFullSixteenBitRangeFollowsTheFormulasAtEveryPixel() throws Exception {
        // Random values over all 65536 stored values, a negative slope, no window in the header.
        java.util.Random random = new java.util.Random(3);
        short[] words = new short[64 * 64];
        for (int i = 0; i < words.length; i++) {
            words[i] = (short) random.nextInt(65536);
        }
        words[0] = 0;
        words[1] = (short) 65535;
        Path file = TestImages.write(dir, "wide.dcm", 64, 64, "MONOCHROME2", 1, 16, 16, false, 0,
                TestImages.words(words), TestImages.decimal(TagFromName.RescaleSlope, "-0.5"),
                TestImages.decimal(TagFromName.RescaleIntercept, "100"));
        BufferedImage linear = png(file, RenderRequest.of(OutputFormat.PNG).withWindow(Window.parse("-15000,9000")));
        BufferedImage sigmoid = png(file, RenderRequest.of(OutputFormat.PNG).withWindow(Window.parse("-15000,9000,SIGMOID")));
        BufferedImage range = png(file);
        // Without VOI the modality range is the window: -32667.5 (stored 65535) .. 100 (stored 0).
        double low = 65535 * -0.5 + 100;
        double center = (low + 100) / 2;
        double width = 100 - low;
        for (int i = 0; i < words.length; i++) {
            double x = (words[i] & 0xFFFF) * -0.5 + 100;
            assertThat(gray(linear, i % 64, i / 64)).as("linear, stored %d", words[i] & 0xFFFF)
                    .isEqualTo(standardLinear(x, -15000, 9000));
            assertThat(gray(sigmoid, i % 64, i / 64)).as("sigmoid, stored %d", words[i] & 0xFFFF)
                    .isEqualTo((int) Math.round(255 / (1 + Math.exp(-4 * (x + 15000) / 9000))));
            int exact = x <= center - width / 2 ? 0 : x > center + width / 2 ? 255
                    : (int) Math.round(((x - center) / width + 0.5) * 255);
            assertThat(gray(range, i % 64, i / 64)).as("range, stored %d", words[i] & 0xFFFF).isEqualTo(exact);
        }
        assertThat(gray(range, 0, 0)).isEqualTo(255);
        assertThat(gray(range, 1, 0)).isZero();
    }

    @Test
    void unsigned8BitAndThe32BitDoseGrid() throws Exception {
        byte[] ramp = new byte[16 * 16];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = (byte) i;
        }
        Path file = TestImages.write(dir, "ramp8.dcm", 16, 16, "MONOCHROME2", 1, 8, 8, false, 0, TestImages.bytes(ramp));
        BufferedImage image = png(file, RenderRequest.of(OutputFormat.PNG).withWindow(Window.parse("128,256")));
        for (int i = 0; i < ramp.length; i++) {
            assertThat(gray(image, i % 16, i / 16)).isEqualTo(standardLinear(i, 128, 256));
        }
        // rtdose: 32-bit unsigned, 15 frames, no window: each frame spans 0..255.
        Path dose = sample("rtdose.dcm");
        assertThat(renderer().numberOfFrames(dose)).isEqualTo(15);
        int[] first = pixels(png(dose));
        int[] last = pixels(png(dose, RenderRequest.of(OutputFormat.PNG).withFrame(15)));
        assertThat(java.util.Arrays.stream(first).max().getAsInt()).isEqualTo(255);
        assertThat(java.util.Arrays.stream(first).min().getAsInt()).isZero();
        assertThat(last).isNotEqualTo(first);
        assertThat(pixels(png(sample("rtdose_rle.dcm"), RenderRequest.of(OutputFormat.PNG).withFrame(15)))).isEqualTo(last);
    }

    @Test
    void colourEncodingsAgree() throws Exception {
        BufferedImage rgb = png(sample("SC_rgb_rle.dcm"));
        // Known colours of the pydicom test pattern: a red band at the top, pure blue further down.
        assertThat(rgb.getRGB(50, 2) & 0xFFFFFF).isEqualTo(0xFF0000);
        assertThat(java.util.Arrays.stream(argb(rgb)).map(c -> c & 0xFFFFFF).boxed().toList()).contains(0x0000FF, 0x00FF00);
        assertSameColours(rgb, png(sample("SC_rgb_rle_16bit.dcm")), 0);
        assertSameColours(rgb, png(sample("SC_rgb_rle_32bit.dcm")), 0);
        assertSameColours(rgb, png(sample("SC_ybr_full_422_uncompressed.dcm")), 3);
        for (String jpeg : List.of("SC_rgb_jpeg_dcmtk.dcm", "SC_rgb_dcmtk_+eb+cr.dcm", "SC_rgb_dcmtk_+eb+cy+np.dcm",
                "SC_rgb_dcmtk_+eb+cy+s2.dcm", "SC_rgb_jpeg_gdcm.dcm")) {
            assertSameColours(rgb, png(sample(jpeg)), 12);
        }
        // An RGB JPEG without colour transform or markers must not be taken for YCbCr (pixel 244,244,244).
        BufferedImage plain = png(sample("SC_jpeg_no_color_transform.dcm"));
        assertThat(plain.getRGB(128, 128) & 0xFFFFFF).isEqualTo(0xF4F4F4);
    }

    @Test
    void planarConfigurationOneAndYbrFull() throws Exception {
        int n = 4 * 4;
        byte[] interleaved = new byte[n * 3];
        byte[] planar = new byte[n * 3];
        for (int p = 0; p < n; p++) {
            int[] rgb = {p * 16, 255 - p * 16, (p * 37) % 256};
            for (int s = 0; s < 3; s++) {
                interleaved[p * 3 + s] = (byte) rgb[s];
                planar[s * n + p] = (byte) rgb[s];
            }
        }
        BufferedImage a = png(TestImages.write(dir, "px.dcm", 4, 4, "RGB", 3, 8, 8, false, 0, TestImages.bytes(interleaved)));
        BufferedImage b = png(TestImages.write(dir, "pl.dcm", 4, 4, "RGB", 3, 8, 8, false, 1, TestImages.bytes(planar)));
        for (int p = 0; p < n; p++) {
            int expected = (p * 16) << 16 | (255 - p * 16) << 8 | (p * 37) % 256;
            assertThat(a.getRGB(p % 4, p / 4) & 0xFFFFFF).isEqualTo(expected);
            assertThat(b.getRGB(p % 4, p / 4) & 0xFFFFFF).isEqualTo(expected);
        }
        // YBR_FULL: Y=128 Cb=128 Cr=255 is R = 128 + 1.402 * 127 = 306 -> 255, G = 128 - 0.714136 * 127 = 37, B = 128.
        byte[] ybr = {(byte) 128, (byte) 128, (byte) 255};
        BufferedImage y = png(TestImages.write(dir, "ybr.dcm", 1, 1, "YBR_FULL", 3, 8, 8, false, 0, TestImages.bytes(ybr)));
        assertThat(y.getRGB(0, 0) & 0xFFFFFF).isEqualTo(255 << 16 | 37 << 8 | 128);
    }

    @Test
    void paletteColourLooksUpEachIndex() throws Exception {
        byte[] indices = new byte[16 * 16];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = (byte) i;
        }
        short[] red = new short[256];
        short[] green = new short[256];
        short[] blue = new short[256];
        for (int i = 0; i < 256; i++) {
            red[i] = (short) (i * 257);
            green[i] = (short) ((255 - i) * 257);
            blue[i] = (short) (128 * 257);
        }
        Path file = TestImages.write(dir, "palette.dcm", 16, 16, "PALETTE COLOR", 1, 8, 8, false, 0,
                TestImages.bytes(indices),
                TestImages.usValues(TagFromName.RedPaletteColorLookupTableDescriptor, 256, 0, 16),
                TestImages.usValues(TagFromName.GreenPaletteColorLookupTableDescriptor, 256, 0, 16),
                TestImages.usValues(TagFromName.BluePaletteColorLookupTableDescriptor, 256, 0, 16),
                TestImages.lutData(TagFromName.RedPaletteColorLookupTableData, red),
                TestImages.lutData(TagFromName.GreenPaletteColorLookupTableData, green),
                TestImages.lutData(TagFromName.BluePaletteColorLookupTableData, blue));
        BufferedImage image = png(file);
        for (int i = 0; i < 256; i++) {
            assertThat(image.getRGB(i % 16, i / 16) & 0xFFFFFF).isEqualTo(i << 16 | (255 - i) << 8 | 128);
        }
    }

    @Test
    void framesOfAMultiFrameObject() throws Exception {
        Path twoFrames = sample("SC_rgb_rle_2frame.dcm");
        BufferedImage first = png(twoFrames);
        BufferedImage second = png(twoFrames, RenderRequest.of(OutputFormat.PNG).withFrame(2));
        assertSameColours(first, png(sample("SC_rgb_rle.dcm")), 0);
        assertThat(argb(second)).isNotEqualTo(argb(first));
        assertThatThrownBy(() -> png(twoFrames, RenderRequest.of(OutputFormat.PNG).withFrame(3)))
                .isInstanceOfSatisfying(RenderException.class,
                        e -> assertThat(e.reason()).isEqualTo(RenderException.Reason.NO_SUCH_FRAME));
    }

    @Test
    void compressedGrayscaleFamilies() throws Exception {
        for (String name : List.of("JPEG2000.dcm", "JPGExtended.dcm", "693_J2KI.dcm")) {
            int[] pixels = pixels(png(sample(name)));
            assertThat(java.util.Arrays.stream(pixels).distinct().count()).as(name + " is not blank").isGreaterThan(20);
        }
    }

    @Test
    void viewportScalesToFitKeepingAspectRatio() throws Exception {
        Path ct = sample("CT_small.dcm"); // 128 x 128
        BufferedImage fit = png(ct, RenderRequest.of(OutputFormat.PNG).withViewport(Viewport.parse("64,32")));
        assertThat(fit.getWidth()).isEqualTo(32);
        assertThat(fit.getHeight()).isEqualTo(32);
        BufferedImage region = png(ct, RenderRequest.of(OutputFormat.PNG).withViewport(Viewport.parse("256,256,0,0,64,128")));
        assertThat(region.getWidth()).isEqualTo(128);
        assertThat(region.getHeight()).isEqualTo(256);
        BufferedImage thumb = png(ct, RenderRequest.thumbnail(OutputFormat.PNG, 1, 48));
        assertThat(thumb.getWidth()).isEqualTo(48);
    }

    @Test
    void negativeRegionSizesFlip() throws Exception {
        Path ct = sample("CT_small.dcm");
        BufferedImage plain = png(ct);
        BufferedImage horizontal = png(ct, RenderRequest.of(OutputFormat.PNG).withViewport(Viewport.parse("128,128,128,0,-128,128")));
        BufferedImage vertical = png(ct, RenderRequest.of(OutputFormat.PNG).withViewport(Viewport.parse("128,128,0,128,128,-128")));
        for (int y = 0; y < 128; y += 7) {
            for (int x = 0; x < 128; x += 5) {
                assertThat(gray(horizontal, x, y)).isEqualTo(gray(plain, 127 - x, y));
                assertThat(gray(vertical, x, y)).isEqualTo(gray(plain, x, 127 - y));
            }
        }
        assertThatThrownBy(() -> png(ct, RenderRequest.of(OutputFormat.PNG).withViewport(Viewport.parse("64,64,100,0,64,64"))))
                .isInstanceOfSatisfying(RenderException.class,
                        e -> assertThat(e.reason()).isEqualTo(RenderException.Reason.BAD_PARAMETER));
    }

    @Test
    void jpegQualityChangesTheSize() throws Exception {
        Path mr = sample("JPEG2000.dcm");
        byte[] low = bytes(mr, RenderRequest.of(OutputFormat.JPEG).withQuality(10));
        byte[] high = bytes(mr, RenderRequest.of(OutputFormat.JPEG).withQuality(95));
        assertThat(ImageIO.read(new ByteArrayInputStream(low))).isNotNull();
        assertThat(low.length).isLessThan(high.length / 2);
        assertThat(low[0] & 0xFF).isEqualTo(0xFF); // JPEG SOI
        byte[] gif = bytes(mr, RenderRequest.of(OutputFormat.GIF));
        assertThat(new String(gif, 0, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("GIF");
        assertThat(ImageIO.read(new ByteArrayInputStream(gif)).getWidth()).isEqualTo(256);
    }

    @Test
    void pngIsLossless() throws Exception {
        Path ybr = sample("SC_rgb_dcmtk_+eb+cy+np.dcm");
        BufferedImage rendered = renderer().renderImage(ybr, RenderRequest.of(OutputFormat.PNG));
        assertThat(argb(png(ybr))).isEqualTo(argb(rendered));
        Path ct = sample("CT_small.dcm");
        BufferedImage gray = renderer().renderImage(ct, RenderRequest.of(OutputFormat.PNG));
        assertThat(pixels(png(ct))).isEqualTo(pixels(gray));
    }

    @Test
    void annotationsChangeOnlyTheirTextArea() throws Exception {
        Path mr = sample("MR_small.dcm");
        RenderRequest big = RenderRequest.of(OutputFormat.PNG).withViewport(Viewport.of(512, 512));
        BufferedImage plain = png(mr, big);
        BufferedImage patient = png(mr, big.withAnnotations(Annotation.parse("patient")));
        BufferedImage technique = png(mr, big.withAnnotations(Annotation.parse("technique")));
        int font = Annotator.fontSize(512);
        int band = 2 + 3 * Annotator.lineHeight(font) + font / 2; // at most three lines and the margin
        int[] patientRows = changedRows(plain, patient);
        int[] techniqueRows = changedRows(plain, technique);
        assertThat(patientRows[0]).as("patient text drawn").isGreaterThanOrEqualTo(0);
        assertThat(patientRows[1]).as("patient text stays at the top").isLessThan(band);
        assertThat(techniqueRows[0]).as("technique text stays at the bottom").isGreaterThan(512 - band);
        assertThat(Set.copyOf(List.of(Annotation.parse("patient,technique").toArray())))
                .containsExactlyInAnyOrder(Annotation.PATIENT, Annotation.TECHNIQUE);
    }

    @Test
    void streamedInputRendersLikeTheFile() throws Exception {
        Path mr = sample("MR_small_RLE.dcm");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(mr)) {
            renderer().render(in, RenderRequest.of(OutputFormat.PNG), out);
        }
        assertThat(pixels(ImageIO.read(new ByteArrayInputStream(out.toByteArray())))).isEqualTo(pixels(png(mr)));
        try (var left = Files.list(dir)) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("render-")).toList()).isEmpty();
        }
    }

    @Test
    void undecodableObjectsRaiseAClearReason() throws Exception {
        assertReason(sample("MR_truncated.dcm"), RenderException.Reason.CORRUPT);
        assertReason(sample("reportsi.dcm"), RenderException.Reason.NO_PIXEL_DATA);
        // PixelMed reads arbitrary bytes as an empty data set rather than failing.
        Path text = Files.writeString(dir.resolve("note.dcm"), "this is not DICOM at all, just some text to read");
        assertReason(text, RenderException.Reason.NO_PIXEL_DATA);
        assertReason(mpeg(), RenderException.Reason.UNSUPPORTED);
        assertThatThrownBy(() -> Window.parse("40")).isInstanceOf(RenderException.class);
        assertThatThrownBy(() -> Window.parse("40,0")).isInstanceOf(RenderException.class);
        assertThatThrownBy(() -> Window.parse("40,100,CUBIC")).isInstanceOf(RenderException.class);
        assertThatThrownBy(() -> Viewport.parse("0,10")).isInstanceOf(RenderException.class);
        assertThatThrownBy(() -> Annotation.parse("dose")).isInstanceOf(RenderException.class);
    }

    /** MR_small_RLE relabelled as MPEG-2 video: encapsulated data no decoder here understands. */
    private Path mpeg() throws Exception {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        list.read(sample("MR_small_RLE.dcm").toFile());
        com.pixelmed.dicom.Attribute syntax = new com.pixelmed.dicom.UniqueIdentifierAttribute(TagFromName.TransferSyntaxUID);
        syntax.addValue(com.pixelmed.dicom.TransferSyntax.MPEG2MPML);
        list.put(syntax);
        Path file = dir.resolve("mpeg.dcm");
        list.write(file.toFile(), com.pixelmed.dicom.TransferSyntax.MPEG2MPML, true, true);
        return file;
    }

    private void assertReason(Path file, RenderException.Reason reason) {
        assertThatThrownBy(() -> bytes(file, RenderRequest.of(OutputFormat.PNG)))
                .isInstanceOfSatisfying(RenderException.class, e -> {
                    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
                    assertThat(e.getMessage()).isNotBlank();
                });
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRaster().getPixels(0, 0, image.getWidth(), image.getHeight(), (int[]) null);
    }

    private static int[] argb(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static void assertSameColours(BufferedImage expected, BufferedImage actual, int tolerance) {
        assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
        int[] a = argb(expected);
        int[] b = argb(actual);
        long total = 0;
        for (int i = 0; i < a.length; i++) {
            for (int shift = 0; shift <= 16; shift += 8) {
                total += Math.abs(((a[i] >> shift) & 0xFF) - ((b[i] >> shift) & 0xFF));
            }
        }
        assertThat((double) total / (a.length * 3)).as("mean colour difference").isLessThanOrEqualTo(tolerance);
    }

    /** {first, last} row where the two pictures differ, or {-1, -1}. */
    private static int[] changedRows(BufferedImage a, BufferedImage b) {
        int first = -1;
        int last = -1;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    first = first < 0 ? y : first;
                    last = y;
                }
            }
        }
        return new int[] {first, last};
    }
}
