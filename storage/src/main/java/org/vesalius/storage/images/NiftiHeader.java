package org.vesalius.storage.images;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The header fields of a single-file NIfTI-1 or NIfTI-2 volume ({@code .nii}, or {@code .nii.gz}),
 * recognised from the bytes alone: gzip magic {@code 1f 8b}; then {@code sizeof_hdr} 348 (NIfTI-1,
 * magic {@code n+1\0} at 344) or 540 (NIfTI-2, magic {@code n+2\0\r\n\032\n} at 4), in either byte
 * order. Only the header is read, never the voxels.
 *
 * @param version      1 or 2
 * @param gzipped      whether the file is gzip-compressed
 * @param littleEndian the header's byte order
 * @param dims         dim[1..dim[0]]: the size of each axis
 * @param voxelSizes   pixdim[1..dim[0]]: the voxel size along each axis (mm, or the time unit)
 * @param datatype     the datatype code (2 uint8, 4 int16, 16 float32, ...)
 * @param bitpix       bits per voxel
 * @param voxOffset    where the voxels start in the (uncompressed) file
 * @param qformCode    0 when the qform is unused
 * @param sformCode    0 when the sform is unused
 * @param orientation  the anatomical direction each voxel axis points to, e.g. "RAS" (from the sform
 *                     when set, else the qform, else "" for unknown)
 */
