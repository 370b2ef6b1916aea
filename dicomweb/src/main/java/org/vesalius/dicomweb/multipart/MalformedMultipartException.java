package org.vesalius.dicomweb.multipart;

import java.io.IOException;

/** A body that is not well-formed multipart (RFC 2046 5.1.1) with the announced boundary. */
public final class MalformedMultipartException extends IOException {
    public MalformedMultipartException(String message) {
        super(message);
    }
}
