package org.vesalius.dicomweb.http;

/**
 * A request the service answers with an HTTP error status and a short text reason
 * (PS3.18 8.6.4: 400, 404, 406, 409, 415, 503 ...). Thrown by handlers before the response starts.
 */
public final class DicomWebException extends RuntimeException {
    private final int status;

    public DicomWebException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static DicomWebException badRequest(String reason) {
        return new DicomWebException(400, reason);
    }

    public static DicomWebException notFound(String reason) {
        return new DicomWebException(404, reason);
    }

    public static DicomWebException notAcceptable(String reason) {
        return new DicomWebException(406, reason);
    }

    public static DicomWebException unsupportedMediaType(String reason) {
        return new DicomWebException(415, reason);
    }
}
