package org.vesalius.storage.testing;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.DateAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Makes sample DICOM files for tests: N distinct small images (32x32, 8-bit MONOCHROME2, fresh
 * UIDs) in a chosen transfer syntax, plus deliberately broken ones, and reads back the data set
 * bytes of a Part 10 file for bit-exact comparisons.
 *
 * <p>Uncompressed files are written by PixelMed; other syntaxes are made by DCMTK's own encoders
 * (dcmconv, dcmcjpeg, dcmcjpls, dcmcrle), so they are real encodings. Syntaxes no installed tool
 * can encode (JPEG 2000, HTJ2K, MPEG-2, H.264, HEVC, ...) get a one-fragment encapsulated pixel
 * data whose bytes are not a real codestream: enough for transport and storage, which never decode.
 */
public final class SampleDicom {
    public static final String SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";
    public static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    public static final String EXPLICIT_VR_BIG_ENDIAN = "1.2.840.10008.1.2.2";
    public static final String DEFLATED = "1.2.840.10008.1.2.1.99";
    public static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    public static final String JPEG_EXTENDED = "1.2.840.10008.1.2.4.51";
    public static final String JPEG_LOSSLESS = "1.2.840.10008.1.2.4.57";
    public static final String JPEG_LOSSLESS_SV1 = "1.2.840.10008.1.2.4.70";
    public static final String JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80";
    public static final String JPEG_LS_NEAR_LOSSLESS = "1.2.840.10008.1.2.4.81";
    public static final String RLE = "1.2.840.10008.1.2.5";
    public static final String MPEG2_MAIN_LEVEL = "1.2.840.10008.1.2.4.100";
    public static final String H264_HIGH_41 = "1.2.840.10008.1.2.4.102";
    public static final String HEVC_MAIN = "1.2.840.10008.1.2.4.107";
    public static final String HTJ2K = "1.2.840.10008.1.2.4.203";

    private static final int SIZE = 32;
    private static final String SOURCE_AE = "VESALIUS_TEST";

    /** DCMTK command (before input and output file) that encodes an explicit VR little endian file. */
    private static final Map<String, List<String>> DCMTK_ENCODERS = Map.ofEntries(
            Map.entry(IMPLICIT_VR_LITTLE_ENDIAN, List.of("dcmconv", "+ti")),
            Map.entry(EXPLICIT_VR_BIG_ENDIAN, List.of("dcmconv", "+tb")),
            Map.entry(DEFLATED, List.of("dcmconv", "+td")),
            Map.entry(JPEG_BASELINE, List.of("dcmcjpeg", "+eb", "+un")),
            Map.entry(JPEG_EXTENDED, List.of("dcmcjpeg", "+ee", "+un")),
            Map.entry(JPEG_LOSSLESS, List.of("dcmcjpeg", "+el", "+un")),
            Map.entry(JPEG_LOSSLESS_SV1, List.of("dcmcjpeg", "+e1", "+un")),
            Map.entry(JPEG_LS_LOSSLESS, List.of("dcmcjpls", "+el", "+un")),
            Map.entry(JPEG_LS_NEAR_LOSSLESS, List.of("dcmcjpls", "+en", "+un")),
            Map.entry(RLE, List.of("dcmcrle", "+un")));

    private SampleDicom() {
    }

    /** A written sample: its file and the UIDs it carries. */
    public record Instance(Path file, String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
                           String sopClassUid, String transferSyntaxUid) {
    }

