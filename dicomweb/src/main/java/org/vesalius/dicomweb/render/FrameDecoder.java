package org.vesalius.dicomweb.render;

import com.pixelmed.dicom.CompressedFrameDecoder;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TransferSyntax;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns one frame of a file into stored values. Uncompressed and RLE frames we read ourselves;
 * JPEG and JPEG 2000 frames go to PixelMed's CompressedFrameDecoder (which picks the ImageIO
 * reader); when it has no reader (JPEG-LS, 12-bit lossy JPEG) DCMTK, if installed, decompresses
 * the file to a temporary copy.
 */
final class FrameDecoder {

    private static final System.Logger LOG = System.getLogger(FrameDecoder.class.getName());

    private final DcmtkDecompressor dcmtk;

    FrameDecoder(DcmtkDecompressor dcmtk) {
        this.dcmtk = dcmtk;
    }

    DecodedFrame decode(DicomImageFile file, ImageHeader header, int frameIndex) throws RenderException, IOException {
        TransferSyntax syntax = file.transferSyntax();
        if (!file.encapsulated()) {
            return decodeNative(file, header, frameIndex);
        }
        String uid = syntax.getUID();
        if (uid.equals(TransferSyntax.RLE)) {
            byte[] bytes = file.readCompressedFrame(frameIndex, header.numberOfFrames());
            int[] values = RleDecoder.decode(bytes, header.columns(), header.rows(), header.samplesPerPixel(),
                    header.bitsAllocated());
            return masked(header, values, header.photometric());
        }
        if (!syntax.isJPEGFamily() && !uid.equals(TransferSyntax.JPEG2000)
                && !uid.equals(TransferSyntax.JPEG2000Lossless)) {
            throw new RenderException(RenderException.Reason.UNSUPPORTED,
                    "no decoder for transfer syntax " + uid + " (" + syntax.getDescription() + ")");
        }
        byte[] bytes = file.readCompressedFrame(frameIndex, header.numberOfFrames());
        try {
            return decodeWithPixelMed(uid, bytes, header);
        } catch (DicomException | IOException | RuntimeException e) {
            Optional<DecodedFrame> fallback = decodeWithDcmtk(file, uid, header, frameIndex);
            if (fallback.isPresent()) {
                return fallback.get();
            }
            RenderException.Reason reason = e.getMessage() != null
                    && (e.getMessage().contains("No reader") || e.getMessage().contains("does not support"))
                            ? RenderException.Reason.UNSUPPORTED
                            : RenderException.Reason.CORRUPT;
            throw new RenderException(reason, "cannot decode " + syntax.getDescription() + " pixel data: " + e.getMessage(), e);
        }
    }

    private DecodedFrame decodeWithPixelMed(String uid, byte[] bytes, ImageHeader header)
            throws DicomException, IOException {
        int samples = header.samplesPerPixel();
        ColorSpace space = ColorSpace.getInstance(samples == 3 ? ColorSpace.CS_sRGB : ColorSpace.CS_GRAY);
        // The last argument tells PixelMed whether a JPEG without JFIF/Adobe markers holds YCbCr
        // (convert) or RGB as the header says (leave alone): true for an RGB header gives magenta.
        CompressedFrameDecoder decoder = new CompressedFrameDecoder(uid, new byte[][] {bytes},
                (header.bitsAllocated() - 1) / 8 + 1, header.columns(), header.rows(), samples, space,
                header.photometric().startsWith("YBR"));
        BufferedImage image = decoder.getDecompressedFrameAsBufferedImage(0);
        if (image == null || image.getWidth() != header.columns() || image.getHeight() != header.rows()
                || image.getRaster().getNumBands() != samples) {
            throw new DicomException("decoded frame does not match Rows, Columns and Samples per Pixel");
        }
        Raster raster = image.getRaster();
        int[] values = raster.getPixels(0, 0, raster.getWidth(), raster.getHeight(), (int[]) null);
        String photometric = header.photometric();
        // JPEG 2000 undoes its colour transform (YBR_ICT, YBR_RCT) itself; a JPEG reader may convert YBR.
        if (samples == 3 && (decoder.getColorSpaceConvertedToRGBDuringDecompression()
                || photometric.equals("YBR_ICT") || photometric.equals("YBR_RCT"))) {
            photometric = "RGB";
        }
        return masked(header, values, photometric);
    }

    private Optional<DecodedFrame> decodeWithDcmtk(DicomImageFile file, String uid, ImageHeader header, int frameIndex)
            throws RenderException, IOException {
        Optional<Path> copy = dcmtk.decompress(file, uid);
        if (copy.isEmpty()) {
            return Optional.empty();
        }
        try (DicomImageFile plain = DicomImageFile.open(copy.get())) {
            LOG.log(System.Logger.Level.DEBUG, "decoded {0} with DCMTK", uid);
            return Optional.of(decodeNative(plain, ImageHeader.from(plain.header()), frameIndex));
        } finally {
            Files.deleteIfExists(copy.get());
        }
    }

