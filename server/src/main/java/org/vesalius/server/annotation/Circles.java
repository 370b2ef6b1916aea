package org.vesalius.server.annotation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.util.Locale;
import org.vesalius.server.imaging.PictureException;

/**
 * {@code count} circles evenly spaced along the vertical centre line: centres at
 * x = W/2, y = (i+1)·H/(count+1) for i = 0..count-1 (as far from each other as from the top and
 * bottom edges), radius min(W, H/(count+1))/4, drawn in {@link #COLOR} with a stroke of
 * {@link #strokeWidth()} pixels centred on the radius.
 */
public record Circles(int count) {
    /** Pure red: visible on any grayscale image, and easy to find again in the stored pixels. */
    public static final Color COLOR = new Color(255, 0, 0);
    public static final String SHAPE = "circles";
    public static final int MAX_COUNT = 100;
    /** Closer centres than this and the circles would merge into a line. */
    private static final double MIN_SPACING = 8;

    public Circles {
        if (count < 1 || count > MAX_COUNT) {
            throw PictureException.badRequest("count must be 1 to " + MAX_COUNT);
        }
    }

    /** From a request's shape and count; only "circles" is drawn. */
    public static Circles of(String shape, int count) {
        if (shape == null || !shape.trim().toLowerCase(Locale.ROOT).equals(SHAPE)) {
            throw PictureException.badRequest("shape must be \"" + SHAPE + "\"");
        }
        return new Circles(count);
    }

    public double centerX(int width) {
        return width / 2.0;
    }

    /** The centre of circle {@code i} (from 0). */
    public double centerY(int i, int height) {
        return (i + 1) * (double) height / (count + 1);
    }

    public double radius(int width, int height) {
        return Math.min(width, height / (double) (count + 1)) / 4;
    }

    public float strokeWidth(int width, int height) {
        return (float) Math.max(2, radius(width, height) / 4);
    }

    /** A copy of {@code image} as 8-bit RGB with the circles drawn on it. */
    public BufferedImage drawOn(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        if (height / (double) (count + 1) < MIN_SPACING) {
            throw PictureException.badRequest(count + " circles do not fit in an image " + height + " pixels high"
                    + " (at most " + (int) (height / MIN_SPACING - 1) + ")");
        }
        BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
            // Hard edges: the ring's pixels are exactly COLOR, so a reader can check them.
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(COLOR);
            g.setStroke(new BasicStroke(strokeWidth(width, height)));
            double r = radius(width, height);
            for (int i = 0; i < count; i++) {
                g.draw(new Ellipse2D.Double(centerX(width) - r, centerY(i, height) - r, 2 * r, 2 * r));
            }
        } finally {
            g.dispose();
        }
        return rgb;
    }
}
