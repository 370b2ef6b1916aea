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
    private static final byte[] CLOSE = {'-', '-', '\r', '\n'};
    /** Objects of a few hundred KB go out in one or two writes (each write is a system call). */
    private static final int COPY_BUFFER_BYTES = 256 * 1024;

    /** A part as {@link #bodyLength} counts it: its headers and how many bytes of content follow them. */
    public record PartSize(Map<String, String> headers, long contentBytes) {
    }

    private final OutputStream out;
    private final byte[] boundaryLine;
    private boolean first = true;
    private byte[] copyBuffer;

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
        out.write(head(headers));
        if (copyBuffer == null) {
            copyBuffer = new byte[COPY_BUFFER_BYTES];
        }
        for (int n = content.read(copyBuffer); n >= 0; n = content.read(copyBuffer)) {
            out.write(copyBuffer, 0, n);
        }
    }

    /** Writes the closing delimiter; the body is complete after it. */
    public void finish() throws IOException {
        if (!first) {
            out.write(CRLF);
        }
        out.write(boundaryLine);
        out.write(CLOSE);
        out.flush();
    }

    /**
     * The exact length of the body this writer produces for these parts, so that a response of
     * stored objects of known sizes can carry a Content-Length instead of being chunked: the client
     * sees the size up front, and the web server writes the bytes without chunk framing.
     */
    public static long bodyLength(String boundary, Iterable<PartSize> parts) {
        long boundaryBytes = 2 + boundary.length(); // "--" + boundary, US-ASCII
        long length = 0;
        boolean any = false;
        for (PartSize part : parts) {
            length += (any ? CRLF.length : 0) + boundaryBytes + CRLF.length + head(part.headers()).length
                    + part.contentBytes();
            any = true;
        }
        return length + (any ? CRLF.length : 0) + boundaryBytes + CLOSE.length;
    }

    private static byte[] head(Map<String, String> headers) {
        StringBuilder head = new StringBuilder();
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        return head.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
