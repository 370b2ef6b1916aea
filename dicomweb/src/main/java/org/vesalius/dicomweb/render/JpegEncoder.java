package org.vesalius.dicomweb.render;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import javax.imageio.plugins.jpeg.JPEGHuffmanTable;
import javax.imageio.plugins.jpeg.JPEGQTable;

/**
 * Baseline JPEG (ITU-T T.81, JFIF) written in Java. The JDK's ImageIO writer (libjpeg 6b without
 * SIMD, called back through JNI for every row) took ~2 ms of CPU for a 256 x 256 picture, four fifths
 * of a whole {@code /rendered} request; this takes a fraction of that.
 *
 * <p>The arithmetic is libjpeg's (which ImageIO uses), step by step, so a picture decodes to the same
 * pixels as ImageIO's JPEG of it at the same quality: the IJG quality scaling of the Annex K tables,
 * the integer DCT of {@code jfdctint.c} ("islow"), rounded quantization, the Annex K.3 Huffman tables.
 * Grayscale is one component; anything else is converted to YCbCr as {@code jccolor.c} does and the
 * chroma subsampled 2 x 2 as {@code jcsample.c} does (the layout ImageIO picks), with libjpeg's edge
 * padding (repeated last column and row; the blocks of an MCU past the image copy their neighbour's DC).
 */
final class JpegEncoder {

    /** Position in the zig-zag sequence (T.81 Figure 5) of each coefficient in natural (row-major) order. */
    private static final int[] ZIGZAG_OF_NATURAL = {
        0, 1, 5, 6, 14, 15, 27, 28,
        2, 4, 7, 13, 16, 26, 29, 42,
        3, 8, 12, 17, 25, 30, 41, 43,
        9, 11, 18, 24, 31, 40, 44, 53,
        10, 19, 23, 32, 39, 45, 52, 54,
        20, 22, 33, 38, 46, 51, 55, 60,
        21, 34, 37, 47, 50, 56, 59, 61,
        35, 36, 48, 49, 57, 58, 62, 63};

    private static final HuffmanCode DC_LUMINANCE = new HuffmanCode(JPEGHuffmanTable.StdDCLuminance);
    private static final HuffmanCode AC_LUMINANCE = new HuffmanCode(JPEGHuffmanTable.StdACLuminance);
    private static final HuffmanCode DC_CHROMINANCE = new HuffmanCode(JPEGHuffmanTable.StdDCChrominance);
    private static final HuffmanCode AC_CHROMINANCE = new HuffmanCode(JPEGHuffmanTable.StdACChrominance);

    private static final int INITIAL_CAPACITY_LIMIT = 4 << 20;

    /** JPEG's largest picture side (the frame header has 16 bits for each). */
    static final int MAX_SIDE = 65535;

    private final int[] block = new int[64];
    private final int[] coefficients = new int[64];
    private final BitWriter bits;

    private JpegEncoder(int capacity) {
        bits = new BitWriter(capacity);
    }

    /** Writes {@code image} as a JPEG of quality 1..100 (IJG scale, as ImageIO's compression quality x 100). */
    static void write(BufferedImage image, int quality, OutputStream out) throws IOException {
        int width = image.getWidth();
        int height = image.getHeight();
        if (width > MAX_SIDE || height > MAX_SIDE) {
            throw new IOException("a JPEG is at most " + MAX_SIDE + " pixels wide and high, not " + width + "x" + height);
        }
        Quantizer luminance = new Quantizer(JPEGQTable.K1Luminance, quality);
        // Room for about one byte per sample, what a noisy picture at high quality takes; larger pictures
        // start smaller and the buffer doubles as needed.
        boolean gray = image.getType() == BufferedImage.TYPE_BYTE_GRAY;
        long samples = (long) width * height * (gray ? 2 : 3) / 2;
        JpegEncoder encoder = new JpegEncoder((int) Math.min(samples, INITIAL_CAPACITY_LIMIT) + 1024);
        if (gray) {
            encoder.headers(width, height, luminance, null);
            encoder.gray(GrayPlane.of(image), luminance);
        } else {
            Quantizer chrominance = new Quantizer(JPEGQTable.K2Chrominance, quality);
            encoder.headers(width, height, luminance, chrominance);
            encoder.colour(RgbPlane.of(image), luminance, chrominance);
        }
        encoder.bits.finish();
        out.write(encoder.bits.buffer, 0, encoder.bits.length);
    }

