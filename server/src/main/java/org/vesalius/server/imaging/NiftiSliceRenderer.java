package org.vesalius.server.imaging;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.vesalius.dicomweb.render.OutputFormat;
import org.vesalius.dicomweb.render.Renderer;
import org.vesalius.dicomweb.render.Window;
import org.vesalius.storage.blob.BlobNotFoundException;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.images.NiftiHeader;
import org.vesalius.storage.images.StoredImage;

/**
 * One slice of a stored NIfTI volume as an 8-bit grey picture. Reads only what the slice needs:
 * for a {@code .nii}, the header and then one ranged read from the slice's first voxel to its last
 * (exactly the slice for an axial one, whose voxels are contiguous); for a {@code .nii.gz}, the
 * stream is decompressed up to the slice's last voxel and never kept. Voxel values go through
 * {@code scl_slope}/{@code scl_inter}, then the window (linear, {@code C - W/2} black to
 * {@code C + W/2} white) or, without one, the slice's own minimum (black) and maximum (white).
 *
 * <p>Axes are voxel axes, as most NIfTI files are stored near RAS/LAS: {@code axial} fixes the
 * third ({@code k}), {@code coronal} the second ({@code j}), {@code sagittal} the first ({@code i}).
 * The picture shows the two others in voxel order, the lower one across (left to right) and the
 * higher one up (its index 0 at the bottom row), without reorienting by the sform or qform.
 */
public final class NiftiSliceRenderer {
    private static final System.Logger LOG = System.getLogger(NiftiSliceRenderer.class.getName());
    /** Bigger slices are refused rather than held in memory (16 M voxels: 128 MB of doubles). */
    private static final long MAX_SLICE_VOXELS = 16L * 1024 * 1024;

    private NiftiSliceRenderer() {
    }

    public enum Axis {
        SAGITTAL, CORONAL, AXIAL;

        /** The voxel axis (0 i, 1 j, 2 k) the slice fixes. */
        int fixed() {
            return ordinal();
        }
    }

    /**
     * What to render.
     *
     * @param index  the voxel index along the fixed axis (from 0), or null for the middle one
     * @param volume which volume of a 4-D (or higher) series, from 1
     * @param window null for the slice's min/max
     */
    public record Slice(Axis axis, Integer index, int volume, Window window) {

        /** From the query parameters {@code axis} (default axial) and {@code slice}; 400 when malformed. */
        public static Slice of(String axis, String slice, int volume, Window window) {
            Axis parsed;
            try {
                parsed = axis == null ? Axis.AXIAL : Axis.valueOf(axis.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw PictureException.badRequest("axis must be axial, coronal or sagittal");
            }
            Integer index = null;
            if (slice != null) {
                try {
                    index = Integer.parseInt(slice.trim());
                } catch (NumberFormatException e) {
                    index = -1;
                }
                if (index < 0) {
                    throw PictureException.badRequest("slice must be an integer from 0");
                }
            }
            return new Slice(parsed, index, volume, window);
        }
    }

    /** The NIfTI datatypes rendered, with their bytes per voxel. */
    private enum DataType {
        UINT8(2, 1), INT16(4, 2), INT32(8, 4), FLOAT32(16, 4), FLOAT64(64, 8), INT8(256, 1), UINT16(512, 2),
        UINT32(768, 4);

        final int code;
        final int bytes;

        DataType(int code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }

        static DataType of(int code) {
            for (DataType type : values()) {
                if (type.code == code) {
                    return type;
                }
            }
            throw new PictureException(409, "cannot render NIfTI datatype " + code
                    + " (rendered: uint8, int8, int16, uint16, int32, uint32, float32, float64)");
        }

        double read(ByteBuffer b) {
            return switch (this) {
                case UINT8 -> b.get() & 0xff;
                case INT8 -> b.get();
                case INT16 -> b.getShort();
                case UINT16 -> b.getShort() & 0xffff;
                case INT32 -> b.getInt();
                case UINT32 -> b.getInt() & 0xffffffffL;
                case FLOAT32 -> b.getFloat();
                case FLOAT64 -> b.getDouble();
            };
        }
    }

