package org.vesalius.server.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An uploaded body on local disk: the ingest path and the NIfTI check read a file, and a request
 * body can be read only once, so it is copied here as it streams in (never held in memory), with
 * its size and SHA-256 computed on the way. Closing deletes the file.
 */
final class SpooledBody implements AutoCloseable {
    private final Path path;
    private final long size;
    private final String sha256Hex;

    private SpooledBody(Path path, long size, String sha256Hex) {
        this.path = path;
        this.size = size;
        this.sha256Hex = sha256Hex;
    }

    /** The body was longer than the limit; nothing of it is kept. */
    static final class TooLargeException extends IOException {
        TooLargeException(long limit) {
            super("more than " + limit + " bytes");
        }
    }

    /**
     * Copies {@code in} to a new file in {@code dir}, refusing more than {@code maxBytes}.
     *
     * @throws TooLargeException when {@code in} yields more than {@code maxBytes}
     */
    static SpooledBody copy(InputStream in, Path dir, long maxBytes) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Files.createDirectories(dir);
        Path path = Files.createTempFile(dir, "upload-", ".bin");
        try (InputStream source = new DigestInputStream(limited(in, maxBytes), sha256);
             OutputStream out = Files.newOutputStream(path)) {
            long size = source.transferTo(out);
            return new SpooledBody(path, size, HexFormat.of().formatHex(sha256.digest()));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(path);
            throw e;
        }
    }

    /** {@code in}, failing with {@link TooLargeException} as soon as it yields more than {@code maxBytes}. */
    static InputStream limited(InputStream in, long maxBytes) {
        return new FilterInputStream(in) {
            private long count;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    count += n;
                    if (count > maxBytes) {
                        throw new TooLargeException(maxBytes);
                    }
                }
                return n;
            }
        };
    }

    Path path() {
        return path;
    }

    long size() {
        return size;
    }

    String sha256Hex() {
        return sha256Hex;
    }

    /** The first {@code n} bytes (fewer when the file is shorter), to tell the format. */
    byte[] prefix(int n) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(n);
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            System.getLogger(SpooledBody.class.getName()).log(Level.WARNING,
                    "could not delete spool file " + path + ": " + e.getMessage());
        }
    }
}
