package org.vesalius.dicomweb.render;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;
import java.util.function.LongUnaryOperator;

/**
 * PS3.4 N.2's grayscale pipeline on stored values, done by us rather than by PixelMed's SourceImage
 * (which needs all frames in memory and rejects 32-bit data), so each step is the standard's formula:
 * stored value -> Modality LUT (rescale) -> VOI (window, VOI LUT, or the frame's range) ->
 * presentation (MONOCHROME1 inverted) -> 8 bits.
 *
 * <p>The steps are composed into one function of the stored value, evaluated once per distinct value
 * in a table over the frame's min..max (not once per pixel): a 512 x 512 CT has 262 144 pixels but a
 * few thousand distinct values. A window function is monotonic in the stored value, so the table is
 * filled by bisection: it holds at most 256 steps, and each step costs a few evaluations.
 */
final class GrayscalePipeline {

    /** The widest min..max range tabulated (1 MB); wider ranges (32-bit data) are computed per pixel. */
    private static final long MAX_TABLE = 1 << 20;

    private GrayscalePipeline() {
    }

    /** The VOI actually applied, for the technique annotation. */
    record Result(BufferedImage image, String voiDescription) {
    }

    static Result render(DecodedFrame frame, ImageHeader header, Window requested) {
        int[] values = frame.values();
        boolean unsigned32 = !header.signed() && header.bitsStored() == 32;
        long[] extremes = extremes(values, unsigned32);
        long min = extremes[0];
        long max = extremes[1];
        double slope = header.rescaleSlope();
        double intercept = header.rescaleIntercept();
        boolean invert = header.photometric().equals("MONOCHROME1");
        LongUnaryOperator toByte;
        boolean monotonic;
        String description;
        if (requested != null || header.headerWindow().isPresent() || header.voiLut().isEmpty()) {
            Window window = requested != null ? requested : header.headerWindow()
                    .orElseGet(() -> rangeWindow(modality(min, slope, intercept), modality(max, slope, intercept)));
            VoiFunction function = window.function();
            double center = window.center();
            double width = window.width();
            toByte = stored -> {
                long out = Math.round(function.apply(modality(stored, slope, intercept), center, width, 0, 255));
                return invert ? 255 - out : out;
            };
            // Rescale, each VOI function and the inversion are monotonic, and so is rounding in each step.
            monotonic = true;
            description = "W " + format(center) + "/" + format(width);
        } else {
            Lut lut = header.voiLut().get();
            toByte = stored -> {
                int out = lut.toByte(modality(stored, slope, intercept));
                return invert ? 255 - out : out;
            };
            monotonic = false; // a VOI LUT's entries may go up and down
            description = "VOI LUT";
        }
        BufferedImage image = new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] out = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        long range = max - min + 1;
        // A table costs a few evaluations per step when monotonic, else one per value in the range.
        if (range <= MAX_TABLE && (monotonic || range <= values.length)) {
            byte[] table = new byte[(int) range];
            if (monotonic) {
                fillMonotonic(table, min, toByte);
            } else {
                for (int i = 0; i < table.length; i++) {
                    table[i] = (byte) toByte.applyAsLong(min + i);
                }
            }
            // For unsigned 32-bit data (int) min and values[i] - base wrap, and the difference (below 2^20) is right.
            int base = (int) min;
            for (int i = 0; i < out.length; i++) {
                out[i] = table[values[i] - base];
            }
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) toByte.applyAsLong(unsigned32 ? Integer.toUnsignedLong(values[i]) : values[i]);
            }
        }
        return new Result(image, description);
    }

    /** {min, max} of the stored values; unsigned 32-bit values are taken as such. */
    private static long[] extremes(int[] values, boolean unsigned32) {
        if (unsigned32) {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int value : values) {
                min = Math.min(min, Integer.toUnsignedLong(value));
                max = Math.max(max, Integer.toUnsignedLong(value));
            }
            return new long[] {min, max};
        }
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int value : values) {
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        return new long[] {min, max};
    }

    /** Rescale Slope and Intercept (PS3.3 C.11.1.1.2). */
    private static double modality(long stored, double slope, double intercept) {
        return stored * slope + intercept;
    }

    /**
     * table[i] = f(first + i) for a monotonic (either way) f: where f has the same value at both
     * ends of an interval it has it throughout, so intervals are split only where f changes.
     */
    static void fillMonotonic(byte[] table, long first, LongUnaryOperator f) {
        int last = table.length - 1;
        long atFirst = f.applyAsLong(first);
        long atLast = f.applyAsLong(first + last);
        table[0] = (byte) atFirst;
        table[last] = (byte) atLast;
        fill(table, first, f, 0, atFirst, last, atLast);
    }

    /** Fills table[low+1 .. high-1], given table[low] = f(low) and table[high] = f(high). */
    private static void fill(byte[] table, long first, LongUnaryOperator f, int low, long atLow, int high, long atHigh) {
        if (high - low < 2) {
            return;
        }
        if (atLow == atHigh) {
            Arrays.fill(table, low + 1, high, (byte) atLow);
            return;
        }
        int middle = (low + high) >>> 1;
        long atMiddle = f.applyAsLong(first + middle);
        table[middle] = (byte) atMiddle;
        fill(table, first, f, low, atLow, middle, atMiddle);
        fill(table, first, f, middle, atMiddle, high, atHigh);
    }

    /** Without any VOI in the header, the frame's own range (LINEAR_EXACT so min maps to 0, max to 255). */
    static Window rangeWindow(double atMin, double atMax) {
        // A negative slope maps the smallest stored value to the largest modality value.
        double low = Math.min(atMin, atMax);
        double high = Math.max(atMin, atMax);
        double width = Math.max(high - low, 1e-6);
        return new Window((low + high) / 2, width, VoiFunction.LINEAR_EXACT);
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(java.util.Locale.ROOT, "%.1f", value);
    }
}
