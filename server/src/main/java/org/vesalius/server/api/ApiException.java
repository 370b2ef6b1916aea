package org.vesalius.server.api;

/**
 * A refused API request: its HTTP status and a one-line reason, answered as {@code {"error": reason}}.
 * Thrown before anything is stored, or after what was stored has been removed again.
 */
final class ApiException extends RuntimeException {
    private final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    static ApiException forbidden(String message) {
        return new ApiException(403, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    static ApiException conflict(String message) {
        return new ApiException(409, message);
    }

    static ApiException tooLarge(long limit) {
        return new ApiException(413, "the body is larger than the limit of " + limit + " bytes");
    }

    static ApiException unsupportedMediaType(String message) {
        return new ApiException(415, message);
    }

    static ApiException unavailable(String message) {
        return new ApiException(503, message);
    }
}
