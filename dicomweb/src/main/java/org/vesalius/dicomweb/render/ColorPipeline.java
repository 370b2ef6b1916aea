package org.vesalius.dicomweb.render;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/** Colour frames to 8-bit sRGB: RGB as is (scaled down from more bits), YBR_FULL converted, palettes looked up. */
final class ColorPipeline {

    private ColorPipeline() {
    }

    static BufferedImage render(DecodedFrame frame, ImageHeader header) throws RenderException {
        BufferedImage image = new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_INT_RGB);
        int[] target = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        int[] v = frame.values();
        String photometric = frame.photometric();
        if (photometric.equals("PALETTE COLOR") && frame.samples() == 1) {
            Palette palette = header.palette().orElseThrow();
            for (int p = 0; p < target.length; p++) {
                target[p] = palette.rgb(v[p]);
            }
            return image;
        }
        if (frame.samples() != 3) {
            throw new RenderException(RenderException.Reason.UNSUPPORTED,
                    "photometric interpretation " + photometric + " with " + frame.samples() + " samples is not rendered");
        }
        // Samples are unsigned; more than 8 bits keep their most significant 8.
        int shift = Math.max(0, header.bitsStored() - 8);
        switch (photometric) {
            case "RGB" -> {
                for (int p = 0; p < target.length; p++) {
                    target[p] = (v[3 * p] >>> shift) << 16 | (v[3 * p + 1] >>> shift) << 8 | (v[3 * p + 2] >>> shift);
                }
            }
            case "YBR_FULL", "YBR_FULL_422" -> {
                for (int p = 0; p < target.length; p++) {
                    target[p] = ybrFullToRgb(v[3 * p] >>> shift, v[3 * p + 1] >>> shift, v[3 * p + 2] >>> shift);
                }
            }
            default -> throw new RenderException(RenderException.Reason.UNSUPPORTED,
                    "photometric interpretation " + photometric + " is not rendered");
        }
        return image;
    }

    /** PS3.3 C.7.6.3.1.2, the inverse of the YBR_FULL equations (JFIF full-range). */
    static int ybrFullToRgb(int y, int cb, int cr) {
        int r = clamp(Math.round(y + 1.402 * (cr - 128)));
        int g = clamp(Math.round(y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128)));
        int b = clamp(Math.round(y + 1.772 * (cb - 128)));
        return r << 16 | g << 8 | b;
    }

    private static int clamp(long value) {
        return (int) Math.max(0, Math.min(255, value));
    }
}