    /**
     * Renders the slice of the image as {@code format}.
     *
     * @throws PictureException 404 for a slice or volume beyond the volume, 409 for a datatype it
     *                          cannot render, 500/503 when the blob is missing or the store fails
     */
    public static byte[] render(BlobStore blobStore, StoredImage image, Slice slice, OutputFormat format, int quality) {
        boolean gzipped = image.nifti().gzipped();
        try (InputStream raw = gzipped ? blobStore.open(image.blobKey())
                : blobStore.openRange(image.blobKey(), 0, NiftiHeader.NIFTI2_HEADER_BYTES);
             InputStream in = gzipped ? new GZIPInputStream(new BufferedInputStream(raw), 64 * 1024) : raw) {
            byte[] headerBytes = readHeaderBytes(in);
            NiftiHeader header = NiftiHeader.read(new ByteArrayInputStream(headerBytes));
            Plan plan = Plan.of(header, slice);
            double[] scaling = scaling(headerBytes, header);
            double[] values;
            if (gzipped) {
                // Past the header bytes already read, on to the slice's first voxel.
                in.skipNBytes(header.voxOffset() + plan.firstByte() - headerBytes.length);
                values = plan.read(in, scaling, header.littleEndian());
            } else {
                try (InputStream voxels = blobStore.openRange(image.blobKey(), header.voxOffset() + plan.firstByte(),
                        plan.lastByte() - plan.firstByte())) {
                    values = plan.read(new BufferedInputStream(voxels, 64 * 1024), scaling, header.littleEndian());
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
            Renderer.encode(toGrey(values, plan.width(), plan.height(), slice.window()), format, quality, out);
            return out.toByteArray();
        } catch (BlobNotFoundException e) {
            LOG.log(Level.ERROR, "blob " + image.blobKey() + " is indexed but missing; run reconcile");
            throw new PictureException(500, "the stored object is missing");
        } catch (EOFException | ZipException | NiftiHeader.NotNiftiException e) {
            LOG.log(Level.ERROR, "stored NIfTI " + image.id() + " is unreadable: " + e.getMessage());
            throw new PictureException(500, "the stored NIfTI volume is unreadable: " + e.getMessage());
        } catch (IOException e) {
            LOG.log(Level.ERROR, "blob store unavailable: " + e.getMessage(), e);
            throw new PictureException(503, "the blob store is unavailable, try again later");
        }
    }

    /** Exactly the header (348 or 540 bytes), so that a gzip stream is left where the header ends. */
    private static byte[] readHeaderBytes(InputStream in) throws IOException {
        byte[] first = in.readNBytes(NiftiHeader.NIFTI1_HEADER_BYTES);
        if (first.length < 4) {
            return first; // NiftiHeader.read refuses it
        }
        ByteBuffer b = ByteBuffer.wrap(first);
        boolean nifti2 = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0) == NiftiHeader.NIFTI2_HEADER_BYTES
                || b.order(ByteOrder.BIG_ENDIAN).getInt(0) == NiftiHeader.NIFTI2_HEADER_BYTES;
        if (!nifti2) {
            return first;
        }
        byte[] rest = in.readNBytes(NiftiHeader.NIFTI2_HEADER_BYTES - NiftiHeader.NIFTI1_HEADER_BYTES);
        ByteBuffer whole = ByteBuffer.allocate(first.length + rest.length).put(first).put(rest);
        return whole.array();
    }

    /** {slope, intercept}: scl_slope 0 (or not finite) means the values are stored unscaled. */
    private static double[] scaling(byte[] headerBytes, NiftiHeader header) {
        ByteBuffer b = ByteBuffer.wrap(headerBytes)
                .order(header.littleEndian() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        double slope = header.version() == 1 ? b.getFloat(112) : b.getDouble(176);
        double intercept = header.version() == 1 ? b.getFloat(116) : b.getDouble(184);
        if (slope == 0 || !Double.isFinite(slope) || !Double.isFinite(intercept)) {
            return new double[] {1, 0};
        }
        return new double[] {slope, intercept};
    }

    /**
     * Where the slice's voxels lie in the voxel data. Iterating the picture's vertical axis
     * ({@code v}) outside and its horizontal one ({@code u}) inside visits them in file order.
     *
     * @param strides voxel strides of u, v and of the fixed axis; base is the fixed index's offset
     */
    private record Plan(DataType type, int width, int height, long uStride, long vStride, long base) {

        static Plan of(NiftiHeader header, Slice slice) {
            DataType type = DataType.of(header.datatype());
            long[] d = header.dims();
            long[] size = {d[0], d.length > 1 ? d[1] : 1, d.length > 2 ? d[2] : 1};
            long volumes = 1;
            for (int i = 3; i < d.length; i++) {
                volumes *= d[i];
            }
            long[] stride = {1, size[0], size[0] * size[1]};
            int fixed = slice.axis().fixed();
            long index = slice.index() == null ? size[fixed] / 2 : slice.index();
            if (index >= size[fixed]) {
                throw PictureException.notFound("no " + slice.axis().name().toLowerCase(Locale.ROOT) + " slice " + index
                        + ": the volume has " + size[fixed] + " (0 to " + (size[fixed] - 1) + ")");
            }
            if (slice.volume() > volumes) {
                throw PictureException.notFound("no volume " + slice.volume() + ": the series has " + volumes);
            }
            int u = fixed == 0 ? 1 : 0;
            int v = fixed == 2 ? 1 : 2;
            if (size[u] * size[v] > MAX_SLICE_VOXELS) {
                throw new PictureException(409, "the slice has " + size[u] * size[v] + " voxels, more than "
                        + MAX_SLICE_VOXELS + " are not rendered");
            }
            long volumeBase = (slice.volume() - 1) * size[0] * size[1] * size[2];
            return new Plan(type, (int) size[u], (int) size[v], stride[u], stride[v],
                    volumeBase + index * stride[fixed]);
        }

        long firstByte() {
            return base * type.bytes;
        }

        /** Just past the last voxel of the slice. */
        long lastByte() {
            return (base + (width - 1) * uStride + (height - 1) * vStride + 1) * type.bytes;
        }

        /** The scaled values, row 0 of the result being v = 0; {@code in} starts at {@link #firstByte}. */
        double[] read(InputStream in, double[] scaling, boolean littleEndian) throws IOException {
            double[] values = new double[width * height];
            ByteBuffer voxel = ByteBuffer.allocate(type.bytes)
                    .order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            long position = base;
            for (int v = 0; v < height; v++) {
                for (int u = 0; u < width; u++) {
                    long target = base + u * uStride + v * vStride;
                    in.skipNBytes((target - position) * type.bytes);
                    if (in.readNBytes(voxel.array(), 0, type.bytes) < type.bytes) {
                        throw new EOFException("the voxel data ends before the slice does");
                    }
                    voxel.clear();
                    values[v * width + u] = type.read(voxel) * scaling[0] + scaling[1];
                    position = target + 1;
                }
            }
            return values;
        }
    }

    /** The values mapped to 0..255 (NaN black), v = 0 at the bottom row. */
    private static BufferedImage toGrey(double[] values, int width, int height, Window window) {
        double low;
        double high;
        if (window != null) {
            low = window.center() - window.width() / 2;
            high = window.center() + window.width() / 2;
        } else {
            low = Double.POSITIVE_INFINITY;
            high = Double.NEGATIVE_INFINITY;
            for (double value : values) {
                if (Double.isFinite(value)) {
                    low = Math.min(low, value);
                    high = Math.max(high, value);
                }
            }
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = image.getRaster();
        for (int v = 0; v < height; v++) {
            for (int u = 0; u < width; u++) {
                double value = values[v * width + u];
                int grey = !Double.isFinite(value) || !(high > low) ? 0
                        : (int) Math.round(Math.clamp((value - low) / (high - low), 0.0, 1.0) * 255);
                raster.setSample(u, height - 1 - v, 0, grey);
            }
        }
        return image;
    }
}