    // --- pictures -------------------------------------------------------------------------------

    /** 8-bit gray samples, rows {@code stride} apart from {@code offset}. */
    private record GrayPlane(byte[] data, int offset, int stride, int width, int height) {

        static GrayPlane of(BufferedImage image) {
            Raster raster = image.getRaster();
            if (raster.getDataBuffer() instanceof DataBufferByte buffer && buffer.getNumBanks() == 1
                    && raster.getSampleModel() instanceof ComponentSampleModel model && model.getPixelStride() == 1
                    && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0) {
                return new GrayPlane(buffer.getData(), buffer.getOffset() + model.getOffset(0, 0),
                        model.getScanlineStride(), image.getWidth(), image.getHeight());
            }
            int width = image.getWidth();
            byte[] copy = new byte[width * image.getHeight()];
            int[] row = new int[width];
            for (int y = 0; y < image.getHeight(); y++) {
                raster.getSamples(0, y, width, 1, 0, row);
                for (int x = 0; x < width; x++) {
                    copy[y * width + x] = (byte) row[x];
                }
            }
            return new GrayPlane(copy, 0, width, width, image.getHeight());
        }
    }

    /** 0xRRGGBB pixels (anything above is ignored), rows {@code stride} apart from {@code offset}. */
    private record RgbPlane(int[] data, int offset, int stride, int width, int height) {

        static RgbPlane of(BufferedImage image) {
            Raster raster = image.getRaster();
            if (image.getType() == BufferedImage.TYPE_INT_RGB && raster.getDataBuffer() instanceof DataBufferInt buffer
                    && buffer.getNumBanks() == 1 && raster.getSampleModel() instanceof SinglePixelPackedSampleModel model
                    && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0) {
                return new RgbPlane(buffer.getData(), buffer.getOffset() + model.getOffset(0, 0),
                        model.getScanlineStride(), image.getWidth(), image.getHeight());
            }
            int width = image.getWidth();
            return new RgbPlane(image.getRGB(0, 0, width, image.getHeight(), null, 0, width), 0, width, width,
                    image.getHeight());
        }
    }

    // --- scans ----------------------------------------------------------------------------------

    /** One component, one block per MCU; the last column and row repeat to fill the edge blocks. */
    private void gray(GrayPlane plane, Quantizer quantizer) {
        int[] dc = {0};
        int blocksX = (plane.width() + 7) / 8;
        int blocksY = (plane.height() + 7) / 8;
        byte[] data = plane.data();
        for (int by = 0; by < blocksY; by++) {
            for (int bx = 0; bx < blocksX; bx++) {
                int x0 = bx * 8;
                int y0 = by * 8;
                if (x0 + 8 <= plane.width() && y0 + 8 <= plane.height()) {
                    int row = plane.offset() + y0 * plane.stride() + x0;
                    for (int y = 0; y < 8; y++, row += plane.stride()) {
                        for (int x = 0; x < 8; x++) {
                            block[y * 8 + x] = (data[row + x] & 0xFF) - 128;
                        }
                    }
                } else {
                    for (int y = 0; y < 8; y++) {
                        int row = plane.offset() + Math.min(y0 + y, plane.height() - 1) * plane.stride();
                        for (int x = 0; x < 8; x++) {
                            block[y * 8 + x] = (data[row + Math.min(x0 + x, plane.width() - 1)] & 0xFF) - 128;
                        }
                    }
                }
                transformAndEncode(quantizer, dc, 0, DC_LUMINANCE, AC_LUMINANCE);
            }
        }
    }

