package org.vesalius.dicomweb.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds a multipart/related request body by hand, so tests control every byte of its framing. */
public final class MultipartBody {
    private final String boundary;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private boolean first = true;

    public MultipartBody(String boundary) {
        this.boundary = boundary;
    }

    public MultipartBody preamble(String text) {
        write(text.getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    /** A part with the given header lines (none: just the empty line) and the file's bytes. */
    public MultipartBody part(Path file, String... headerLines) {
        try {
            return part(Files.readAllBytes(file), headerLines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public MultipartBody part(byte[] content, String... headerLines) {
        StringBuilder head = new StringBuilder(first && body.size() == 0 ? "" : "\r\n");
        head.append("--").append(boundary).append("\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        head.append("\r\n");
        write(head.toString().getBytes(StandardCharsets.US_ASCII));
        write(content);
        first = false;
        return this;
    }

    /** The closing delimiter and an optional epilogue. */
    public byte[] close(String epilogue) {
        write(("\r\n--" + boundary + "--" + epilogue).getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    /** The body so far, without a closing delimiter: a truncated upload. */
    public byte[] truncated() {
        return body.toByteArray();
    }

    private void write(byte[] bytes) {
        body.write(bytes, 0, bytes.length);
    }
}
