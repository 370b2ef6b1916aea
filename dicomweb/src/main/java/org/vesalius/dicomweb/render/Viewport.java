package org.vesalius.dicomweb.render;

/**
 * PS3.18 §8.3.5.1.3 {@code viewport=vw,vh[,sx,sy,sw,sh]}: the source region (sx, sy, sw, sh, in
 * source pixels; the whole image when absent) is scaled to fit vw x vh keeping its aspect ratio.
 * A negative sw or sh selects the region to the left of sx (above sy) and flips it.
 */
public record Viewport(int width, int height, Integer sx, Integer sy, Integer sw, Integer sh) {

    public Viewport {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("viewport size must be positive");
        }
        if ((sw != null && sw == 0) || (sh != null && sh == 0)) {
            throw new IllegalArgumentException("source region width and height must not be 0");
        }
    }

    public static Viewport of(int width, int height) {
        return new Viewport(width, height, null, null, null, null);
    }

    /** Parses {@code vw,vh[,sx,sy,sw,sh]}; region values may be left empty to take their default. */
    public static Viewport parse(String text) throws RenderException {
        String[] parts = text.split(",", -1);
        if (parts.length != 2 && parts.length != 6) {
            throw bad(text);
        }
        try {
            Integer[] v = new Integer[6];
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i].trim();
                v[i] = p.isEmpty() ? null : Integer.valueOf(p);
            }
            if (v[0] == null || v[1] == null) {
                throw bad(text);
            }
            return new Viewport(v[0], v[1], v[2], v[3], v[4], v[5]);
        } catch (IllegalArgumentException e) {
            throw bad(text);
        }
    }

    private static RenderException bad(String text) {
        return new RenderException(RenderException.Reason.BAD_PARAMETER,
                "viewport must be vw,vh[,sx,sy,sw,sh] with positive vw, vh and non-zero sw, sh: '" + text + "'");
    }
}