    /**
     * Interleaved Y, Cb, Cr with Y sampled 2 x 2: each MCU is 16 x 16 pixels, four Y blocks then one
     * Cb and one Cr block.
     */
    private void colour(RgbPlane plane, Quantizer luminance, Quantizer chrominance) {
        int width = plane.width();
        int height = plane.height();
        int mcusX = (width + 15) / 16;
        int mcusY = (height + 15) / 16;
        int yBlocksX = (width + 7) / 8;       // Y blocks with image data; the rest of an MCU are dummies
        int yBlocksY = (height + 7) / 8;
        int chromaRows = (height + 1) / 2;    // chroma rows from image data; rows below repeat the last
        int paddedWidth = mcusX * 16;
        // One MCU row of the three full-resolution planes, the last column repeated to paddedWidth.
        int[] yPlane = new int[16 * paddedWidth];
        int[] cbPlane = new int[16 * paddedWidth];
        int[] crPlane = new int[16 * paddedWidth];
        int[] cbSmall = new int[8 * mcusX * 8];
        int[] crSmall = new int[8 * mcusX * 8];
        int[] dc = {0, 0, 0};
        for (int my = 0; my < mcusY; my++) {
            int y0 = my * 16;
            for (int y = 0; y < 16; y++) {
                int source = plane.offset() + Math.min(y0 + y, height - 1) * plane.stride();
                int target = y * paddedWidth;
                for (int x = 0; x < paddedWidth; x++) {
                    int rgb = plane.data()[source + Math.min(x, width - 1)];
                    int r = (rgb >> 16) & 0xFF;
                    int g = (rgb >> 8) & 0xFF;
                    int b = rgb & 0xFF;
                    yPlane[target + x] = (Ycc.R_Y[r] + Ycc.G_Y[g] + Ycc.B_Y[b]) >> Ycc.SCALE_BITS;
                    cbPlane[target + x] = (Ycc.R_CB[r] + Ycc.G_CB[g] + Ycc.B_CB_R_CR[b]) >> Ycc.SCALE_BITS;
                    crPlane[target + x] = (Ycc.B_CB_R_CR[r] + Ycc.G_CR[g] + Ycc.B_CR[b]) >> Ycc.SCALE_BITS;
                }
            }
            downsample(cbPlane, cbSmall, paddedWidth, my, height, chromaRows);
            downsample(crPlane, crSmall, paddedWidth, my, height, chromaRows);
            for (int mx = 0; mx < mcusX; mx++) {
                for (int v = 0; v < 2; v++) {
                    for (int h = 0; h < 2; h++) {
                        int blockX = mx * 2 + h;
                        int blockY = my * 2 + v;
                        if (blockX < yBlocksX && blockY < yBlocksY) {
                            load(yPlane, v * 8 * paddedWidth + blockX * 8, paddedWidth);
                            transformAndEncode(luminance, dc, 0, DC_LUMINANCE, AC_LUMINANCE);
                        } else {
                            // libjpeg's dummy block: no AC, the DC of the block before it (a difference of 0).
                            encodeDummy(DC_LUMINANCE, AC_LUMINANCE);
                        }
                    }
                }
                load(cbSmall, mx * 8, mcusX * 8);
                transformAndEncode(chrominance, dc, 1, DC_CHROMINANCE, AC_CHROMINANCE);
                load(crSmall, mx * 8, mcusX * 8);
                transformAndEncode(chrominance, dc, 2, DC_CHROMINANCE, AC_CHROMINANCE);
            }
        }
    }

    /**
     * 2 x 2 averaging with libjpeg's alternating bias (1, 2, 1, 2 ... along each output row) into 8 rows;
     * output rows below the image repeat its last chroma row.
     */
    private static void downsample(int[] full, int[] small, int fullWidth, int mcuRow, int height, int chromaRows) {
        int smallWidth = fullWidth / 2;
        for (int row = 0; row < 8; row++) {
            int chromaRow = Math.min(mcuRow * 8 + row, chromaRows - 1);
            // Within this MCU row's planes: the rows of chromaRow (its second row repeats the last image row).
            int top = chromaRow * 2 - mcuRow * 16;
            int bottom = Math.min(chromaRow * 2 + 1, height - 1) - mcuRow * 16;
            int a = top * fullWidth;
            int b = bottom * fullWidth;
            int out = row * smallWidth;
            for (int x = 0; x < smallWidth; x++) {
                int bias = 1 + (x & 1);
                small[out + x] = (full[a + 2 * x] + full[a + 2 * x + 1] + full[b + 2 * x] + full[b + 2 * x + 1] + bias) >> 2;
            }
        }
    }