    private static DecodedFrame decodeNative(DicomImageFile file, ImageHeader header, int frameIndex)
            throws RenderException, IOException {
        int pixels = header.rows() * header.columns();
        int samples = header.samplesPerPixel();
        int bits = header.bitsAllocated();
        if (header.photometric().equals("YBR_FULL_422") && bits == 8 && samples == 3) {
            return ybr422(file, header, frameIndex);
        }
        if (bits == 1) {
            return bitPacked(file, header, frameIndex);
        }
        if (bits != 8 && bits != 16 && bits != 32) {
            throw new RenderException(RenderException.Reason.UNSUPPORTED, bits + " bits allocated are not rendered");
        }
        long sampleCount = (long) pixels * samples;
        long frameBytes = sampleCount * (bits / 8);
        if (frameBytes > Integer.MAX_VALUE) {
            throw new RenderException(RenderException.Reason.UNSUPPORTED, "frame larger than 2 GB");
        }
        ByteBuffer buffer = file.readNative(frameIndex * frameBytes, (int) frameBytes);
        int[] raw = new int[(int) sampleCount];
        switch (bits) {
            case 8 -> {
                for (int i = 0; i < raw.length; i++) {
                    raw[i] = buffer.get(i) & 0xFF;
                }
            }
            case 16 -> {
                ShortBuffer words = buffer.asShortBuffer();
                for (int i = 0; i < raw.length; i++) {
                    raw[i] = words.get(i) & 0xFFFF;
                }
            }
            default -> buffer.asIntBuffer().get(raw);
        }
        if (samples > 1 && header.planarConfiguration() == 1) {
            raw = interleave(raw, pixels, samples);
        }
        // Unsigned values of all the bits allocated are already what masking would give.
        boolean allBitsUnsigned = header.bitsStored() == bits && !(header.signed() && header.isMonochrome());
        return allBitsUnsigned
                ? new DecodedFrame(header.columns(), header.rows(), samples, raw, header.photometric())
                : masked(header, raw, header.photometric());
    }

    /** 4:2:2 (PS3.3 C.7.6.3.1.2): Y1 Y2 Cb Cr per pair of pixels, expanded to three samples per pixel. */
    private static DecodedFrame ybr422(DicomImageFile file, ImageHeader header, int frameIndex)
            throws RenderException, IOException {
        int pixels = header.rows() * header.columns();
        int frameBytes = pixels * 2;
        ByteBuffer buffer = file.readNative((long) frameIndex * frameBytes, frameBytes);
        int[] values = new int[pixels * 3];
        for (int p = 0; p + 1 < pixels; p += 2) {
            int base = p * 2;
            int cb = buffer.get(base + 2) & 0xFF;
            int cr = buffer.get(base + 3) & 0xFF;
            values[p * 3] = buffer.get(base) & 0xFF;
            values[p * 3 + 1] = cb;
            values[p * 3 + 2] = cr;
            values[p * 3 + 3] = buffer.get(base + 1) & 0xFF;
            values[p * 3 + 4] = cb;
            values[p * 3 + 5] = cr;
        }
        return new DecodedFrame(header.columns(), header.rows(), 3, values, "YBR_FULL");
    }

    /** 1 bit per pixel (segmentations, overlays in pixel data), least significant bit first. */
    private static DecodedFrame bitPacked(DicomImageFile file, ImageHeader header, int frameIndex)
            throws RenderException, IOException {
        long pixels = (long) header.rows() * header.columns();
        long firstBit = frameIndex * pixels;
        long firstByte = firstBit / 8;
        int byteCount = (int) ((firstBit + pixels + 7) / 8 - firstByte);
        ByteBuffer buffer = file.readNative(firstByte, byteCount);
        int[] values = new int[(int) pixels];
        for (int i = 0; i < values.length; i++) {
            long bit = firstBit - firstByte * 8 + i;
            values[i] = (buffer.get((int) (bit / 8)) >> (bit % 8)) & 1;
        }
        return new DecodedFrame(header.columns(), header.rows(), 1, values, header.photometric());
    }

    private static int[] interleave(int[] planar, int pixels, int samples) {
        int[] result = new int[planar.length];
        for (int s = 0; s < samples; s++) {
            for (int p = 0; p < pixels; p++) {
                result[p * samples + s] = planar[s * pixels + p];
            }
        }
        return result;
    }

    /**
     * Keeps the Bits Stored bits below High Bit and, for signed monochrome data, extends the sign:
     * the bits above High Bit may hold overlays or garbage (PS3.5 8.1.1).
     */
    private static DecodedFrame masked(ImageHeader header, int[] values, String photometric) {
        int stored = header.bitsStored();
        int shift = header.highBit() + 1 - stored;
        boolean signExtend = header.signed() && header.isMonochrome();
        if (stored < 32) {
            int mask = (1 << stored) - 1;
            int sign = 1 << (stored - 1);
            for (int i = 0; i < values.length; i++) {
                int v = (values[i] >>> shift) & mask;
                values[i] = signExtend && (v & sign) != 0 ? v - (1 << stored) : v;
            }
        }
        return new DecodedFrame(header.columns(), header.rows(), header.samplesPerPixel(), values, photometric);
    }
}
