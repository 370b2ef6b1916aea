package org.vesalius.dicomweb.render;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A Part 10 file opened for rendering: PixelMed parses the header up to the top-level Pixel Data,
 * and we remember where its value starts. Frames are then read from the file one at a time, so a
 * large multi-frame object is never held whole (PixelMed's AttributeList would read it all). One
 * open file serves the header and the frames; close it when done.
 */
final class DicomImageFile implements Closeable {

    private static final long UNDEFINED_LENGTH = 0xFFFFFFFFL;

    private final Path path;
    private final FileChannel channel;
    private final AttributeList header;
    private final TransferSyntax transferSyntax;
    private final long valueOffset;
    private final long valueLength;

    private DicomImageFile(Path path, FileChannel channel, AttributeList header, TransferSyntax transferSyntax,
            long valueOffset, long valueLength) {
        this.path = path;
        this.channel = channel;
        this.header = header;
        this.transferSyntax = transferSyntax;
        this.valueOffset = valueOffset;
        this.valueLength = valueLength;
    }

    static DicomImageFile open(Path path) throws RenderException, IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return open(path, channel);
        } catch (RenderException | IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static DicomImageFile open(Path path, FileChannel channel) throws RenderException, IOException {
        AttributeList list = new AttributeList();
        long[] tagEnd = {-1};
        TransferSyntax syntax;
        try {
            // Not closed: closing it would close the channel, which the frames are read from.
            DicomInputStream in = new DicomInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
            list.read(in, (current, tag, byteOffset) -> {
                // Only the top-level Pixel Data: an Icon Image Sequence item has its own.
                if (current == list && tag.equals(TagFromName.PixelData)) {
                    tagEnd[0] = byteOffset;
                    return true;
                }
                return false;
            });
            syntax = in.getTransferSyntaxToReadDataSet();
        } catch (DicomException | RuntimeException e) {
            throw new RenderException(RenderException.Reason.CORRUPT, "not a readable DICOM file: " + e.getMessage(), e);
        }
        if (tagEnd[0] < 0) {
            throw new RenderException(RenderException.Reason.NO_PIXEL_DATA, "the object has no Pixel Data");
        }
        if (syntax.isDeflated() || syntax.isBzip2ed()) {
            throw new RenderException(RenderException.Reason.UNSUPPORTED,
                    "pixel data in a deflated data set is not rendered (transfer syntax " + syntax.getUID() + ")");
        }
        // The offset PixelMed reports is just past the tag; the VR (explicit) and length follow.
        boolean bigEndian = syntax.isBigEndian();
        ByteBuffer head = readFully(channel, tagEnd[0], syntax.isExplicitVR() ? 8 : 4)
                .order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        long length = Integer.toUnsignedLong(head.getInt(syntax.isExplicitVR() ? 4 : 0));
        long offset = tagEnd[0] + (syntax.isExplicitVR() ? 8 : 4);
        return new DicomImageFile(path, channel, list, syntax, offset, length);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    Path path() {
        return path;
    }

    AttributeList header() {
        return header;
    }

    TransferSyntax transferSyntax() {
        return transferSyntax;
    }

    boolean encapsulated() {
        return valueLength == UNDEFINED_LENGTH;
    }

    /** Bytes of an uncompressed value, from a byte offset relative to the value's start. */
    ByteBuffer readNative(long offset, int length) throws IOException, RenderException {
        if (encapsulated() || offset + length > valueLength) {
            throw new RenderException(RenderException.Reason.CORRUPT, "the pixel data is shorter than the frame");
        }
        return readFully(channel, valueOffset + offset, length)
                .order(transferSyntax.isBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The compressed bytes of one frame (0-based), its fragments joined. Frames are found with the
     * Basic Offset Table when present, else one fragment per frame, else by the start markers of
     * JPEG (FFD8) and JPEG 2000 (FF4F) code streams.
     */
    byte[] readCompressedFrame(int frameIndex, int numberOfFrames) throws IOException, RenderException {
        long position = valueOffset;
        long[] table = null;
        List<long[]> fragments = new ArrayList<>(); // {item offset relative to first fragment, value position, length}
        long firstFragment = -1;
        while (true) {
            ByteBuffer item = readFully(channel, position, 8).order(ByteOrder.LITTLE_ENDIAN);
            int group = item.getShort(0) & 0xFFFF;
            int element = item.getShort(2) & 0xFFFF;
            long length = Integer.toUnsignedLong(item.getInt(4));
            if (group != 0xFFFE || (element != 0xE000 && element != 0xE0DD)) {
                throw new RenderException(RenderException.Reason.CORRUPT, "malformed encapsulated pixel data");
            }
            if (element == 0xE0DD) {
                break;
            }
            if (length == UNDEFINED_LENGTH) {
                throw new RenderException(RenderException.Reason.CORRUPT, "fragment with undefined length");
            }
            if (table == null) {
                ByteBuffer offsets = readFully(channel, position + 8, (int) length).order(ByteOrder.LITTLE_ENDIAN);
                table = new long[(int) (length / 4)];
                for (int i = 0; i < table.length; i++) {
                    table[i] = Integer.toUnsignedLong(offsets.getInt(i * 4));
                }
                firstFragment = position + 8 + length;
            } else {
                fragments.add(new long[] {position - firstFragment, position + 8, length});
            }
            position += 8 + length;
        }
        List<long[]> mine = fragmentsOfFrame(channel, frameIndex, numberOfFrames, table, fragments);
        if (mine.isEmpty()) {
            throw new RenderException(RenderException.Reason.CORRUPT, "no fragments for frame " + (frameIndex + 1));
        }
        long total = mine.stream().mapToLong(f -> f[2]).sum();
        if (total > Integer.MAX_VALUE - 16) {
            throw new RenderException(RenderException.Reason.UNSUPPORTED, "compressed frame larger than 2 GB");
        }
        ByteBuffer joined = ByteBuffer.allocate((int) total);
        for (long[] fragment : mine) {
            joined.put(readFully(channel, fragment[1], (int) fragment[2]));
        }
        return joined.array();
    }

    private static List<long[]> fragmentsOfFrame(FileChannel channel, int frameIndex, int numberOfFrames,
            long[] table, List<long[]> fragments) throws IOException, RenderException {
        if (numberOfFrames == 1) {
            return fragments;
        }
        if (table.length == numberOfFrames) {
            long start = table[frameIndex];
            long end = frameIndex + 1 < table.length ? table[frameIndex + 1] : Long.MAX_VALUE;
            return fragments.stream().filter(f -> f[0] >= start && f[0] < end).toList();
        }
        if (fragments.size() == numberOfFrames) {
            return List.of(fragments.get(frameIndex));
        }
        List<long[]> mine = new ArrayList<>();
        int frame = -1;
        for (long[] fragment : fragments) {
            ByteBuffer marker = readFully(channel, fragment[1], (int) Math.min(2, fragment[2]));
            if (marker.remaining() == 2 && (marker.get(0) & 0xFF) == 0xFF
                    && ((marker.get(1) & 0xFF) == 0xD8 || (marker.get(1) & 0xFF) == 0x4F)) {
                frame++;
            }
            if (frame == frameIndex) {
                mine.add(fragment);
            }
        }
        return mine;
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length)
            throws IOException, RenderException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new RenderException(RenderException.Reason.CORRUPT, "the file is truncated in its pixel data");
            }
        }
        return buffer.flip();
    }
}