    private void load(int[] plane, int start, int stride) {
        for (int y = 0; y < 8; y++) {
            int row = start + y * stride;
            for (int x = 0; x < 8; x++) {
                block[y * 8 + x] = plane[row + x] - 128;
            }
        }
    }

    /** DCT, quantization and entropy coding of {@link #block}; {@code dc[component]} is that component's last DC. */
    private void transformAndEncode(Quantizer quantizer, int[] dc, int component, HuffmanCode dcCode,
            HuffmanCode acCode) {
        Dct.forward(block);
        long nonZero = quantizer.quantize(block, coefficients);
        int difference = coefficients[0] - dc[component];
        dc[component] = coefficients[0];
        bits.encodeBlock(difference, coefficients, nonZero, dcCode, acCode);
    }

    private void encodeDummy(HuffmanCode dcCode, HuffmanCode acCode) {
        bits.encodeBlock(0, coefficients, 0, dcCode, acCode);
    }

    // --- markers --------------------------------------------------------------------------------

    private void headers(int width, int height, Quantizer luminance, Quantizer chrominance) {
        boolean colour = chrominance != null;
        int components = colour ? 3 : 1;
        bits.marker(0xD8);                                          // SOI
        bits.marker(0xE0);                                          // APP0: JFIF 1.01, no density, no thumbnail
        bits.bytes(0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0);
        bits.marker(0xDB);                                          // DQT
        bits.u16(2 + 65 * (colour ? 2 : 1));
        luminance.writeTable(bits, 0);
        if (colour) {
            chrominance.writeTable(bits, 1);
        }
        bits.marker(0xC0);                                          // SOF0: baseline, 8 bits
        bits.u16(8 + 3 * components);
        bits.bytes(8);
        bits.u16(height);
        bits.u16(width);
        bits.bytes(components);
        if (colour) {
            bits.bytes(1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1);         // Y 2x2 table 0; Cb, Cr 1x1 table 1
        } else {
            bits.bytes(1, 0x11, 0);
        }
        bits.marker(0xC4);                                          // DHT
        int length = 2 + DC_LUMINANCE.markerLength() + AC_LUMINANCE.markerLength();
        if (colour) {
            length += DC_CHROMINANCE.markerLength() + AC_CHROMINANCE.markerLength();
        }
        bits.u16(length);
        DC_LUMINANCE.write(bits, 0x00);
        AC_LUMINANCE.write(bits, 0x10);
        if (colour) {
            DC_CHROMINANCE.write(bits, 0x01);
            AC_CHROMINANCE.write(bits, 0x11);
        }
        bits.marker(0xDA);                                          // SOS: all components, Ss 0, Se 63
        bits.u16(6 + 2 * components);
        bits.bytes(components);
        if (colour) {
            bits.bytes(1, 0x00, 2, 0x11, 3, 0x11);
        } else {
            bits.bytes(1, 0x00);
        }
        bits.bytes(0, 63, 0);
    }

    // --- the steps ------------------------------------------------------------------------------

    /** The quantization table for a quality, with the divisors libjpeg uses after its DCT (scaled by 8). */
    private static final class Quantizer {
        private final int[] table = new int[64];      // natural order
        private final int[] half = new int[64];
        private final long[] reciprocal = new long[64];

        Quantizer(JPEGQTable base, int quality) {
            // jcparam.c jpeg_quality_scaling and jpeg_add_quant_table (baseline: 1..255).
            int q = Math.max(1, Math.min(100, quality));
            int scale = q < 50 ? 5000 / q : 200 - q * 2;
            int[] values = base.getTable();
            for (int i = 0; i < 64; i++) {
                table[i] = (int) Math.max(1, Math.min(255, (values[i] * (long) scale + 50) / 100));
                int divisor = table[i] << 3;
                half[i] = divisor >> 1;
                // x / divisor == (x * reciprocal) >>> 40 for 0 <= x < 2^40 / divisor, far above any DCT output.
                reciprocal[i] = (1L << 40) / divisor + 1;
            }
        }

