package org.vesalius.storage.blob;

import java.io.IOException;
import java.io.InputStream;

/**
 * Passes on exactly {@code length} bytes and fails when the source yields fewer or more.
 *
 * <p>The check happens on the read that would end the object, before its last bytes are handed
 * on: a store writing from this stream fails mid-write and never completes an object of the wrong
 * size (the temporary file is dropped, the S3 request or multipart upload is aborted).
 */
final class ExactLengthInputStream extends InputStream {
    private final InputStream in;
    private final long length;
    private long remaining;

    ExactLengthInputStream(InputStream in, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        this.in = in;
        this.length = length;
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (remaining == 0) {
            requireEnd();
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new IOException("stream ended after " + (length - remaining) + " of the declared "
                    + length + " bytes");
        }
        remaining -= n;
        if (remaining == 0) {
            requireEnd();
        }
        return n;
    }

    private void requireEnd() throws IOException {
        if (in.read() >= 0) {
            throw new IOException("stream is longer than the declared " + length + " bytes");
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
