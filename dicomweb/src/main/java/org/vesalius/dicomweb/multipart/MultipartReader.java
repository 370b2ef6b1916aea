package org.vesalius.dicomweb.multipart;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a multipart body (RFC 2046 5.1.1) part by part as a stream, holding no more than one
 * 64 KiB buffer whatever the size of the parts: a 2 GB STOW-RS request goes through in constant
 * memory.
 *
 * <p>The grammar, in short: an optional preamble, then {@code --boundary} (at the very start or
 * after CRLF), optional spaces, CRLF, the part's headers, an empty line, the content; every
 * following delimiter is {@code CRLF--boundary}; the last one is followed by {@code --} and an
 * epilogue, which is ignored (not even read). Line ends are CRLF, as the RFC requires; a body that
 * breaks the grammar, or ends before the closing delimiter, throws
 * {@link MalformedMultipartException} with a message saying where.
 */
public final class MultipartReader {
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int MAX_PADDING = 1024;

    private enum State { PREAMBLE, PART, AFTER_DELIMITER, DONE }

    private final InputStream in;
    private final String boundary;
    /** CRLF "--" boundary: what ends a part's content. */
    private final byte[] delimiter;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int position;
    private int limit;
    /**
     * Buffer index up to which content is known to hold no delimiter start, and whether the
     * delimiter itself begins there: saves scanning the same bytes again on each small read.
     */
    private int contentEnd = -1;
    private boolean delimiterAtContentEnd;

    private State state = State.PREAMBLE;
    private PartStream current;
    private int parts;