        /**
         * jcdctmgr.c: rounds |x| / divisor to the nearest, keeping the sign; output in zig-zag order.
         * Returns the zig-zag positions of the non-zero coefficients as bits, for the entropy coder.
         */
        long quantize(int[] dct, int[] zigzag) {
            long nonZero = 0;
            for (int i = 0; i < 64; i++) {
                int x = dct[i];
                int magnitude = (int) (((x < 0 ? -x : x) + half[i]) * reciprocal[i] >>> 40);
                int position = ZIGZAG_OF_NATURAL[i];
                zigzag[position] = x < 0 ? -magnitude : magnitude;
                nonZero |= (long) (-magnitude >>> 31) << position;
            }
            return nonZero;
        }

        void writeTable(BitWriter out, int id) {
            out.bytes(id);
            int[] zigzag = new int[64];
            for (int i = 0; i < 64; i++) {
                zigzag[ZIGZAG_OF_NATURAL[i]] = table[i];
            }
            for (int value : zigzag) {
                out.bytes(value);
            }
        }
    }

    /** jfdctint.c: the islow integer DCT (Loeffler, Ligtenberg, Moschytz), output scaled by 8. */
    private static final class Dct {
        private static final int CONST_BITS = 13;
        private static final int PASS1_BITS = 2;
        private static final int FIX_0_298631336 = 2446;
        private static final int FIX_0_390180644 = 3196;
        private static final int FIX_0_541196100 = 4433;
        private static final int FIX_0_765366865 = 6270;
        private static final int FIX_0_899976223 = 7373;
        private static final int FIX_1_175875602 = 9633;
        private static final int FIX_1_501321110 = 12299;
        private static final int FIX_1_847759065 = 15137;
        private static final int FIX_1_961570560 = 16069;
        private static final int FIX_2_053119869 = 16819;
        private static final int FIX_2_562915447 = 20995;
        private static final int FIX_3_072711026 = 25172;

        static void forward(int[] d) {
            // Pass 1: rows, results scaled up by 2^PASS1_BITS.
            for (int o = 0; o < 64; o += 8) {
                int tmp0 = d[o] + d[o + 7];
                int tmp7 = d[o] - d[o + 7];
                int tmp1 = d[o + 1] + d[o + 6];
                int tmp6 = d[o + 1] - d[o + 6];
                int tmp2 = d[o + 2] + d[o + 5];
                int tmp5 = d[o + 2] - d[o + 5];
                int tmp3 = d[o + 3] + d[o + 4];
                int tmp4 = d[o + 3] - d[o + 4];
                int tmp10 = tmp0 + tmp3;
                int tmp13 = tmp0 - tmp3;
                int tmp11 = tmp1 + tmp2;
                int tmp12 = tmp1 - tmp2;
                d[o] = (tmp10 + tmp11) << PASS1_BITS;
                d[o + 4] = (tmp10 - tmp11) << PASS1_BITS;
                int z1 = (tmp12 + tmp13) * FIX_0_541196100;
                d[o + 2] = descale(z1 + tmp13 * FIX_0_765366865, CONST_BITS - PASS1_BITS);
                d[o + 6] = descale(z1 - tmp12 * FIX_1_847759065, CONST_BITS - PASS1_BITS);
                z1 = tmp4 + tmp7;
                int z2 = tmp5 + tmp6;
                int z3 = tmp4 + tmp6;
                int z4 = tmp5 + tmp7;
                int z5 = (z3 + z4) * FIX_1_175875602;
                z1 *= -FIX_0_899976223;
                z2 *= -FIX_2_562915447;
                z3 = z3 * -FIX_1_961570560 + z5;
                z4 = z4 * -FIX_0_390180644 + z5;
                d[o + 7] = descale(tmp4 * FIX_0_298631336 + z1 + z3, CONST_BITS - PASS1_BITS);
                d[o + 5] = descale(tmp5 * FIX_2_053119869 + z2 + z4, CONST_BITS - PASS1_BITS);
                d[o + 3] = descale(tmp6 * FIX_3_072711026 + z2 + z3, CONST_BITS - PASS1_BITS);
                d[o + 1] = descale(tmp7 * FIX_1_501321110 + z1 + z4, CONST_BITS - PASS1_BITS);
            }
            // Pass 2: columns, removing PASS1_BITS and leaving the overall factor of 8.
            for (int o = 0; o < 8; o++) {
                int tmp0 = d[o] + d[o + 56];
                int tmp7 = d[o] - d[o + 56];
                int tmp1 = d[o + 8] + d[o + 48];
                int tmp6 = d[o + 8] - d[o + 48];
                int tmp2 = d[o + 16] + d[o + 40];
                int tmp5 = d[o + 16] - d[o + 40];
                int tmp3 = d[o + 24] + d[o + 32];
                int tmp4 = d[o + 24] - d[o + 32];
                int tmp10 = tmp0 + tmp3;
                int tmp13 = tmp0 - tmp3;
                int tmp11 = tmp1 + tmp2;
                int tmp12 = tmp1 - tmp2;
                d[o] = descale(tmp10 + tmp11, PASS1_BITS);
                d[o + 32] = descale(tmp10 - tmp11, PASS1_BITS);
                int z1 = (tmp12 + tmp13) * FIX_0_541196100;
                d[o + 16] = descale(z1 + tmp13 * FIX_0_765366865, CONST_BITS + PASS1_BITS);
                d[o + 48] = descale(z1 - tmp12 * FIX_1_847759065, CONST_BITS + PASS1_BITS);
                z1 = tmp4 + tmp7;
                int z2 = tmp5 + tmp6;
                int z3 = tmp4 + tmp6;
                int z4 = tmp5 + tmp7;
                int z5 = (z3 + z4) * FIX_1_175875602;
                z1 *= -FIX_0_899976223;
                z2 *= -FIX_2_562915447;
                z3 = z3 * -FIX_1_961570560 + z5;
                z4 = z4 * -FIX_0_390180644 + z5;
                d[o + 56] = descale(tmp4 * FIX_0_298631336 + z1 + z3, CONST_BITS + PASS1_BITS);
                d[o + 40] = descale(tmp5 * FIX_2_053119869 + z2 + z4, CONST_BITS + PASS1_BITS);
                d[o + 24] = descale(tmp6 * FIX_3_072711026 + z2 + z3, CONST_BITS + PASS1_BITS);
                d[o + 8] = descale(tmp7 * FIX_1_501321110 + z1 + z4, CONST_BITS + PASS1_BITS);
            }
        }

