package org.vesalius.storage.dicom;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Walks a whole DICOM Part 10 file once, as a stream, checking that every element, sequence,
 * item and pixel data fragment is complete, and computing the file's SHA-256 on the way.
 *
 * <p>Why not PixelMed: its {@code AttributeList.read} silently stops at a truncated value (the
 * truncated file reads "fine", pixel data just missing) and loads pixel data into memory. The
 * archive must refuse truncated objects without holding them, so this walker reads element headers
 * and skips values, holding nothing but a small buffer. PixelMed still parses the header values
 * ({@link DicomHeaderReader}).
 *
 * <p>On the same walk it notes where the large values, the pixel data and each pixel data fragment
 * lie ({@link ValueLayout}), so frames and bulk data can later be served by ranged reads of the
 * stored object. Only the offset tables are read for that, never the values themselves.
 */
public final class Part10Inspector {
    /** Deeper nesting than this is refused: real data sets nest a few levels, attacks nest millions. */
    private static final int MAX_DEPTH = 64;
    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final int ITEM = 0xFFFEE000;
    private static final int ITEM_END = 0xFFFEE00D;
    private static final int SEQUENCE_END = 0xFFFEE0DD;
    private static final int PIXEL_DATA = 0x7FE00010;
    private static final int EXTENDED_OFFSET_TABLE = 0x7FE00001;
    /** Offset tables larger than this (a 16M-frame object) are ignored: frames are then found by markers. */
    private static final long MAX_OFFSET_TABLE_BYTES = 128L * 1024 * 1024;

    private Part10Inspector() {
    }

    /** What the walk found: size, digest and transfer syntax of a structurally complete file. */
    public record Inspection(long sizeBytes, String sha256Hex, String transferSyntaxUid, ValueLayout layout) {
    }

    /**
     * Whether an explicit VR element of this VR has two reserved bytes and a 32-bit value length
     * after its VR, rather than a 16-bit length (PS3.5 7.1.2).
     */
    public static boolean hasLongLength(String vr) {
        return switch (vr) {
            case "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV" -> true;
            default -> false;
        };
    }

    /** A file that is not a complete DICOM Part 10 object; the message says where and why. */
    public static final class MalformedDicomException extends IOException {
        public MalformedDicomException(String message) {
            super(message);
        }
    }

