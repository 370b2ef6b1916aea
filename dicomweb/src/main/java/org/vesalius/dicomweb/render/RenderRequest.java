package org.vesalius.dicomweb.render;

import java.util.Objects;
import java.util.Set;

/**
 * What to render: the format, which frame (1-based, as in DICOMweb URLs), an optional window (the
 * object's own VOI when absent), an optional viewport (original size when absent), the JPEG quality
 * (1..100) and the annotations to burn in.
 */
public record RenderRequest(OutputFormat format, int frame, Window window, Viewport viewport, int quality,
        Set<Annotation> annotations) {

    /** PS3.18 leaves the default quality to the origin server; 90 keeps diagnostic detail. */
    public static final int DEFAULT_QUALITY = 90;

    public RenderRequest {
        Objects.requireNonNull(format, "format");
        if (frame < 1) {
            throw new IllegalArgumentException("frame numbers start at 1");
        }
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("quality must be 1..100");
        }
        annotations = Set.copyOf(annotations);
    }

    /** Frame 1 at its original size with the object's own window. */
    public static RenderRequest of(OutputFormat format) {
        return new RenderRequest(format, 1, null, null, DEFAULT_QUALITY, Set.of());
    }

    /** A thumbnail: the object's default window, scaled to fit size x size. */
    public static RenderRequest thumbnail(OutputFormat format, int frame, int size) {
        return new RenderRequest(format, frame, null, Viewport.of(size, size), DEFAULT_QUALITY, Set.of());
    }

    public RenderRequest withFrame(int newFrame) {
        return new RenderRequest(format, newFrame, window, viewport, quality, annotations);
    }

    public RenderRequest withWindow(Window newWindow) {
        return new RenderRequest(format, frame, newWindow, viewport, quality, annotations);
    }

    public RenderRequest withViewport(Viewport newViewport) {
        return new RenderRequest(format, frame, window, newViewport, quality, annotations);
    }

    public RenderRequest withQuality(int newQuality) {
        return new RenderRequest(format, frame, window, viewport, newQuality, annotations);
    }

    public RenderRequest withAnnotations(Set<Annotation> newAnnotations) {
        return new RenderRequest(format, frame, window, viewport, quality, newAnnotations);
    }
}
