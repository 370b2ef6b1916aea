package org.vesalius.server.imaging;

/**
 * A refused picture request (convert, annotation, rendered, attributes): its HTTP status and a
 * one-line reason, answered as {@code {"error": reason}} like the rest of the REST API.
 */
public final class PictureException extends RuntimeException {
    private final int status;

    public PictureException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static PictureException badRequest(String message) {
        return new PictureException(400, message);
    }

    public static PictureException notFound(String message) {
        return new PictureException(404, message);
    }
}
