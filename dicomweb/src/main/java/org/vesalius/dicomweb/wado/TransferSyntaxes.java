package org.vesalius.dicomweb.wado;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What WADO-RS needs to know of transfer syntaxes: media types (PS3.18 8.7.3.5) and what we decode. */
final class TransferSyntaxes {
    static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    static final String DEFLATED_LE = "1.2.840.10008.1.2.1.99";
    static final String EXPLICIT_BE = "1.2.840.10008.1.2.2";
    static final String RLE = "1.2.840.10008.1.2.5";
    static final String JPEG_LS = "1.2.840.10008.1.2.4.80";
    static final String JPEG_LS_NEAR = "1.2.840.10008.1.2.4.81";

    /** Native (uncompressed) pixel data: its frames are Explicit VR Little Endian bytes once in little endian. */
    private static final Set<String> NATIVE = Set.of(IMPLICIT_LE, EXPLICIT_LE, DEFLATED_LE, EXPLICIT_BE);

    /** The media type of a compressed frame in each encapsulated syntax (PS3.18 Table 8.7.3-2). */
    private static final Map<String, String> FRAME_MEDIA_TYPES = Map.ofEntries(
            Map.entry("1.2.840.10008.1.2.4.50", "image/jpeg"),
            Map.entry("1.2.840.10008.1.2.4.51", "image/jpeg"),
            Map.entry("1.2.840.10008.1.2.4.57", "image/jpeg"),
            Map.entry("1.2.840.10008.1.2.4.70", "image/jpeg"),
            Map.entry(JPEG_LS, "image/jls"),
            Map.entry(JPEG_LS_NEAR, "image/jls"),
            Map.entry("1.2.840.10008.1.2.4.90", "image/jp2"),
            Map.entry("1.2.840.10008.1.2.4.91", "image/jp2"),
            Map.entry("1.2.840.10008.1.2.4.92", "image/jpx"),
            Map.entry("1.2.840.10008.1.2.4.93", "image/jpx"),
            Map.entry("1.2.840.10008.1.2.4.201", "image/jphc"),
            Map.entry("1.2.840.10008.1.2.4.202", "image/jphc"),
            Map.entry("1.2.840.10008.1.2.4.203", "image/jphc"),
            Map.entry(RLE, "image/dicom-rle"));

    /** The syntax a range means when it names a frame media type without a transfer-syntax parameter. */
    private static final Map<String, String> DEFAULT_SYNTAX = Map.of(
            "application/octet-stream", EXPLICIT_LE,
            "image/jpeg", "1.2.840.10008.1.2.4.50",
            "image/jls", JPEG_LS,
            "image/jp2", "1.2.840.10008.1.2.4.90",
            "image/jpx", "1.2.840.10008.1.2.4.92",
            "image/jphc", "1.2.840.10008.1.2.4.201",
            "image/dicom-rle", RLE);

    /**
     * What PixelMed decodes (RLE itself, JPEG through the JDK's and pixelmed-imageio's readers,
     * JPEG 2000 through jai-imageio) or DCMTK does when installed (JPEG-LS, 12-bit lossy JPEG).
     * Not: video (MPEG-2, MPEG-4, HEVC), JPIP, HTJ2K, and anything unknown.
     */
    private static final Set<String> DECODABLE = Set.of(IMPLICIT_LE, EXPLICIT_LE, DEFLATED_LE, EXPLICIT_BE, RLE,
            "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70",
            JPEG_LS, JPEG_LS_NEAR, "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91");

    private TransferSyntaxes() {
    }

    static boolean isNative(String uid) {
        return NATIVE.contains(uid);
    }

    static Optional<String> frameMediaType(String uid) {
        return Optional.ofNullable(FRAME_MEDIA_TYPES.get(uid));
    }

    static Optional<String> defaultSyntax(String mediaType) {
        return Optional.ofNullable(DEFAULT_SYNTAX.get(mediaType));
    }

    static boolean canDecode(String uid) {
        return DECODABLE.contains(uid);
    }
}
