package org.vesalius.storage.images;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.GZIPOutputStream;

/**
 * Small NIfTI-1 and NIfTI-2 volumes written byte by byte after the format's specification, for tests:
 * int16 voxels, a pixdim per axis, an sform (or qform) that points the axes where the caller says.
 */
public final class NiftiFiles {
    private NiftiFiles() {
    }

    /**
     * A NIfTI-1 single file (.nii): 348-byte header, 4 bytes of empty extension flag, the voxels.
     *
     * @param axisSigns +1 or -1 per spatial axis: the sform is diag(signs * pixdim), e.g. (-1, 1, 1) for "LAS"
     */
    public static byte[] nifti1(int[] dims, float[] pixdim, ByteOrder order, int[] axisSigns) {
        ByteBuffer b = ByteBuffer.allocate(352 + voxelBytes(dims)).order(order);
        b.putInt(0, 348);
        b.putShort(40, (short) dims.length);
        for (int i = 0; i < dims.length; i++) {
            b.putShort(42 + 2 * i, (short) dims[i]);
            b.putFloat(80 + 4 * i, pixdim[i]);
        }
        b.putFloat(76, 1f); // qfac
        b.putShort(70, (short) 4); // DT_SIGNED_SHORT
        b.putShort(72, (short) 16);
        b.putFloat(108, 352f);
        b.putFloat(112, 1f); // scl_slope
        b.putShort(252, (short) 0);
        b.putShort(254, (short) 1); // sform_code: scanner anatomical
        b.putFloat(280, axisSigns[0] * pixdim[0]);
        b.putFloat(300, axisSigns[1] * pixdim[1]);
        b.putFloat(320, axisSigns[2] * pixdim[2]);
        b.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1').put(347, (byte) 0);
        fillVoxels(b, 352, dims);
        return b.array();
    }

    /** A NIfTI-2 single file: 540-byte header, 4 bytes of extension flag, the voxels; only a qform (identity: "RAS"). */
    public static byte[] nifti2(int[] dims, double[] pixdim, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(544 + voxelBytes(dims)).order(order);
        b.putInt(0, 540);
        b.put(4, new byte[] {'n', '+', '2', 0, '\r', '\n', 0x1a, '\n'});
        b.putShort(12, (short) 4);
        b.putShort(14, (short) 16);
        b.putLong(16, dims.length);
        for (int i = 0; i < dims.length; i++) {
            b.putLong(24 + 8 * i, dims[i]);
            b.putDouble(112 + 8 * i, pixdim[i]);
        }
        b.putDouble(104, 1.0);
        b.putLong(168, 544);
        b.putDouble(176, 1.0);
        b.putInt(344, 1); // qform_code, quaternion (0, 0, 0): identity
        b.putInt(348, 0);
        fillVoxels(b, 544, dims);
        return b.array();
    }

    public static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int voxelBytes(int[] dims) {
        int n = 2;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    private static void fillVoxels(ByteBuffer b, int offset, int[] dims) {
        for (int i = offset; i + 1 < b.capacity(); i += 2) {
            b.putShort(i, (short) ((i - offset) / 2 % 1000));
        }
    }
}