    public static Inspection inspect(Path file) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        // The digest sits below the buffer, so the look-ahead (mark/reset) never counts a byte twice.
        try (InputStream in = new BufferedInputStream(new DigestInputStream(Files.newInputStream(file), sha256), 64 * 1024)) {
            Reader meta = new Reader(in, true, true);
            byte[] preamble = meta.readBytes(132);
            if (preamble[128] != 'D' || preamble[129] != 'I' || preamble[130] != 'C' || preamble[131] != 'M') {
                throw new MalformedDicomException("not a DICOM Part 10 file (no 'DICM' after the preamble)");
            }
            String transferSyntax = readMetaInformation(meta);
            Layout layout = new Layout();
            boolean addressable = walkDataSet(transferSyntax, meta, layout);
            // Drain anything the walk did not need (nothing, for a well-formed file) into the digest.
            in.transferTo(OutputStream.nullOutputStream());
            return new Inspection(Files.size(file), HexFormat.of().formatHex(sha256.digest()), transferSyntax,
                    layout.build(addressable));
        } catch (EOFException e) {
            throw new MalformedDicomException("truncated: the file ends inside an element");
        }
    }

    private static String readMetaInformation(Reader reader) throws IOException {
        String transferSyntax = null;
        long metaEnd = -1;
        while (true) {
            int tag = reader.peekTag();
            if (tag == -1 || (tag >>> 16) != 0x0002) {
                break;
            }
            reader.readTag();
            String vr = reader.readVr();
            long length = reader.readLength(vr);
            if (length == UNDEFINED) {
                throw new MalformedDicomException("undefined length in the file meta information");
            }
            if (tag == 0x00020000 && length == 4) {
                metaEnd = reader.readUnsigned32();
                metaEnd += reader.position;
            } else if (tag == 0x00020010) {
                transferSyntax = new String(reader.readBytes((int) Math.min(length, 256)), StandardCharsets.US_ASCII)
                        .replace("\0", "").trim();
                reader.skip(length - Math.min(length, 256));
            } else {
                reader.skip(length);
            }
        }
        if (metaEnd >= 0 && reader.position != metaEnd) {
            throw new MalformedDicomException("the file meta information's group length does not match its content");
        }
        if (transferSyntax == null || !Uids.isValid(transferSyntax)) {
            throw new MalformedDicomException("the file meta information has no valid Transfer Syntax UID");
        }
        return transferSyntax;
    }

    /** Walks the data set; false when its offsets are not those of the stored bytes' values (see ValueLayout). */
    private static boolean walkDataSet(String transferSyntax, Reader meta, Layout layout) throws IOException {
        boolean implicitVr = transferSyntax.equals("1.2.840.10008.1.2");
        boolean bigEndian = transferSyntax.equals("1.2.840.10008.1.2.2");
        boolean deflated = transferSyntax.equals("1.2.840.10008.1.2.1.99")
                || transferSyntax.equals("1.2.840.10008.1.2.4.95");
        Reader dataSet = meta;
        if (deflated) {
            // Deflated data sets are raw deflate (no zlib header) after the meta information.
            dataSet = new Reader(new BufferedInputStream(new InflaterInputStream(meta.in, new Inflater(true), 16 * 1024)),
                    true, true);
        } else if (implicitVr || bigEndian) {
            dataSet = new Reader(meta.in, !bigEndian, !implicitVr);
            dataSet.position = meta.position;
        }
        if (dataSet.atEnd()) {
            throw new MalformedDicomException("the file holds no data set after its meta information");
        }
        walkElements(dataSet, 0, -1, false, "", layout);
        return !deflated && !bigEndian;
    }

    /**
     * Walks elements until the end of the stream (top level), {@code end} bytes (defined-length
     * item), or an item delimiter (undefined-length item).
     */
    private static void walkElements(Reader reader, int depth, long end, boolean untilItemEnd, String path,
                                     Layout layout) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new MalformedDicomException("sequences nested deeper than " + MAX_DEPTH);
        }
        while (end < 0 || reader.position < end) {
            if (!untilItemEnd && end < 0 && reader.atEnd()) {
                return;
            }
            int tag = reader.readTag();
            if (tag == ITEM_END) {
                reader.readUnsigned32();
                if (untilItemEnd) {
                    return;
                }
                throw new MalformedDicomException("item delimiter outside an item");
            }
            if (tag == ITEM || tag == SEQUENCE_END) {
                throw new MalformedDicomException(String.format("unexpected item tag (%04X,%04X)", tag >>> 16, tag & 0xFFFF));
            }
            String vr = reader.explicitVr ? reader.readVr() : null;
            long length = reader.readLength(vr);
            boolean topLevel = path.isEmpty();
            if (length != UNDEFINED) {
                if ("SQ".equals(vr)) {
                    walkSequenceItems(reader, depth + 1, reader.position + length, TagPath.of(path, tag), layout);
                } else if (topLevel && tag == PIXEL_DATA) {
                    layout.pixelData = new ValueLayout.PixelData(vr, false, reader.position, length, null, List.of());
                    reader.skip(length);
                } else if (topLevel && tag == EXTENDED_OFFSET_TABLE && length <= MAX_OFFSET_TABLE_BYTES) {
                    layout.extendedOffsetTable = reader.readUnsigned64s(length);
                } else {
                    if (length > ValueLayout.LARGE_VALUE_BYTES) {
                        layout.values.add(new ValueLayout.LargeValue(TagPath.of(path, tag), vr, reader.position, length));
                    }
                    reader.skip(length);
                }
            } else if (tag == PIXEL_DATA || "OB".equals(vr) || "OW".equals(vr)) {
                ValueLayout.PixelData fragments = walkFragments(reader, vr);
                if (topLevel && tag == PIXEL_DATA) {
                    layout.pixelData = fragments;
                }
            } else if ("UN".equals(vr)) {
                // PS3.5 6.2.2: an undefined-length UN is a sequence encoded in implicit VR little endian.
                Reader implicit = new Reader(reader.in, true, false);
                implicit.position = reader.position;
                walkSequenceItems(implicit, depth + 1, -1, TagPath.of(path, tag), layout);
                reader.position = implicit.position;
            } else if (vr == null || "SQ".equals(vr)) {
                walkSequenceItems(reader, depth + 1, -1, TagPath.of(path, tag), layout);
            } else {
                throw new MalformedDicomException("undefined length on a " + vr + " element");
            }
        }
        if (end >= 0 && reader.position != end) {
            throw new MalformedDicomException("an item's elements overrun its length");
        }
        if (untilItemEnd) {
            throw new MalformedDicomException("item without its delimiter");
        }
    }

    /** Items of a sequence: until {@code end} bytes, or until the sequence delimiter when end < 0. */
    private static void walkSequenceItems(Reader reader, int depth, long end, String path, Layout layout)
            throws IOException {
        int itemNumber = 0;
        while (end < 0 || reader.position < end) {
            int tag = reader.readTag();
            long length = reader.readUnsigned32();
            if (tag == SEQUENCE_END) {
                if (end < 0) {
                    return;
                }
                throw new MalformedDicomException("sequence delimiter in a defined-length sequence");
            }
            if (tag != ITEM) {
                throw new MalformedDicomException(String.format("expected an item, found (%04X,%04X)", tag >>> 16, tag & 0xFFFF));
            }
            String itemPath = TagPath.item(path, ++itemNumber);
            if (length == UNDEFINED) {
                walkElements(reader, depth, -1, true, itemPath, layout);
            } else {
                walkElements(reader, depth, reader.position + length, false, itemPath, layout);
            }
        }
        if (reader.position != end) {
            throw new MalformedDicomException("a sequence's items overrun its length");
        }
    }

    /**
     * Encapsulated pixel data: the basic offset table and the fragments, then the delimiter. Reads
     * the offset table and the first two bytes of each fragment, skips the rest.
     */
    private static ValueLayout.PixelData walkFragments(Reader reader, String vr) throws IOException {
        long[] basicOffsetTable = null;
        List<ValueLayout.Fragment> fragments = new ArrayList<>();
        while (true) {
            long itemOffset = reader.position;
            int tag = reader.readTag();
            long length = reader.readUnsigned32();
            if (tag == SEQUENCE_END) {
                return new ValueLayout.PixelData(vr == null ? "OB" : vr, true, -1, -1, basicOffsetTable, fragments);
            }
            if (tag != ITEM || length == UNDEFINED) {
                throw new MalformedDicomException("malformed encapsulated pixel data fragment");
            }
            if (basicOffsetTable == null) {
                basicOffsetTable = length <= MAX_OFFSET_TABLE_BYTES && length % 4 == 0
                        ? reader.readUnsigned32s(length) : skipped(reader, length);
            } else {
                long offset = reader.position;
                int firstTwo = -1;
                if (length >= 2) {
                    byte[] two = reader.readBytes(2);
                    firstTwo = (two[0] & 0xFF) << 8 | (two[1] & 0xFF);
                    reader.skip(length - 2);
                } else {
                    reader.skip(length);
                }
                fragments.add(new ValueLayout.Fragment(itemOffset, offset, length, firstTwo));
            }
        }
    }

    private static long[] skipped(Reader reader, long length) throws IOException {
        reader.skip(length);
        return new long[0];
    }

    /** What the walk noted of the values' positions. */
    private static final class Layout {
        private final List<ValueLayout.LargeValue> values = new ArrayList<>();
        private ValueLayout.PixelData pixelData;
        private long[] extendedOffsetTable;

        ValueLayout build(boolean addressable) {
            return new ValueLayout(addressable, values, pixelData, extendedOffsetTable);
        }
    }

    /** A counting little/big endian reader over a stream, with one tag of look-ahead. */
    private static final class Reader {
        private final InputStream in;
        private final boolean littleEndian;
        private final boolean explicitVr;
        // As large as the stream's buffer, so skipped values are read past it rather than copied twice.
        private final byte[] scratch = new byte[64 * 1024];
        private long position;
        private int peeked = Integer.MIN_VALUE;
        private boolean hasPeeked;

        Reader(InputStream in, boolean littleEndian, boolean explicitVr) {
            this.in = in;
            this.littleEndian = littleEndian;
            this.explicitVr = explicitVr;
        }

        boolean atEnd() throws IOException {
            if (hasPeeked) {
                return peeked == -1;
            }
            in.mark(1);
            int b = in.read();
            if (b < 0) {
                return true;
            }
            in.reset();
            return false;
        }

        int peekTag() throws IOException {
            if (!hasPeeked) {
                in.mark(4);
                byte[] four = in.readNBytes(4);
                in.reset();
                peeked = four.length < 4 ? -1 : toTag(four);
                hasPeeked = true;
            }
            return peeked;
        }

        int readTag() throws IOException {
            hasPeeked = false;
            return toTag(readBytes(4));
        }

        private int toTag(byte[] b) {
            int group = littleEndian ? (b[0] & 0xFF) | (b[1] & 0xFF) << 8 : (b[0] & 0xFF) << 8 | (b[1] & 0xFF);
            int element = littleEndian ? (b[2] & 0xFF) | (b[3] & 0xFF) << 8 : (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
            return group << 16 | element;
        }

        String readVr() throws IOException {
            byte[] b = readBytes(2);
            if (b[0] < 'A' || b[0] > 'Z' || b[1] < 'A' || b[1] > 'Z') {
                throw new MalformedDicomException("invalid value representation in an explicit VR data set");
            }
            return new String(b, StandardCharsets.US_ASCII);
        }

        /** The value length after the tag (and VR, when explicit). */
        long readLength(String vr) throws IOException {
            if (vr == null) {
                return readUnsigned32();
            }
            if (hasLongLength(vr)) {
                readBytes(2);
                return readUnsigned32();
            }
            byte[] b = readBytes(2);
            return littleEndian ? (b[0] & 0xFF) | (b[1] & 0xFF) << 8 : (b[0] & 0xFF) << 8 | (b[1] & 0xFF);
        }

        /** A table of 32-bit values (the Basic Offset Table), read in chunks so a bad length costs no memory. */
        long[] readUnsigned32s(long length) throws IOException {
            long[] values = new long[0];
            for (long read = 0; read < length; read += 4) {
                if (read / 4 >= values.length) {
                    values = Arrays.copyOf(values, (int) Math.min(length / 4, Math.max(16, values.length * 2L)));
                }
                values[(int) (read / 4)] = readUnsigned32();
            }
            return values;
        }

        /** A table of 64-bit values (the Extended Offset Table); a length not a multiple of 8 gives none. */
        long[] readUnsigned64s(long length) throws IOException {
            if (length % 8 != 0) {
                skip(length);
                return null;
            }
            long[] values = new long[0];
            for (long read = 0; read < length; read += 8) {
                if (read / 8 >= values.length) {
                    values = Arrays.copyOf(values, (int) Math.min(length / 8, Math.max(16, values.length * 2L)));
                }
                long low = readUnsigned32();
                long high = readUnsigned32();
                values[(int) (read / 8)] = littleEndian ? high << 32 | low : low << 32 | high;
            }
            return values;
        }

        long readUnsigned32() throws IOException {
            byte[] b = readBytes(4);
            long value = littleEndian
                    ? (b[0] & 0xFFL) | (b[1] & 0xFFL) << 8 | (b[2] & 0xFFL) << 16 | (b[3] & 0xFFL) << 24
                    : (b[0] & 0xFFL) << 24 | (b[1] & 0xFFL) << 16 | (b[2] & 0xFFL) << 8 | (b[3] & 0xFFL);
            return value;
        }

        byte[] readBytes(int n) throws IOException {
            byte[] b = in.readNBytes(n);
            if (b.length < n) {
                throw new EOFException();
            }
            position += n;
            return b;
        }

        void skip(long n) throws IOException {
            long left = n;
            while (left > 0) {
                int read = in.read(scratch, 0, (int) Math.min(scratch.length, left));
                if (read < 0) {
                    throw new EOFException();
                }
                left -= read;
            }
            position += n;
        }
    }
}
