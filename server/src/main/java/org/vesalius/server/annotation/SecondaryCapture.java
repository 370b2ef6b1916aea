package org.vesalius.server.annotation;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DateAttribute;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.ShortTextAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TimeAttribute;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

/**
 * A derived picture as a new DICOM instance: RGB Secondary Capture Image Storage
 * (1.2.840.10008.5.1.4.1.1.7), written as Part 10 Explicit VR Little Endian with PixelMed.
 *
 * <ul>
 *   <li>Patient and study attributes are copied from the source, so it files into the same study
 *       under the same patient; Series and SOP Instance UIDs are new (2.25 UUID form), in a new
 *       series (Modality OT, Conversion Type WSD, Image Type DERIVED\SECONDARY).</li>
 *   <li>It references its source twice, as PS3.3 asks of derived images: Source Image Sequence
 *       (C.7.6.1.1.4) and Referenced Image Sequence, with the source's SOP Class and Instance UIDs
 *       (and frame number for multi-frame sources); Derivation Description says what was drawn and
 *       with which window.</li>
 *   <li>Window: VOI transforms apply to monochrome images only (PS3.3 C.11.2), and the source's
 *       window no longer describes these 8-bit RGB values, so it is not copied. Window Center 128 /
 *       Width 256 is written instead: the LINEAR identity over 0..255 (C.11.2.1.2.1), which tells
 *       viewers that read it anyway to show the stored values as they are.</li>
 * </ul>
 */
final class SecondaryCapture {
    static final String SOP_CLASS = "1.2.840.10008.5.1.4.1.1.7";

    /** Identifying patient and study attributes the new instance carries over from its source. */
    private static final List<AttributeTag> COPIED = List.of(
            TagFromName.SpecificCharacterSet,
            TagFromName.PatientName, TagFromName.PatientID, TagFromName.IssuerOfPatientID,
            TagFromName.PatientBirthDate, TagFromName.PatientSex,
            TagFromName.StudyInstanceUID, TagFromName.StudyDate, TagFromName.StudyTime, TagFromName.StudyID,
            TagFromName.AccessionNumber, TagFromName.ReferringPhysicianName, TagFromName.StudyDescription,
            TagFromName.ClinicalTrialSubjectID, TagFromName.ClinicalTrialSponsorName,
            TagFromName.ClinicalTrialProtocolID, TagFromName.ClinicalTrialSiteID);

    /** The new UIDs, for the response. */
    record Written(String seriesInstanceUid, String sopInstanceUid) {
    }

    private SecondaryCapture() {
    }

