package org.vesalius.dimse.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.vesalius.dimse.message.PDataWriter;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.dicom.Part10Inspector;

/**
 * A stored Part 10 object opened to send its data set bytes exactly as stored: the bytes after the
 * File Meta Information. Its head (a buffer-full: most objects whole) is read and checked on
 * opening, so an unreadable or malformed blob is known before anything is sent; the rest, if any,
 * then streams in large reads.
 */
final class StoredObject implements AutoCloseable {
    private static final int PREAMBLE_AND_MAGIC = 132;

    private final InputStream blob;
    private final byte[] head;
    private final int headLength;
    private final int dataSetStart;

    private StoredObject(InputStream blob, byte[] head, int headLength, int dataSetStart) {
        this.blob = blob;
        this.head = head;
        this.headLength = headLength;
        this.dataSetStart = dataSetStart;
    }

    /**
     * Opens the blob and reads its head into {@code buffer}, which the object then uses until it
     * is sent.
     *
     * @throws org.vesalius.storage.blob.BlobNotFoundException when there is no such blob
     * @throws IOException when it cannot be read or is not a Part 10 file
     */
    static StoredObject open(BlobStore blobs, String blobKey, byte[] buffer) throws IOException {
        InputStream blob = blobs.open(blobKey);
        try {
            int length = blob.readNBytes(buffer, 0, buffer.length);
            int start = dataSetStart(buffer, length);
            if (start < 0) {
                throw new IOException(length < buffer.length ? "the stored object ends inside its File Meta Information"
                        : "the stored object's File Meta Information is longer than " + buffer.length + " bytes");
            }
            return new StoredObject(blob, buffer, length, start);
        } catch (IOException | RuntimeException e) {
            blob.close();
            throw e;
        }
    }

    /** Writes the data set: the rest of the head, then the rest of the blob (none when the head ended short). */
    void transferDataSetTo(PDataWriter.DataSetStream out) throws IOException {
        out.write(head, dataSetStart, headLength - dataSetStart);
        if (headLength == head.length) {
            out.transferFrom(blob);
        }
    }

    @Override
    public void close() throws IOException {
        blob.close();
    }

    /**
     * Where the data set starts in the first {@code length} bytes of a Part 10 file: after the
     * preamble, "DICM" and the group 0002 elements (always explicit VR little endian); -1 when
     * more bytes are needed to tell.
     *
     * @throws IOException when the bytes are not a Part 10 file
     */
    static int dataSetStart(byte[] head, int length) throws IOException {
        if (length < PREAMBLE_AND_MAGIC) {
            if (length < head.length) {
                throw new IOException("stored object is not a Part 10 file (" + length + " bytes)");
            }
            return -1;
        }
        if (head[128] != 'D' || head[129] != 'I' || head[130] != 'C' || head[131] != 'M') {
            throw new IOException("stored object is not a Part 10 file");
        }
        int at = PREAMBLE_AND_MAGIC;
        while (true) {
            if (at == length && length < head.length) {
                return at; // the file ends after its meta information: an empty data set
            }
            if (at + 8 > length) {
                return -1;
            }
            int group = (head[at] & 0xFF) | (head[at + 1] & 0xFF) << 8;
            if (group != 0x0002) {
                return at;
            }
            String vr = new String(head, at + 4, 2, StandardCharsets.US_ASCII);
            long valueLength;
            int headerLength;
            if (Part10Inspector.hasLongLength(vr)) {
                if (at + 12 > length) {
                    return -1;
                }
                valueLength = littleEndianInt(head, at + 8) & 0xFFFFFFFFL;
                headerLength = 12;
            } else {
                valueLength = (head[at + 6] & 0xFF) | (head[at + 7] & 0xFF) << 8;
                headerLength = 8;
            }
            long next = at + headerLength + valueLength;
            if (next > Integer.MAX_VALUE / 2) {
                throw new IOException("stored object has a malformed File Meta Information");
            }
            if (next > length) {
                return -1;
            }
            at = (int) next;
        }
    }

    private static int littleEndianInt(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8 | (bytes[at + 2] & 0xFF) << 16 | (bytes[at + 3] & 0xFF) << 24;
    }
}