    /** A fresh UID in the 2.25 (UUID) arc, at most 44 characters. */
    public static String newUid() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, bytes.array());
    }

    /** {@code count} distinct images of one new study and series, in {@code transferSyntaxUid}. */
    public static List<Instance> generate(Path dir, int count, String transferSyntaxUid) throws IOException {
        Files.createDirectories(dir);
        String study = newUid();
        String series = newUid();
        List<Instance> instances = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            String sop = newUid();
            Path file = dir.resolve(shortName(transferSyntaxUid) + "-" + i + "-" + sop.substring(5, 15) + ".dcm");
            instances.add(writeImage(file, study, series, sop, i, transferSyntaxUid));
        }
        return instances;
    }

    /** One image with the given UIDs; {@code number} varies its pixels and InstanceNumber. */
    public static Instance writeImage(Path file, String studyUid, String seriesUid, String sopUid, int number,
                                      String transferSyntaxUid) throws IOException {
        AttributeList dataSet = imageDataSet(studyUid, seriesUid, sopUid, number);
        List<String> encoder = DCMTK_ENCODERS.get(transferSyntaxUid);
        if (transferSyntaxUid.equals(EXPLICIT_VR_LITTLE_ENDIAN)) {
            writePart10(file, dataSet, sopUid, EXPLICIT_VR_LITTLE_ENDIAN, null);
        } else if (encoder != null) {
            Path base = file.resolveSibling(file.getFileName() + ".base");
            writePart10(base, dataSet, sopUid, EXPLICIT_VR_LITTLE_ENDIAN, null);
            List<String> command = new ArrayList<>(encoder);
            command.add(base.toString());
            command.add(file.toString());
            Dcmtk.run(Dcmtk.DEFAULT_TIMEOUT, command).requireSuccess();
            Files.delete(base);
        } else {
            dataSet.remove(TagFromName.PixelData);
            writePart10(file, dataSet, sopUid, transferSyntaxUid, pixels(number));
        }
        return new Instance(file, studyUid, seriesUid, sopUid, SECONDARY_CAPTURE, transferSyntaxUid);
    }

    /**
     * A well-formed file whose File Meta Information names {@code metaSopInstanceUid} while its data
     * set carries another SOP Instance UID (storescu sends the meta one as Affected SOP Instance UID).
     */
    public static Instance writeMismatchedSopInstanceUid(Path file) throws IOException {
        String metaUid = newUid();
        String dataSetUid = newUid();
        AttributeList dataSet = imageDataSet(newUid(), newUid(), dataSetUid, 1);
        writePart10(file, dataSet, metaUid, EXPLICIT_VR_LITTLE_ENDIAN, null);
        return new Instance(file, null, null, metaUid, SECONDARY_CAPTURE, EXPLICIT_VR_LITTLE_ENDIAN);
    }

    /** A copy of {@code source} cut after {@code fraction} of its bytes (inside the pixel data). */
    public static Path truncatedCopy(Path source, Path target, double fraction) throws IOException {
        byte[] all = Files.readAllBytes(source);
        Files.write(target, java.util.Arrays.copyOf(all, (int) (all.length * fraction)));
        return target;
    }

    /** A valid File Meta Information for a fresh instance followed by {@code length} random bytes. */
    public static Instance writeGarbageDataSet(Path file, int length) throws IOException {
        String sop = newUid();
        byte[] garbage = new byte[length];
        new java.util.Random(length).nextBytes(garbage);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            writeMeta(out, sop, EXPLICIT_VR_LITTLE_ENDIAN);
            out.write(garbage);
        } catch (DicomException e) {
            throw new IOException(e);
        }
        return new Instance(file, null, null, sop, SECONDARY_CAPTURE, EXPLICIT_VR_LITTLE_ENDIAN);
    }

    /** The UIDs a Part 10 file's meta information names (study and series are not read: null). */
    public static Instance describe(Path file) throws IOException {
        AttributeList meta = new AttributeList();
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            meta.readOnlyMetaInformationHeader(in);
        } catch (DicomException e) {
            throw new IOException("no meta information in " + file, e);
        }
        return new Instance(file, null, null,
                Attribute.getSingleStringValueOrNull(meta, TagFromName.MediaStorageSOPInstanceUID),
                Attribute.getSingleStringValueOrNull(meta, TagFromName.MediaStorageSOPClassUID),
                Attribute.getSingleStringValueOrNull(meta, TagFromName.TransferSyntaxUID));
    }

    /** The SHA-256 of the data set bytes of a Part 10 stream: everything after the File Meta Information. */
    public static String dataSetSha256(InputStream part10) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        DataInputStream in = new DataInputStream(new BufferedInputStream(part10));
        in.skipNBytes(128);
        byte[] magic = in.readNBytes(4);
        if (!"DICM".equals(new String(magic, java.nio.charset.StandardCharsets.US_ASCII))) {
            throw new IOException("not a Part 10 stream");
        }
        skipMetaInformation(in);
        try (InputStream rest = new DigestInputStream(in, sha256)) {
            rest.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    /**
     * The SHA-256 of a deflated Part 10 file's data set after inflating it. storescu re-deflates
     * what it sends with its own stream flushes, so a deflated data set arrives with the same
     * content but not always the same compressed bytes as the file it read.
     */
    public static String inflatedDataSetSha256(InputStream part10) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        DataInputStream in = new DataInputStream(new BufferedInputStream(part10));
        in.skipNBytes(132);
        skipMetaInformation(in);
        try (InputStream inflated = new java.util.zip.InflaterInputStream(in, new java.util.zip.Inflater(true));
             InputStream rest = new DigestInputStream(inflated, sha256)) {
            rest.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    public static String inflatedDataSetSha256(Path part10File) throws IOException {
        try (InputStream in = Files.newInputStream(part10File)) {
            return inflatedDataSetSha256(in);
        }
    }

    public static String dataSetSha256(Path part10File) throws IOException {
        try (InputStream in = Files.newInputStream(part10File)) {
            return dataSetSha256(in);
        }
    }

    /** Meta elements are explicit VR little endian, group 0002; stop (with mark/reset) at the first other group. */
    private static void skipMetaInformation(DataInputStream in) throws IOException {
        while (true) {
            in.mark(8);
            byte[] header = in.readNBytes(8);
            if (header.length < 8) {
                in.reset();
                return;
            }
            ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            int group = b.getShort(0) & 0xFFFF;
            if (group != 0x0002) {
                in.reset();
                return;
            }
            String vr = new String(header, 4, 2, java.nio.charset.StandardCharsets.US_ASCII);
            long length;
            if (vr.equals("OB") || vr.equals("OW") || vr.equals("UN") || vr.equals("SQ") || vr.equals("UT") || vr.equals("UC") || vr.equals("UR")) {
                byte[] four = in.readNBytes(4);
                length = ByteBuffer.wrap(four).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
            } else {
                length = b.getShort(6) & 0xFFFF;
            }
            in.skipNBytes(length);
        }
    }

    private static AttributeList imageDataSet(String studyUid, String seriesUid, String sopUid, int number) throws IOException {
        try {
            AttributeList list = new AttributeList();
            uid(list, TagFromName.SOPClassUID, SECONDARY_CAPTURE);
            uid(list, TagFromName.SOPInstanceUID, sopUid);
            uid(list, TagFromName.StudyInstanceUID, studyUid);
            uid(list, TagFromName.SeriesInstanceUID, seriesUid);
            string(list, new PersonNameAttribute(TagFromName.PatientName), "Test^Sample");
            string(list, new LongStringAttribute(TagFromName.PatientID), "SAMPLE-" + studyUid.substring(studyUid.length() - 6));
            string(list, new DateAttribute(TagFromName.StudyDate), "20240102");
            string(list, new CodeStringAttribute(TagFromName.Modality), "OT");
            string(list, new CodeStringAttribute(TagFromName.ConversionType), "WSD");
            string(list, new IntegerStringAttribute(TagFromName.SeriesNumber), "1");
            string(list, new IntegerStringAttribute(TagFromName.InstanceNumber), String.valueOf(number));
            string(list, new CodeStringAttribute(TagFromName.PhotometricInterpretation), "MONOCHROME2");
            unsigned(list, TagFromName.SamplesPerPixel, 1);
            unsigned(list, TagFromName.Rows, SIZE);
            unsigned(list, TagFromName.Columns, SIZE);
            unsigned(list, TagFromName.BitsAllocated, 8);
            unsigned(list, TagFromName.BitsStored, 8);
            unsigned(list, TagFromName.HighBit, 7);
            unsigned(list, TagFromName.PixelRepresentation, 0);
            OtherByteAttribute pixelData = new OtherByteAttribute(TagFromName.PixelData);
            pixelData.setValues(pixels(number));
            list.put(TagFromName.PixelData, pixelData);
            return list;
        } catch (DicomException e) {
            throw new IOException(e);
        }
    }

    private static byte[] pixels(int number) {
        byte[] pixels = new byte[SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                pixels[y * SIZE + x] = (byte) ((x * 8 + y * 3 + number * 17) & 0xFF);
            }
        }
        return pixels;
    }

    /**
     * Writes preamble, meta information and the data set in explicit VR little endian (the encoding
     * of every syntax written here), then, when given, an encapsulated pixel data of one fragment.
     */
    private static void writePart10(Path file, AttributeList dataSet, String metaSopInstanceUid, String transferSyntaxUid,
                                    byte[] encapsulatedFragment) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            writeMeta(out, metaSopInstanceUid, transferSyntaxUid);
            DicomOutputStream dataOut = new DicomOutputStream(out, null, EXPLICIT_VR_LITTLE_ENDIAN);
            dataSet.write(dataOut);
            dataOut.flush();
            if (encapsulatedFragment != null) {
                writeEncapsulatedPixelData(out, encapsulatedFragment);
            }
        } catch (DicomException e) {
            throw new IOException(e);
        }
    }

    private static void writeMeta(OutputStream out, String sopInstanceUid, String transferSyntaxUid) throws IOException, DicomException {
        AttributeList meta = new FileMetaInformation(SECONDARY_CAPTURE, sopInstanceUid, transferSyntaxUid, SOURCE_AE).getAttributeList();
        DicomOutputStream metaOut = new DicomOutputStream(out, EXPLICIT_VR_LITTLE_ENDIAN, null);
        meta.write(metaOut);
        metaOut.flush();
    }

    /** (7FE0,0010) OB, undefined length: an empty basic offset table, one fragment, the delimiter. */
    private static void writeEncapsulatedPixelData(OutputStream out, byte[] fragment) throws IOException {
        int length = fragment.length + (fragment.length % 2);
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + 8 + length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0x7FE0).putShort((short) 0x0010).put((byte) 'O').put((byte) 'B').putShort((short) 0).putInt(-1);
        b.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(0);
        b.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(length).put(fragment);
        if (length != fragment.length) {
            b.put((byte) 0);
        }
        b.putShort((short) 0xFFFE).putShort((short) 0xE0DD).putInt(0);
        out.write(b.array());
    }

    private static void uid(AttributeList list, AttributeTag tag, String value) throws DicomException {
        string(list, new UniqueIdentifierAttribute(tag), value);
    }

    private static void string(AttributeList list, Attribute attribute, String value) throws DicomException {
        attribute.addValue(value);
        list.put(attribute.getTag(), attribute);
    }

    private static void unsigned(AttributeList list, AttributeTag tag, int value) throws DicomException {
        UnsignedShortAttribute attribute = new UnsignedShortAttribute(tag);
        attribute.addValue(value);
        list.put(tag, attribute);
    }

    private static String shortName(String transferSyntaxUid) {
        return "ts" + transferSyntaxUid.substring("1.2.840.10008.".length()).replace('.', '_');
    }
}
