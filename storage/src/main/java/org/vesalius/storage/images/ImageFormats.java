package org.vesalius.storage.images;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Tells a DICOM Part 10 file from a NIfTI-1/NIfTI-2 volume by its first bytes, whatever the
 * client declared: "DICM" after the 128-byte preamble; or a NIfTI header (sizeof_hdr and magic),
 * plain or inside a gzip stream.
 */
public final class ImageFormats {
    private static final int PART10_MAGIC_OFFSET = 128;

    private ImageFormats() {
    }

    /** The file's format, or empty when it is neither (or too short or broken to tell). */
    public static Optional<ImageType> detect(Path file) throws IOException {
        byte[] prefix;
        try (InputStream in = Files.newInputStream(file)) {
            prefix = in.readNBytes(NiftiHeader.NIFTI2_HEADER_BYTES);
        }
        if (prefix.length >= PART10_MAGIC_OFFSET + 4
                && new String(prefix, PART10_MAGIC_OFFSET, 4, StandardCharsets.US_ASCII).equals("DICM")) {
            return Optional.of(ImageType.DICOM);
        }
        if (NiftiHeader.looksGzipped(prefix)) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                prefix = in.readNBytes(NiftiHeader.NIFTI2_HEADER_BYTES);
            } catch (IOException e) {
                return Optional.empty(); // a broken gzip stream
            }
        }
        return looksLikeNifti(prefix) ? Optional.of(ImageType.NIFTI) : Optional.empty();
    }

    private static boolean looksLikeNifti(byte[] b) {
        if (b.length < NiftiHeader.NIFTI1_HEADER_BYTES) {
            return false;
        }
        ByteBuffer buffer = ByteBuffer.wrap(b);
        int le = buffer.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        int be = buffer.order(ByteOrder.BIG_ENDIAN).getInt(0);
        if (le == NiftiHeader.NIFTI1_HEADER_BYTES || be == NiftiHeader.NIFTI1_HEADER_BYTES) {
            return Arrays.equals(b, 344, 348, new byte[] {'n', '+', '1', 0}, 0, 4);
        }
        if (le == NiftiHeader.NIFTI2_HEADER_BYTES || be == NiftiHeader.NIFTI2_HEADER_BYTES) {
            return Arrays.equals(b, 4, 8, new byte[] {'n', '+', '2', 0}, 0, 4);
        }
        return false;
    }
}