public record NiftiHeader(int version, boolean gzipped, boolean littleEndian, long[] dims, double[] voxelSizes,
                          int datatype, int bitpix, long voxOffset, int qformCode, int sformCode,
                          String orientation) {

    public static final int NIFTI1_HEADER_BYTES = 348;
    public static final int NIFTI2_HEADER_BYTES = 540;

    /** The bytes are not a NIfTI-1/NIfTI-2 single file, or end before its header or voxels do. */
    public static final class NotNiftiException extends IOException {
        public NotNiftiException(String message) {
            super(message);
        }
    }

    /** True when {@code prefix} (the first bytes of a file) starts like a gzip stream. */
    public static boolean looksGzipped(byte[] prefix) {
        return prefix.length >= 2 && (prefix[0] & 0xff) == 0x1f && (prefix[1] & 0xff) == 0x8b;
    }

    /**
     * Reads the header at the start of {@code in} (gzip-compressed or not). {@code in} is left
     * positioned after the header, in the uncompressed bytes when gzipped; use {@link #inspect} to
     * also check the voxels are all there.
     */
    public static NiftiHeader read(InputStream in) throws IOException {
        return readHeader(openUncompressed(in)).header;
    }

    /**
     * Reads the header and then the whole (uncompressed) file, checking it holds every voxel the
     * header announces: a truncated upload, or a gzip stream broken off, is refused here.
     */
    public static NiftiHeader inspect(InputStream in) throws IOException {
        Parsed parsed = readHeader(openUncompressed(in));
        NiftiHeader header = parsed.header;
        long rest;
        try {
            rest = parsed.rest.transferTo(OutputStream.nullOutputStream());
        } catch (EOFException | ZipException e) {
            throw new NotNiftiException("the gzip stream is truncated or corrupt: " + e.getMessage());
        }
        long total = parsed.headerBytes + rest;
        long expected = header.voxOffset() + header.voxelBytes();
        if (total < expected) {
            throw new NotNiftiException("the NIfTI file is truncated: " + total + " bytes, its header announces "
                    + expected);
        }
        return header;
    }

    /** Bytes of voxel data the header announces: the product of the dims times bitpix / 8. */
    public long voxelBytes() {
        long voxels = 1;
        for (long d : dims) {
            voxels = Math.multiplyExact(voxels, d);
        }
        return Math.multiplyExact(voxels, Math.max(bitpix, 1)) / 8;
    }

    /** dims as "64,64,30" for the index and JSON. */
    public String dimsText() {
        return Arrays.stream(dims).mapToObj(Long::toString).collect(Collectors.joining(","));
    }

    /** voxelSizes as "1.0,1.0,2.5". */
    public String voxelSizesText() {
        return Arrays.stream(voxelSizes).mapToObj(Double::toString).collect(Collectors.joining(","));
    }

    private record Parsed(NiftiHeader header, int headerBytes, InputStream rest) {
    }

    private static InputStream openUncompressed(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in);
        buffered.mark(2);
        byte[] magic = buffered.readNBytes(2);
        buffered.reset();
        if (!looksGzipped(magic)) {
            return buffered;
        }
        try {
            return new GZIPInputStream(buffered, 64 * 1024);
        } catch (EOFException | ZipException e) {
            throw new NotNiftiException("the gzip stream is truncated or corrupt: " + e.getMessage());
        }
    }

    private static Parsed readHeader(InputStream in) throws IOException {
        boolean gzipped = in instanceof GZIPInputStream;
        byte[] first;
        try {
            first = in.readNBytes(NIFTI1_HEADER_BYTES);
        } catch (EOFException | ZipException e) {
            throw new NotNiftiException("the gzip stream is truncated or corrupt: " + e.getMessage());
        }
        if (first.length < NIFTI1_HEADER_BYTES) {
            throw new NotNiftiException("too short for a NIfTI header: " + first.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(first);
        int sizeLe = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        int sizeBe = b.order(ByteOrder.BIG_ENDIAN).getInt(0);
        if (sizeLe == NIFTI1_HEADER_BYTES || sizeBe == NIFTI1_HEADER_BYTES) {
            b.order(sizeLe == NIFTI1_HEADER_BYTES ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            if (!Arrays.equals(first, 344, 348, new byte[] {'n', '+', '1', 0}, 0, 4)) {
                throw new NotNiftiException("sizeof_hdr is 348 but the magic is not \"n+1\" (a .hdr/.img pair is not accepted)");
            }
            return new Parsed(nifti1(b, gzipped), NIFTI1_HEADER_BYTES, in);
        }
        if (sizeLe == NIFTI2_HEADER_BYTES || sizeBe == NIFTI2_HEADER_BYTES) {
            byte[] rest = in.readNBytes(NIFTI2_HEADER_BYTES - NIFTI1_HEADER_BYTES);
            if (rest.length < NIFTI2_HEADER_BYTES - NIFTI1_HEADER_BYTES) {
                throw new NotNiftiException("too short for a NIfTI-2 header: " + (first.length + rest.length) + " bytes");
            }
            ByteBuffer whole = ByteBuffer.allocate(NIFTI2_HEADER_BYTES).put(first).put(rest).flip();
            whole.order(sizeLe == NIFTI2_HEADER_BYTES ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            byte[] magic = new byte[4];
            whole.get(4, magic);
            if (!Arrays.equals(magic, new byte[] {'n', '+', '2', 0})) {
                throw new NotNiftiException("sizeof_hdr is 540 but the magic is not \"n+2\"");
            }
            return new Parsed(nifti2(whole, gzipped), NIFTI2_HEADER_BYTES, in);
        }
        throw new NotNiftiException("not a NIfTI-1 or NIfTI-2 header (sizeof_hdr is neither 348 nor 540)");
    }

    /** NIfTI-1 layout: dim short[8] at 40, datatype 70, bitpix 72, pixdim float[8] at 76, vox_offset float 108, qform 252, sform 254. */
    private static NiftiHeader nifti1(ByteBuffer b, boolean gzipped) throws NotNiftiException {
        int rank = b.getShort(40);
        requireRank(rank);
        long[] dims = new long[rank];
        double[] sizes = new double[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = b.getShort(42 + 2 * i);
            sizes[i] = b.getFloat(80 + 4 * i);
        }
        requirePositive(dims);
        int datatype = b.getShort(70);
        int bitpix = b.getShort(72);
        long voxOffset = (long) b.getFloat(108);
        int qformCode = b.getShort(252);
        int sformCode = b.getShort(254);
        double qfac = b.getFloat(76) < 0 ? -1 : 1;
        double[][] matrix = sformCode > 0
                ? sform(b.getFloat(280), b.getFloat(284), b.getFloat(288),
                        b.getFloat(296), b.getFloat(300), b.getFloat(304),
                        b.getFloat(312), b.getFloat(316), b.getFloat(320))
                : qformCode > 0 ? quaternion(b.getFloat(256), b.getFloat(260), b.getFloat(264), qfac) : null;
        return new NiftiHeader(1, gzipped, b.order() == ByteOrder.LITTLE_ENDIAN, dims, sizes, datatype, bitpix,
                Math.max(voxOffset, NIFTI1_HEADER_BYTES), qformCode, sformCode, orientation(matrix));
    }

    /** NIfTI-2 layout: datatype short 12, bitpix 14, dim long[8] at 16, pixdim double[8] at 104, vox_offset long 168, qform int 344, sform 348. */
    private static NiftiHeader nifti2(ByteBuffer b, boolean gzipped) throws NotNiftiException {
        long rank = b.getLong(16);
        requireRank(rank);
        long[] dims = new long[(int) rank];
        double[] sizes = new double[(int) rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = b.getLong(24 + 8 * i);
            sizes[i] = b.getDouble(112 + 8 * i);
        }
        requirePositive(dims);
        int qformCode = b.getInt(344);
        int sformCode = b.getInt(348);
        double qfac = b.getDouble(104) < 0 ? -1 : 1;
        double[][] matrix = sformCode > 0
                ? sform(b.getDouble(400), b.getDouble(408), b.getDouble(416),
                        b.getDouble(432), b.getDouble(440), b.getDouble(448),
                        b.getDouble(464), b.getDouble(472), b.getDouble(480))
                : qformCode > 0 ? quaternion(b.getDouble(352), b.getDouble(360), b.getDouble(368), qfac) : null;
        return new NiftiHeader(2, gzipped, b.order() == ByteOrder.LITTLE_ENDIAN, dims, sizes, b.getShort(12),
                b.getShort(14), Math.max(b.getLong(168), NIFTI2_HEADER_BYTES), qformCode, sformCode, orientation(matrix));
    }

    private static void requireRank(long rank) throws NotNiftiException {
        if (rank < 1 || rank > 7) {
            throw new NotNiftiException("dim[0] is " + rank + ", not 1 to 7");
        }
    }

    private static void requirePositive(long[] dims) throws NotNiftiException {
        if (IntStream.range(0, dims.length).anyMatch(i -> dims[i] < 1)) {
            throw new NotNiftiException("a dimension is not positive: " + Arrays.toString(dims));
        }
    }

    private static double[][] sform(double... m) {
        return new double[][] {{m[0], m[1], m[2]}, {m[3], m[4], m[5]}, {m[6], m[7], m[8]}};
    }

    /** The rotation of the qform (quaternion b, c, d; a = sqrt(1 - b² - c² - d²)), the third column times qfac. */
    private static double[][] quaternion(double qb, double qc, double qd, double qfac) {
        double qa = Math.sqrt(Math.max(0, 1 - (qb * qb + qc * qc + qd * qd)));
        return new double[][] {
                {qa * qa + qb * qb - qc * qc - qd * qd, 2 * (qb * qc - qa * qd), qfac * 2 * (qb * qd + qa * qc)},
                {2 * (qb * qc + qa * qd), qa * qa + qc * qc - qb * qb - qd * qd, qfac * 2 * (qc * qd - qa * qb)},
                {2 * (qb * qd - qa * qc), 2 * (qc * qd + qa * qb), qfac * (qa * qa + qd * qd - qc * qc - qb * qb)}};
    }

    /**
     * For each of the first three voxel axes, the world axis it mostly runs along (NIfTI's world is
     * RAS+: x to the Right, y Anterior, z Superior) with its sign, as the usual three letters.
     */
    private static String orientation(double[][] m) {
        if (m == null) {
            return "";
        }
        String[] positive = {"R", "A", "S"};
        String[] negative = {"L", "P", "I"};
        StringBuilder letters = new StringBuilder();
        for (int column = 0; column < 3; column++) {
            int best = 0;
            for (int row = 1; row < 3; row++) {
                if (Math.abs(m[row][column]) > Math.abs(m[best][column])) {
                    best = row;
                }
            }
            if (m[best][column] == 0) {
                return "";
            }
            letters.append(m[best][column] > 0 ? positive[best] : negative[best]);
        }
        return letters.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NiftiHeader h && version == h.version && gzipped == h.gzipped
                && littleEndian == h.littleEndian && Arrays.equals(dims, h.dims) && Arrays.equals(voxelSizes, h.voxelSizes)
                && datatype == h.datatype && bitpix == h.bitpix && voxOffset == h.voxOffset
                && qformCode == h.qformCode && sformCode == h.sformCode && orientation.equals(h.orientation);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims) * 31 + datatype;
    }

    @Override
    public String toString() {
        return "NIfTI-" + version + (gzipped ? " (gzip)" : "") + " dims " + dimsText() + " voxel " + voxelSizesText()
                + " datatype " + datatype + " orientation " + orientation;
    }
}
