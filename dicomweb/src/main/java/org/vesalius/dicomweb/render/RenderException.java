package org.vesalius.dicomweb.render;

/**
 * An image that cannot be rendered as asked. The reason lets the HTTP layer choose the status
 * (a bad parameter or a missing frame is the client's fault; an undecodable object is not).
 */
public final class RenderException extends Exception {

    public enum Reason {
        /** A request parameter is malformed or out of range (HTTP 400). */
        BAD_PARAMETER,
        /** The requested frame does not exist (HTTP 400/404). */
        NO_SUCH_FRAME,
        /** The object has no pixel data, e.g. a structured report (HTTP 400/406). */
        NO_PIXEL_DATA,
        /** The transfer syntax or pixel format has no decoder here, e.g. MPEG video (HTTP 406/501). */
        UNSUPPORTED,
        /** The pixel data is truncated or does not decode (HTTP 500/422). */
        CORRUPT
    }

    private final Reason reason;

    public RenderException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RenderException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