    /**
     * @param boundary the {@code boundary} parameter of the Content-Type, without quotes
     * @throws MalformedMultipartException when the boundary itself breaks RFC 2046's rules
     */
    public MultipartReader(InputStream in, String boundary) throws MalformedMultipartException {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70
                || !boundary.matches("[0-9A-Za-z'()+_,./:=? -]*[0-9A-Za-z'()+_,./:=?-]")) {
            throw new MalformedMultipartException("invalid multipart boundary (RFC 2046: 1 to 70 characters of "
                    + "[0-9A-Za-z'()+_,./:=? -], not ending with a space)");
        }
        this.in = in;
        this.boundary = boundary;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        // The first boundary may open the body without a CRLF before it: reading the body as if
        // it began with CRLF makes every delimiter, the first included, the same byte string.
        buffer[0] = '\r';
        buffer[1] = '\n';
        limit = 2;
    }

    /**
     * Moves to the next part, skipping whatever of the current one was not read.
     *
     * @return the part, or null after the closing delimiter
     */
    public MultipartPart next() throws IOException {
        if (current != null) {
            current.closed = true;
        }
        switch (state) {
            case DONE -> {
                return null;
            }
            case PREAMBLE -> {
                if (!skipContent()) {
                    throw new MalformedMultipartException("no '--" + boundary + "' line in the body: "
                            + "it is not multipart with the boundary its Content-Type announces");
                }
            }
            case PART -> {
                if (!skipContent()) {
                    throw truncated();
                }
            }
            case AFTER_DELIMITER -> {
            }
        }
        state = State.AFTER_DELIMITER;
        if (!ensure(2)) {
            throw truncated();
        }
        if (buffer[position] == '-' && buffer[position + 1] == '-') {
            position += 2;
            state = State.DONE;
            return null;
        }
        skipPaddingAndLineEnd();
        Map<String, String> headers = readHeaders(parts + 1);
        parts++;
        current = new PartStream();
        state = State.PART;
        return new MultipartPart(parts, headers, current);
    }

    /** Parts started so far. */
    public int partCount() {
        return parts;
    }

    private MalformedMultipartException truncated() {
        return new MalformedMultipartException("the body ends " + (parts == 0 ? "" : "in part " + parts + " ")
                + "before the closing '--" + boundary + "--' (truncated upload?)");
    }

    /** Reads past the next delimiter; false when the body ends first. */
    private boolean skipContent() throws IOException {
        while (true) {
            int n = readContent(null, 0, Integer.MAX_VALUE);
            if (n == -1) {
                return true;
            }
            if (n == -2) {
                return false;
            }
        }
    }

    /**
     * Copies up to {@code length} content bytes into {@code target} (or skips them when null).
     *
     * @return the bytes copied, -1 once the delimiter is reached (it is consumed), -2 at the end of
     *         the body without a delimiter
     */
    private int readContent(byte[] target, int offset, int length) throws IOException {
        while (true) {
            if (contentEnd < position) {
                scan();
            }
            if (position < contentEnd) {
                int n = Math.min(length, contentEnd - position);
                if (target != null) {
                    System.arraycopy(buffer, position, target, offset, n);
                }
                position += n;
                return n;
            }
            if (delimiterAtContentEnd) {
                position += delimiter.length;
                contentEnd = -1;
                return -1;
            }
            if (!fill()) {
                return -2;
            }
        }
    }

    /** Finds how far from {@code position} the buffer holds content for sure. */
    private void scan() {
        int lastStart = limit - delimiter.length;
        for (int i = position; i <= lastStart; i++) {
            if (buffer[i] == '\r' && Arrays.equals(buffer, i, i + delimiter.length, delimiter, 0, delimiter.length)) {
                contentEnd = i;
                delimiterAtContentEnd = true;
                return;
            }
        }
        // The last bytes may be the beginning of a delimiter: hold them back until more arrive.
        contentEnd = Math.max(position, lastStart + 1);
        delimiterAtContentEnd = false;
    }

    /** Reads more of the body into the buffer; false at its end. */
    private boolean fill() throws IOException {
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        }
        contentEnd = -1;
        if (limit == buffer.length) {
            throw new IllegalStateException("fill with a full buffer");
        }
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
            return false;
        }
        limit += n;
        return true;
    }

    /** Makes {@code count} bytes available from position; false when the body ends first. */
    private boolean ensure(int count) throws IOException {
        while (limit - position < count) {
            if (!fill()) {
                return false;
            }
        }
        return true;
    }

    /** After a boundary: optional transport padding (spaces, tabs), then CRLF. */
    private void skipPaddingAndLineEnd() throws IOException {
        int padding = 0;
        while (true) {
            if (!ensure(1)) {
                throw truncated();
            }
            byte b = buffer[position];
            if ((b == ' ' || b == '\t') && padding++ < MAX_PADDING) {
                position++;
                continue;
            }
            if (!ensure(2)) {
                throw truncated();
            }
            if (buffer[position] != '\r' || buffer[position + 1] != '\n') {
                throw new MalformedMultipartException("the boundary line before part " + (parts + 1)
                        + " is not followed by CRLF (or the content contains the boundary string)");
            }
            position += 2;
            return;
        }
    }

    /** Header lines up to the empty line; none at all is allowed. Obsolete line folding is joined. */
    private Map<String, String> readHeaders(int part) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        String lastName = null;
        int total = 0;
        while (true) {
            String line = readLine(part, MAX_HEADER_BYTES - total);
            total += line.length() + 2;
            if (line.isEmpty()) {
                return Collections.unmodifiableMap(headers);
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && lastName != null) {
                headers.merge(lastName, line.strip(), (old, more) -> old + " " + more);
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !line.substring(0, colon).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw new MalformedMultipartException("part " + part + ": header line is not 'Name: value' "
                        + "(a part must start with its headers and an empty line; none at all is just the empty line)");
            }
            lastName = line.substring(0, colon).toLowerCase(Locale.ROOT);
            headers.merge(lastName, line.substring(colon + 1).strip(), (old, more) -> old + ", " + more);
        }
    }

    /** One CRLF-terminated line of at most {@code max} bytes, as ISO-8859-1. */
    private String readLine(int part, int max) throws IOException {
        int scanned = 0;
        while (true) {
            for (int i = position + scanned; i + 1 < limit; i++) {
                if (buffer[i] == '\r' && buffer[i + 1] == '\n') {
                    String line = new String(buffer, position, i - position, StandardCharsets.ISO_8859_1);
                    position = i + 2;
                    return line;
                }
            }
            scanned = Math.max(0, limit - position - 1);
            if (scanned >= max) {
                throw new MalformedMultipartException("part " + part + ": headers longer than "
                        + MAX_HEADER_BYTES + " bytes, or no empty line after them");
            }
            if (!fill()) {
                throw truncated();
            }
        }
    }

    /** The content of the current part; ends (-1) at the delimiter. */
    private final class PartStream extends InputStream {
        private boolean ended;
        private boolean closed;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (closed) {
                throw new IOException("part content read after moving to the next part");
            }
            if (ended) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            int n = readContent(target, offset, length);
            if (n == -2) {
                throw truncated();
            }
            if (n == -1) {
                ended = true;
                state = State.AFTER_DELIMITER;
                return -1;
            }
            return n;
        }
    }
}
