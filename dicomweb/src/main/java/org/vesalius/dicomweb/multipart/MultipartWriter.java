package org.vesalius.dicomweb.multipart;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * Writes a multipart body (RFC 2046) part by part, copying each part's content from its stream as
 * it is read: a study goes from the blob store to the socket without being held.
 *
 * <p>The content is not scanned for the boundary (it cannot be, without reading it twice); the
 * boundary is 128 random bits instead, which no stored object will contain by chance.
 */
public final class MultipartWriter {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] CRLF = {'\r', '\n'};

    private final OutputStream out;
    private final byte[] boundaryLine;
    private boolean first = true;

    public MultipartWriter(OutputStream out, String boundary) {
        this.out = out;
        this.boundaryLine = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
    }

    /** A fresh random boundary (a token: it needs no quotes in the Content-Type). */
    public static String newBoundary() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return "vesalius-" + HexFormat.of().formatHex(bits);
    }

    /** Writes one part: its headers (names as given, values US-ASCII), then all of {@code content}. */
    public void writePart(Map<String, String> headers, InputStream content) throws IOException {
        if (!first) {
            out.write(CRLF);
        }
        first = false;
        out.write(boundaryLine);
        out.write(CRLF);
        StringBuilder head = new StringBuilder();
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        content.transferTo(out);
    }

    /** Writes the closing delimiter; the body is complete after it. */
    public void finish() throws IOException {
        if (!first) {
            out.write(CRLF);
        }
        out.write(boundaryLine);
        out.write(new byte[] {'-', '-', '\r', '\n'});
        out.flush();
    }
}
