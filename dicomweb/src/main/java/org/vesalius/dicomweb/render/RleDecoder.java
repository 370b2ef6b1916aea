package org.vesalius.dicomweb.render;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * RLE Lossless (PS3.5 Annex G): our own, because PixelMed's handles neither colour with 16 bits
 * per sample nor 32-bit data. Segments are PackBits-coded byte planes, most significant byte first
 * within each sample.
 */
final class RleDecoder {

    private RleDecoder() {
    }

    /** Decodes one frame into interleaved container values (unmasked). */
    static int[] decode(byte[] frame, int width, int height, int samples, int bitsAllocated)
            throws RenderException {
        int bytesPerSample = bitsAllocated / 8;
        int pixels = width * height;
        if (frame.length < 64 || bitsAllocated % 8 != 0) {
            throw new RenderException(RenderException.Reason.CORRUPT, "malformed RLE frame");
        }
        ByteBuffer header = ByteBuffer.wrap(frame, 0, 64).order(ByteOrder.LITTLE_ENDIAN);
        int segments = header.getInt(0);
        if (segments != samples * bytesPerSample || segments > 15) {
            throw new RenderException(RenderException.Reason.CORRUPT,
                    "RLE frame has " + segments + " segments, expected " + samples * bytesPerSample);
        }
        int[] values = new int[pixels * samples];
        for (int s = 0; s < segments; s++) {
            int start = header.getInt(4 + 4 * s);
            int end = s + 1 < segments ? header.getInt(8 + 4 * s) : frame.length;
            if (start < 64 || end > frame.length || end < start) {
                throw new RenderException(RenderException.Reason.CORRUPT, "RLE segment offsets out of range");
            }
            byte[] plane = unpack(frame, start, end, pixels);
            int sample = s / bytesPerSample;
            int shift = 8 * (bytesPerSample - 1 - s % bytesPerSample);
            for (int p = 0; p < pixels; p++) {
                values[p * samples + sample] |= (plane[p] & 0xFF) << shift;
            }
        }
        return values;
    }

    private static byte[] unpack(byte[] data, int start, int end, int size) throws RenderException {
        byte[] out = new byte[size];
        int in = start;
        int o = 0;
        while (o < size && in < end) {
            int n = data[in++];
            if (n >= 0) {
                int count = Math.min(n + 1, Math.min(size - o, end - in));
                System.arraycopy(data, in, out, o, count);
                in += n + 1;
                o += count;
            } else if (n != -128) {
                if (in >= end) {
                    break;
                }
                int count = Math.min(1 - n, size - o);
                java.util.Arrays.fill(out, o, o + count, data[in++]);
                o += count;
            }
        }
        if (o < size) {
            throw new RenderException(RenderException.Reason.CORRUPT, "RLE segment is shorter than the frame");
        }
        return out;
    }
}
