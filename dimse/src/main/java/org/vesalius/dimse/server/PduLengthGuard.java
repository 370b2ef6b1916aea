package org.vesalius.dimse.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Sits between the socket and PixelMed, following the PDU framing (6-byte header: type, reserved,
 * 32-bit length) and refusing any PDU longer than we allow, before PixelMed allocates it.
 *
 * <p>Why: PixelMed reads each PDU whole into a {@code new byte[length]} with the length the peer
 * claims, whatever Maximum Length Received was negotiated, so one forged header of 2 GB would take
 * the server's memory. Refusing it here fails the read, and PixelMed closes that association.
 *
 * <p>It also reports A-RELEASE-RQ and A-ABORT as they arrive, so the association's slot is freed at
 * once rather than after PixelMed's 5 s post-release wait.
 */
final class PduLengthGuard extends FilterInputStream {
    private static final int P_DATA_TF = 0x04;
    private static final int A_RELEASE_RQ = 0x05;
    private static final int A_ABORT = 0x07;
    /** A-ASSOCIATE-RQ with 128 contexts of many syntaxes stays well below this. */
    static final int MAX_OTHER_PDU_LENGTH = 1024 * 1024;

    private final long maxPDataLength;
    private final Runnable onReleaseOrAbort;
    private final byte[] header = new byte[6];
    private int headerLength;
    private int headerServed;
    private long bodyRemaining;

    PduLengthGuard(InputStream in, int maxPDataLength, Runnable onReleaseOrAbort) {
        super(in);
        this.maxPDataLength = maxPDataLength;
        this.onReleaseOrAbort = onReleaseOrAbort;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (headerServed < headerLength) {
            int n = Math.min(len, headerLength - headerServed);
            System.arraycopy(header, headerServed, b, off, n);
            headerServed += n;
            return n;
        }
        if (bodyRemaining == 0) {
            return readHeader() ? read(b, off, len) : -1;
        }
        int n = in.read(b, off, (int) Math.min(len, bodyRemaining));
        if (n > 0) {
            bodyRemaining -= n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipping must go through the framing too.
        byte[] buffer = new byte[(int) Math.min(n, 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private boolean readHeader() throws IOException {
        int got = in.readNBytes(header, 0, header.length);
        if (got == 0) {
            return false;
        }
        headerLength = got;
        headerServed = 0;
        if (got < header.length) {
            return true; // truncated header: PixelMed reports the closed connection
        }
        int type = header[0] & 0xFF;
        long length = ((header[2] & 0xFFL) << 24) | ((header[3] & 0xFFL) << 16) | ((header[4] & 0xFFL) << 8) | (header[5] & 0xFFL);
        long limit = type == P_DATA_TF ? maxPDataLength : MAX_OTHER_PDU_LENGTH;
        if (length > limit) {
            throw new IOException("PDU of type 0x" + Integer.toHexString(type) + " with " + length
                    + " bytes exceeds the allowed " + limit);
        }
        if (type == A_RELEASE_RQ || type == A_ABORT) {
            onReleaseOrAbort.run();
        }
        bodyRemaining = length;
        return true;
    }
}