        private static int descale(int x, int n) {
            return (x + (1 << (n - 1))) >> n;
        }
    }

    /** jccolor.c: RGB to JFIF YCbCr in 16-bit fixed point, by table. */
    private static final class Ycc {
        static final int SCALE_BITS = 16;
        static final int[] R_Y = new int[256];
        static final int[] G_Y = new int[256];
        static final int[] B_Y = new int[256];
        static final int[] R_CB = new int[256];
        static final int[] G_CB = new int[256];
        static final int[] B_CB_R_CR = new int[256];   // B's part of Cb and R's part of Cr are both 0.5
        static final int[] G_CR = new int[256];
        static final int[] B_CR = new int[256];

        static {
            int half = 1 << (SCALE_BITS - 1);
            int offset = 128 << SCALE_BITS;
            for (int i = 0; i < 256; i++) {
                R_Y[i] = fix(0.29900) * i;
                G_Y[i] = fix(0.58700) * i;
                B_Y[i] = fix(0.11400) * i + half;
                R_CB[i] = -fix(0.16874) * i;
                G_CB[i] = -fix(0.33126) * i;
                // libjpeg: "+ ONE_HALF - 1", so the maximum output is 255, not 256.
                B_CB_R_CR[i] = fix(0.50000) * i + offset + half - 1;
                G_CR[i] = -fix(0.41869) * i;
                B_CR[i] = -fix(0.08131) * i;
            }
        }

        private static int fix(double x) {
            return (int) (x * (1L << SCALE_BITS) + 0.5);
        }
    }

    /** A Huffman table's codes by symbol (T.81 Annex C), and its DHT segment. */
    private static final class HuffmanCode {
        private final short[] lengths;
        private final short[] values;
        final int[] code = new int[256];
        final int[] size = new int[256];

        HuffmanCode(JPEGHuffmanTable table) {
            lengths = table.getLengths();
            values = table.getValues();
            int k = 0;
            int next = 0;
            for (int length = 1; length <= 16; length++) {
                for (int i = 0; i < lengths[length - 1]; i++, k++) {
                    code[values[k]] = next++;
                    size[values[k]] = length;
                }
                next <<= 1;
            }
        }

