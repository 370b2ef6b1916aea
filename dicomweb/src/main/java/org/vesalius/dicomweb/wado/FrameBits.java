package org.vesalius.dicomweb.wado;

/**
 * Cuts one native frame out of pixel data bytes. Frames are whole bytes except for 1-bit data
 * (segmentations), where a frame may start inside a byte: its bits are then shifted down so the
 * frame starts on a byte, as a client expects (PS3.18 8.7.3.3.2).
 */
final class FrameBits {
    private FrameBits() {
    }

    /**
     * @param bytes      pixel data bytes starting at bit {@code firstBit} of the pixel data
     *                   (a whole number of bytes before the frame)
     * @param firstBit   which pixel data bit {@code bytes[0]} holds
     * @param index      the 0-based frame number
     * @param frameBits  bits per frame
     */
    static byte[] slice(byte[] bytes, long firstBit, int index, long frameBits) {
        long start = index * frameBits - firstBit;
        int length = (int) ((frameBits + 7) / 8);
        byte[] frame = new byte[length];
        int shift = (int) (start % 8);
        int from = (int) (start / 8);
        for (int i = 0; i < length; i++) {
            int low = from + i < bytes.length ? bytes[from + i] & 0xFF : 0;
            int high = from + i + 1 < bytes.length ? bytes[from + i + 1] & 0xFF : 0;
            frame[i] = (byte) (shift == 0 ? low : (low >>> shift | high << (8 - shift)));
        }
        return frame;
    }
}
