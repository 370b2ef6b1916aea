package org.vesalius.dicomweb.testing;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.vesalius.storage.testing.SampleDicom;

/**
 * Writes a large multi-frame image (1024 x 1024 x 8 bits a frame) straight to disk, element by
 * element in explicit VR little endian, so that a test can make a file of hundreds of megabytes
 * without holding it.
 */
public final class LargeDicom {
    private static final int FRAME_BYTES = 1024 * 1024;

    private LargeDicom() {
    }

    public record Written(Path file, String studyUid, String seriesUid, String sopUid) {
    }

    public static Written write(Path file, int frames) throws IOException {
        String study = SampleDicom.newUid();
        String series = SampleDicom.newUid();
        String sop = SampleDicom.newUid();
        ByteArrayOutputStream meta = new ByteArrayOutputStream();
        element(meta, 0x0002, 0x0001, "OB", new byte[] {0, 1});
        element(meta, 0x0002, 0x0002, "UI", ui(SampleDicom.SECONDARY_CAPTURE));
        element(meta, 0x0002, 0x0003, "UI", ui(sop));
        element(meta, 0x0002, 0x0010, "UI", ui(SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN));
        element(meta, 0x0002, 0x0012, "UI", ui("1.2.40.0.13.1.1"));
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(new byte[128]);
        header.write("DICM".getBytes(StandardCharsets.US_ASCII));
        element(header, 0x0002, 0x0000, "UL", le32(meta.size()));
        meta.writeTo(header);
        element(header, 0x0008, 0x0016, "UI", ui(SampleDicom.SECONDARY_CAPTURE));
        element(header, 0x0008, 0x0018, "UI", ui(sop));
        element(header, 0x0008, 0x0060, "CS", text("OT"));
        element(header, 0x0010, 0x0010, "PN", text("LARGE^TEST"));
        element(header, 0x0010, 0x0020, "LO", text("LARGE"));
        element(header, 0x0020, 0x000D, "UI", ui(study));
        element(header, 0x0020, 0x000E, "UI", ui(series));
        element(header, 0x0028, 0x0002, "US", le16(1));
        element(header, 0x0028, 0x0004, "CS", text("MONOCHROME2"));
        element(header, 0x0028, 0x0008, "IS", text(String.valueOf(frames)));
        element(header, 0x0028, 0x0010, "US", le16(1024));
        element(header, 0x0028, 0x0011, "US", le16(1024));
        element(header, 0x0028, 0x0100, "US", le16(8));
        element(header, 0x0028, 0x0101, "US", le16(8));
        element(header, 0x0028, 0x0102, "US", le16(7));
        element(header, 0x0028, 0x0103, "US", le16(0));
        // (7FE0,0010) OB with its 4-byte length; the frames follow.
        header.write(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0});
        header.write(le32((int) ((long) frames * FRAME_BYTES)));

        byte[] frame = new byte[FRAME_BYTES];
        Random random = new Random(frames);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            header.writeTo(out);
            for (int i = 0; i < frames; i++) {
                random.nextBytes(frame);
                out.write(frame);
            }
        }
        return new Written(file, study, series, sop);
    }

    private static void element(ByteArrayOutputStream out, int group, int element, String vr, byte[] value) {
        out.writeBytes(le16(group));
        out.writeBytes(le16(element));
        out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
        if (vr.equals("OB")) {
            out.writeBytes(new byte[2]);
            out.writeBytes(le32(value.length));
        } else {
            out.writeBytes(le16(value.length));
        }
        out.writeBytes(value);
    }

    private static byte[] ui(String uid) {
        byte[] bytes = uid.getBytes(StandardCharsets.US_ASCII);
        return bytes.length % 2 == 0 ? bytes : java.util.Arrays.copyOf(bytes, bytes.length + 1);
    }

    private static byte[] text(String s) {
        return (s.length() % 2 == 0 ? s : s + " ").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] le16(int value) {
        return ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) value).array();
    }

    private static byte[] le32(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }
}
