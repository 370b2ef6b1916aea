package org.vesalius.storage.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reproducible pseudo-random content of any length, generated as it is read: large test objects
 * never exist as one byte array. Byte {@code i} depends only on the seed and {@code i}, so a test
 * can compute what any range of an object must hold.
 */
final class SeededContent {
    private SeededContent() {
    }

    static byte byteAt(long seed, long position) {
        // SplitMix64's finaliser over (seed, position / 8), one byte of the result per position.
        long z = seed * 0x9E3779B97F4A7C15L + (position >>> 3) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (byte) (z >>> ((position & 7) * 8));
    }

    static byte[] bytes(long seed, long offset, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = byteAt(seed, offset + i);
        }
        return bytes;
    }

    /** The content as a stream of {@code length} bytes. */
    static InputStream stream(long seed, long length) {
        return new InputStream() {
            private long position;

            @Override
            public int read() {
                return position < length ? byteAt(seed, position++) & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                if (position >= length) {
                    return -1;
                }
                int n = (int) Math.min(len, length - position);
                for (int i = 0; i < n; i++) {
                    b[off + i] = byteAt(seed, position++);
                }
                return n;
            }
        };
    }

    static String sha256(long seed, long length) {
        try (InputStream in = stream(seed, length)) {
            return sha256(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Digests a stream to its end without holding it. */
    static String sha256(InputStream in) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