    /**
     * Writes {@code picture} (8-bit RGB) as a new instance derived from {@code source} (its header,
     * read without pixel data) to {@code file}.
     *
     * @param frame the source frame the picture was made from (1 for single-frame sources)
     */
    static Written write(AttributeList source, int frame, BufferedImage picture, String derivation, Path file)
            throws DicomException, IOException {
        AttributeList list = new AttributeList();
        for (AttributeTag tag : COPIED) {
            Attribute attribute = source.get(tag);
            if (attribute != null) {
                list.put(attribute);
            }
        }
        String seriesUid = newUid();
        String sopUid = newUid();
        LocalDateTime now = LocalDateTime.now();
        String date = now.format(DateTimeFormatter.BASIC_ISO_DATE);
        String time = now.format(DateTimeFormatter.ofPattern("HHmmss"));

        put(list, new UniqueIdentifierAttribute(TagFromName.SOPClassUID), SOP_CLASS);
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID), sopUid);
        put(list, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), seriesUid);
        put(list, new CodeStringAttribute(TagFromName.Modality), "OT");
        put(list, new CodeStringAttribute(TagFromName.ConversionType), "WSD");
        put(list, new IntegerStringAttribute(TagFromName.SeriesNumber), String.valueOf(seriesNumber(source)));
        put(list, new LongStringAttribute(TagFromName.SeriesDescription), "Annotated");
        put(list, new IntegerStringAttribute(TagFromName.InstanceNumber), "1");
        put(list, new DateAttribute(TagFromName.SeriesDate), date);
        put(list, new TimeAttribute(TagFromName.SeriesTime), time);
        put(list, new DateAttribute(TagFromName.ContentDate), date);
        put(list, new TimeAttribute(TagFromName.ContentTime), time);
        put(list, new DateAttribute(TagFromName.DateOfSecondaryCapture), date);
        put(list, new TimeAttribute(TagFromName.TimeOfSecondaryCapture), time);
        CodeStringAttribute imageType = new CodeStringAttribute(TagFromName.ImageType);
        imageType.addValue("DERIVED");
        imageType.addValue("SECONDARY");
        list.put(imageType);
        put(list, new ShortTextAttribute(TagFromName.DerivationDescription), derivation);
        list.put(reference(TagFromName.SourceImageSequence, source, frame));
        list.put(reference(TagFromName.ReferencedImageSequence, source, frame));

        int width = picture.getWidth();
        int height = picture.getHeight();
        put(list, new CodeStringAttribute(TagFromName.PhotometricInterpretation), "RGB");
        unsignedShort(list, TagFromName.SamplesPerPixel, 3);
        unsignedShort(list, TagFromName.PlanarConfiguration, 0);
        unsignedShort(list, TagFromName.Rows, height);
        unsignedShort(list, TagFromName.Columns, width);
        unsignedShort(list, TagFromName.BitsAllocated, 8);
        unsignedShort(list, TagFromName.BitsStored, 8);
        unsignedShort(list, TagFromName.HighBit, 7);
        unsignedShort(list, TagFromName.PixelRepresentation, 0);
        put(list, new DecimalStringAttribute(TagFromName.WindowCenter), "128");
        put(list, new DecimalStringAttribute(TagFromName.WindowWidth), "256");
        OtherByteAttribute pixels = new OtherByteAttribute(TagFromName.PixelData);
        pixels.setValues(rgbBytes(picture));
        list.put(pixels);

        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "VESALIUS");
        list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        return new Written(seriesUid, sopUid);
    }

    /** An item naming the source instance (and frame, when it has several). */
    private static SequenceAttribute reference(AttributeTag sequenceTag, AttributeList source, int frame)
            throws DicomException {
        AttributeList item = new AttributeList();
        put(item, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPClassUID),
                Attribute.getSingleStringValueOrEmptyString(source, TagFromName.SOPClassUID));
        put(item, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPInstanceUID),
                Attribute.getSingleStringValueOrEmptyString(source, TagFromName.SOPInstanceUID));
        if (Attribute.getSingleIntegerValueOrDefault(source, TagFromName.NumberOfFrames, 1) > 1) {
            put(item, new IntegerStringAttribute(TagFromName.ReferencedFrameNumber), String.valueOf(frame));
        }
        SequenceAttribute sequence = new SequenceAttribute(sequenceTag);
        sequence.addItem(item);
        return sequence;
    }

    /** After the source's series (a viewer lists it next to it); 1000 when the source has no number. */
    private static int seriesNumber(AttributeList source) {
        int number = Attribute.getSingleIntegerValueOrDefault(source, TagFromName.SeriesNumber, 0);
        return number > 0 && number < 1_000_000 ? number + 1000 : 1000;
    }

    /** Pixel-interleaved R, G, B bytes, row by row (Planar Configuration 0). */
    private static byte[] rgbBytes(BufferedImage picture) {
        int width = picture.getWidth();
        int height = picture.getHeight();
        byte[] bytes = new byte[width * height * 3 + (width * height * 3) % 2]; // OB values have even length
        int[] row = new int[width];
        int i = 0;
        for (int y = 0; y < height; y++) {
            picture.getRGB(0, y, width, 1, row, 0, width);
            for (int rgb : row) {
                bytes[i++] = (byte) (rgb >> 16);
                bytes[i++] = (byte) (rgb >> 8);
                bytes[i++] = (byte) rgb;
            }
        }
        return bytes;
    }

    /** A fresh UID in the 2.25 arc (ITU-T X.667: a UUID as one decimal integer). */
    static String newUid() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, bytes.array());
    }

    private static void put(AttributeList list, Attribute attribute, String value) throws DicomException {
        attribute.addValue(value);
        list.put(attribute);
    }

    private static void unsignedShort(AttributeList list, AttributeTag tag, int value) throws DicomException {
        UnsignedShortAttribute attribute = new UnsignedShortAttribute(tag);
        attribute.addValue(value);
        list.put(attribute);
    }
}
