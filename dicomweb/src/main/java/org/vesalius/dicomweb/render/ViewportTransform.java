package org.vesalius.dicomweb.render;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Applies a {@link Viewport}: crop the source region, flip for negative sizes, scale to fit. */
final class ViewportTransform {

    private ViewportTransform() {
    }

    static BufferedImage apply(BufferedImage source, Viewport viewport) throws RenderException {
        int sx = viewport.sx() == null ? 0 : viewport.sx();
        int sy = viewport.sy() == null ? 0 : viewport.sy();
        int sw = viewport.sw() == null ? source.getWidth() - sx : viewport.sw();
        int sh = viewport.sh() == null ? source.getHeight() - sy : viewport.sh();
        // A negative size selects the region before sx (sy), mirrored.
        int left = sw < 0 ? sx + sw : sx;
        int top = sh < 0 ? sy + sh : sy;
        int width = Math.abs(sw);
        int height = Math.abs(sh);
        if (width == 0 || height == 0 || left < 0 || top < 0 || left + width > source.getWidth()
                || top + height > source.getHeight()) {
            throw new RenderException(RenderException.Reason.BAD_PARAMETER, "viewport source region " + sx + "," + sy
                    + "," + sw + "," + sh + " is outside the " + source.getWidth() + "x" + source.getHeight() + " image");
        }
        double scale = Math.min((double) viewport.width() / width, (double) viewport.height() / height);
        int outWidth = Math.max(1, (int) Math.round(width * scale));
        int outHeight = Math.max(1, (int) Math.round(height * scale));
        BufferedImage result = new BufferedImage(outWidth, outHeight, source.getType());
        Graphics2D g = result.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            int dx1 = sw < 0 ? outWidth : 0;
            int dx2 = sw < 0 ? 0 : outWidth;
            int dy1 = sh < 0 ? outHeight : 0;
            int dy2 = sh < 0 ? 0 : outHeight;
            g.drawImage(source, dx1, dy1, dx2, dy2, left, top, left + width, top + height, null);
        } finally {
            g.dispose();
        }
        return result;
    }
}
