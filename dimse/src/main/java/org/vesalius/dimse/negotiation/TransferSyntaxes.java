package org.vesalius.dimse.negotiation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every standard transfer syntax a sender may propose for storage (PS3.6 Annex A, 2024), and
 * nothing else. The archive keeps the data set exactly as received, so accepting a syntax only
 * requires that the header can be parsed: all of these are explicit VR little endian apart from
 * implicit VR, big endian and the deflated ones, which PixelMed and the ingest path read too.
 *
 * <p>Why our own list: PixelMed's {@code TransferSyntax.isRecognized()} stops at MPEG-4 (2022);
 * it knows neither HEVC, JPEG 2000 Part 2, HTJ2K, JPEG XL, the fragmentable video variants nor
 * SMPTE ST 2110. It parses their data sets fine (an unknown UID is read as explicit VR little
 * endian), so only the negotiation needs the longer list.
 */
public final class TransferSyntaxes {
    public static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    public static final String EXPLICIT_VR_BIG_ENDIAN = "1.2.840.10008.1.2.2";

    private static final Map<String, String> NAMES = new LinkedHashMap<>();

    static {
        add(IMPLICIT_VR_LITTLE_ENDIAN, "Implicit VR Little Endian");
        add(EXPLICIT_VR_LITTLE_ENDIAN, "Explicit VR Little Endian");
        add("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian");
        add("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian");
        add(EXPLICIT_VR_BIG_ENDIAN, "Explicit VR Big Endian (retired, still sent by old modalities)");
        add("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)");
        add("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)");
        add("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)");
        add("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 SV1)");
        add("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless");
        add("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless)");
        add("1.2.840.10008.1.2.4.90", "JPEG 2000 (Lossless Only)");
        add("1.2.840.10008.1.2.4.91", "JPEG 2000");
        add("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component (Lossless Only)");
        add("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component");
        add("1.2.840.10008.1.2.4.94", "JPIP Referenced");
        add("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate");
        add("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level");
        add("1.2.840.10008.1.2.4.100.1", "Fragmentable MPEG2 Main Profile / Main Level");
        add("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level");
        add("1.2.840.10008.1.2.4.101.1", "Fragmentable MPEG2 Main Profile / High Level");
        add("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1");
        add("1.2.840.10008.1.2.4.102.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.1");
        add("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1");
        add("1.2.840.10008.1.2.4.103.1", "Fragmentable MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1");
        add("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video");
        add("1.2.840.10008.1.2.4.104.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video");
        add("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video");
        add("1.2.840.10008.1.2.4.105.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video");
        add("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2");
        add("1.2.840.10008.1.2.4.106.1", "Fragmentable MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2");
        add("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1");
        add("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1");
        add("1.2.840.10008.1.2.4.110", "JPEG XL Lossless");
        add("1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression");
        add("1.2.840.10008.1.2.4.112", "JPEG XL");
        add("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 (Lossless Only)");
        add("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options (Lossless Only)");
        add("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000");
        add("1.2.840.10008.1.2.4.204", "JPIP HTJ2K Referenced");
        add("1.2.840.10008.1.2.4.205", "JPIP HTJ2K Referenced Deflate");
        add("1.2.840.10008.1.2.5", "RLE Lossless");
        add("1.2.840.10008.1.2.7.1", "SMPTE ST 2110-20 Uncompressed Progressive Active Video");
        add("1.2.840.10008.1.2.7.2", "SMPTE ST 2110-20 Uncompressed Interlaced Active Video");
        add("1.2.840.10008.1.2.7.3", "SMPTE ST 2110-30 PCM Digital Audio");
        add("1.2.840.10008.1.2.8.1", "Deflated Image Frame Compression");
    }

    private TransferSyntaxes() {
    }

    private static void add(String uid, String name) {
        NAMES.put(uid, name);
    }

    public static boolean isAccepted(String transferSyntaxUid) {
        return transferSyntaxUid != null && NAMES.containsKey(transferSyntaxUid);
    }

    /** UID to name, in the order above (the order the documentation lists them). */
    public static Map<String, String> all() {
        return Collections.unmodifiableMap(NAMES);
    }
}
