package org.vesalius.dicomweb.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Our JPEG encoder does libjpeg's arithmetic, so its pictures must decode to exactly the pixels of
 * the JDK's ImageIO writer (libjpeg) at the same quality: any slip in the DCT, quantization, colour
 * conversion, subsampling, edge padding or Huffman coding changes some pixel.
 */
class JpegEncoderTest {

    /** Sizes around the 8 x 8 block and 16 x 16 MCU edges, where the padding rules differ. */
    private static final List<int[]> SIZES = List.of(new int[] {1, 1}, new int[] {7, 9}, new int[] {8, 8},
            new int[] {16, 16}, new int[] {17, 15}, new int[] {33, 47}, new int[] {100, 37}, new int[] {129, 130},
            new int[] {256, 256}, new int[] {512, 3});

    @Test
    void grayPicturesDecodeLikeImageIos() throws Exception {
        Random random = new Random(11);
        for (int[] size : SIZES) {
            for (boolean noise : new boolean[] {false, true}) {
                BufferedImage image = gray(size[0], size[1], noise, random);
                for (int quality : new int[] {1, 10, 50, 75, 90, 100}) {
                    assertSamePixels(image, quality, "gray " + size[0] + "x" + size[1] + " noise " + noise);
                }
            }
        }
    }

    @Test
    void colourPicturesDecodeLikeImageIos() throws Exception {
        Random random = new Random(12);
        for (int[] size : SIZES) {
            for (boolean noise : new boolean[] {false, true}) {
                BufferedImage image = rgb(size[0], size[1], noise, random);
                for (int quality : new int[] {10, 75, 90, 100}) {
                    assertSamePixels(image, quality, "rgb " + size[0] + "x" + size[1] + " noise " + noise);
                }
            }
        }
    }

    @Test
    void otherImageLayoutsAreReadThroughTheirRaster() throws Exception {
        // A sub-image shares its parent's buffer with an offset; a BGR picture is not packed RGB.
        BufferedImage parent = gray(64, 64, false, new Random(13));
        BufferedImage child = parent.getSubimage(5, 7, 40, 30);
        BufferedImage childCopy = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        childCopy.getRaster().setRect(child.getRaster().createTranslatedChild(0, 0));
        assertThat(differences(decode(ours(child, 90)), decode(imageIo(childCopy, 90)))).isZero();

        BufferedImage rgb = rgb(50, 20, false, new Random(14));
        BufferedImage bgr = new BufferedImage(50, 20, BufferedImage.TYPE_3BYTE_BGR);
        bgr.createGraphics().drawImage(rgb, 0, 0, null);
        assertThat(differences(decode(ours(bgr, 90)), decode(imageIo(rgb, 90)))).isZero();
    }

    @Test
    void theStreamIsBaselineJfif() throws Exception {
        byte[] jpeg = ours(gray(20, 10, true, new Random(15)), 90);
        assertThat(jpeg[0] & 0xFF).isEqualTo(0xFF);
        assertThat(jpeg[1] & 0xFF).isEqualTo(0xD8);                       // SOI
        assertThat(new String(jpeg, 6, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("JFIF");
        assertThat(jpeg[jpeg.length - 2] & 0xFF).isEqualTo(0xFF);
        assertThat(jpeg[jpeg.length - 1] & 0xFF).isEqualTo(0xD9);         // EOI
        BufferedImage decoded = decode(jpeg);
        assertThat(decoded.getWidth()).isEqualTo(20);
        assertThat(decoded.getHeight()).isEqualTo(10);
        assertThat(decoded.getRaster().getNumBands()).isEqualTo(1);
        assertThatThrownBy(() -> ours(new BufferedImage(70000, 1, BufferedImage.TYPE_BYTE_GRAY), 90))
                .isInstanceOf(IOException.class);
    }

    private static void assertSamePixels(BufferedImage image, int quality, String what) throws IOException {
        assertThat(differences(decode(ours(image, quality)), decode(imageIo(image, quality))))
                .as("samples that differ, " + what + " at quality " + quality).isZero();
    }

    private static BufferedImage gray(int width, int height, boolean noise, Random random) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, noise ? random.nextInt(256) : (x * 3 + y * 5 + x * y / 7) & 0xFF);
            }
        }
        return image;
    }

    private static BufferedImage rgb(int width, int height, boolean noise, Random random) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, noise ? random.nextInt()
                        : ((x * 7 + y * 3) & 0xFF) << 16 | ((x * y) & 0xFF) << 8 | ((255 - x + y) & 0xFF));
            }
        }
        return image;
    }

    private static byte[] ours(BufferedImage image, int quality) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JpegEncoder.write(image, quality, out);
        return out.toByteArray();
    }

    private static byte[] imageIo(BufferedImage image, int quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static BufferedImage decode(byte[] jpeg) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertThat(image).as("a readable JPEG").isNotNull();
        return image;
    }

    /** How many samples differ between two pictures of the same size and layout. */
    private static int differences(BufferedImage a, BufferedImage b) {
        assertThat(b.getWidth()).isEqualTo(a.getWidth());
        assertThat(b.getHeight()).isEqualTo(a.getHeight());
        assertThat(b.getRaster().getNumBands()).isEqualTo(a.getRaster().getNumBands());
        int[] first = a.getRaster().getPixels(0, 0, a.getWidth(), a.getHeight(), (int[]) null);
        int[] second = b.getRaster().getPixels(0, 0, b.getWidth(), b.getHeight(), (int[]) null);
        int count = 0;
        for (int i = 0; i < first.length; i++) {
            count += first[i] != second[i] ? 1 : 0;
        }
        return count;
    }
}