        int markerLength() {
            return 1 + 16 + values.length;
        }

        void write(BitWriter out, int classAndId) {
            out.bytes(classAndId);
            for (short count : lengths) {
                out.bytes(count);
            }
            for (short value : values) {
                out.bytes(value);
            }
        }
    }

    /** The output: marker bytes, and the entropy-coded bits with a 0 stuffed after each 0xFF. */
    private static final class BitWriter {
        private static final VarHandle BIG_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
                ByteOrder.BIG_ENDIAN);

        byte[] buffer;
        int length;
        private long accumulator;
        private int pending;      // bits in the accumulator not yet written, at most 32 between calls

        BitWriter(int capacity) {
            buffer = new byte[capacity];
        }

        void marker(int code) {
            bytes(0xFF, code);
        }

        void u16(int value) {
            bytes(value >> 8, value & 0xFF);
        }

        void bytes(int... values) {
            ensure(values.length);
            for (int value : values) {
                buffer[length++] = (byte) value;
            }
        }

        /**
         * One block: the DC difference, then the AC run lengths and values (T.81 F.1.2). The zeros are
         * skipped by the bits of {@code nonZero} (bit k: zig-zag coefficient k is not 0) rather than
         * tested one by one.
         */
        void encodeBlock(int dcDifference, int[] zigzag, long nonZero, HuffmanCode dc, HuffmanCode ac) {
            // Each coefficient costs at most 16 + 11 bits, doubled by stuffing: 64 * 7 bytes is plenty.
            ensure(64 * 7 + 16);
            int magnitude = dcDifference < 0 ? -dcDifference : dcDifference;
            int category = 32 - Integer.numberOfLeadingZeros(magnitude);
            put(dc.code[category] << category | (dcDifference < 0 ? dcDifference - 1 : dcDifference) & ((1 << category) - 1),
                    dc.size[category] + category);
            long remaining = nonZero & ~1L;
            int previous = 0;
            while (remaining != 0) {
                int k = Long.numberOfTrailingZeros(remaining);
                remaining &= remaining - 1;
                int run = k - previous - 1;
                previous = k;
                for (; run > 15; run -= 16) {
                    put(ac.code[0xF0], ac.size[0xF0]);                   // ZRL: sixteen zeros
                }
                int value = zigzag[k];
                magnitude = value < 0 ? -value : value;
                category = 32 - Integer.numberOfLeadingZeros(magnitude);
                int symbol = run << 4 | category;
                put(ac.code[symbol] << category | (value < 0 ? value - 1 : value) & ((1 << category) - 1),
                        ac.size[symbol] + category);
            }
            if (previous != 63) {
                put(ac.code[0], ac.size[0]);                             // EOB
            }
        }

        /** Appends the low {@code count} (at most 27) bits of {@code value}. */
        private void put(int value, int count) {
            accumulator = accumulator << count | value;
            pending += count;
            if (pending >= 32) {
                pending -= 32;
                int word = (int) (accumulator >>> pending);
                if ((~word - 0x01010101 & word & 0x80808080) == 0) {     // no 0xFF byte (a zero byte in ~word)
                    BIG_ENDIAN_INT.set(buffer, length, word);
                    length += 4;
                } else {
                    for (int shift = 24; shift >= 0; shift -= 8) {
                        int b = (word >>> shift) & 0xFF;
                        buffer[length++] = (byte) b;
                        if (b == 0xFF) {
                            buffer[length++] = 0;
                        }
                    }
                }
            }
        }

        /** Writes the remaining bits padded with 1s to a byte (as libjpeg), then EOI. */
        void finish() {
            ensure(16);
            put(0x7F, 7);
            for (; pending >= 8; pending -= 8) {
                int b = (int) (accumulator >>> (pending - 8)) & 0xFF;
                buffer[length++] = (byte) b;
                if (b == 0xFF) {
                    buffer[length++] = 0;
                }
            }
            pending = 0;
            marker(0xD9);
        }

        private void ensure(int more) {
            if (length + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
            }
        }
    }
}
