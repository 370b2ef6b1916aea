package org.vesalius.dicomweb.render;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * PS3.4 N.2's grayscale pipeline on stored values, done by us rather than by PixelMed's SourceImage
 * (which needs all frames in memory and rejects 32-bit data), so each step is the standard's formula:
 * stored value -> Modality LUT (rescale) -> VOI (window, VOI LUT, or the frame's range) ->
 * presentation (MONOCHROME1 inverted) -> 8 bits.
 */
final class GrayscalePipeline {

    private GrayscalePipeline() {
    }

    /** The VOI actually applied, for the technique annotation. */
    record Result(BufferedImage image, String voiDescription) {
    }

    static Result render(DecodedFrame frame, ImageHeader header, Window requested) {
        double[] modality = modalityValues(frame, header);
        byte[] out = new byte[modality.length];
        String description;
        if (requested != null || header.headerWindow().isPresent() || header.voiLut().isEmpty()) {
            Window window = requested != null ? requested : header.headerWindow().orElseGet(() -> rangeWindow(modality));
            for (int i = 0; i < modality.length; i++) {
                out[i] = (byte) Math.round(window.function().apply(modality[i], window.center(), window.width(), 0, 255));
            }
            description = "W " + format(window.center()) + "/" + format(window.width());
        } else {
            Lut lut = header.voiLut().get();
            for (int i = 0; i < modality.length; i++) {
                out[i] = (byte) lut.toByte(modality[i]);
            }
            description = "VOI LUT";
        }
        if (header.photometric().equals("MONOCHROME1")) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) (255 - (out[i] & 0xFF));
            }
        }
        BufferedImage image = new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(out, 0, target, 0, out.length);
        return new Result(image, description);
    }

    /** Rescale Slope and Intercept (PS3.3 C.11.1.1.2); unsigned 32-bit values are taken as such. */
    static double[] modalityValues(DecodedFrame frame, ImageHeader header) {
        int[] values = frame.values();
        boolean unsigned32 = !header.signed() && header.bitsStored() == 32;
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            double stored = unsigned32 ? Integer.toUnsignedLong(values[i]) : values[i];
            result[i] = stored * header.rescaleSlope() + header.rescaleIntercept();
        }
        return result;
    }

    /** Without any VOI in the header, the frame's own range (LINEAR_EXACT so min maps to 0, max to 255). */
    static Window rangeWindow(double[] modality) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : modality) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double width = Math.max(max - min, 1e-6);
        return new Window((min + max) / 2, width, VoiFunction.LINEAR_EXACT);
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(java.util.Locale.ROOT, "%.1f", value);
    }
}
