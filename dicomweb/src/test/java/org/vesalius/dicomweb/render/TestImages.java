package org.vesalius.dicomweb.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import com.pixelmed.dicom.SOPClass;
import java.nio.file.Files;
import java.nio.file.Path;

/** The pydicom sample files, and small images we build with PixelMed where none fits. */
final class TestImages {

    static final Path PYDICOM = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

    private TestImages() {
    }

    static Path sample(String name) {
        Path path = PYDICOM.resolve(name);
        assertThat(path).as("pydicom sample (apt-get install python3-pydicom)").exists();
        return path;
    }

    /** A whole small file read with PixelMed: the independent source of expected stored values. */
    static AttributeList readAll(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toFile());
        return list;
    }

    /** Writes a secondary capture image with the given pixel module. */
    static Path write(Path dir, String name, int rows, int columns, String photometric, int samples, int bitsAllocated,
            int bitsStored, boolean signed, int planar, Attribute pixelData, Attribute... extra) throws Exception {
        AttributeList list = new AttributeList();
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPClassUID), SOPClass.SecondaryCaptureImageStorage);
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID), "1.2.826.0.1.3680043.10.511.9." + Math.abs(name.hashCode()));
        put(list, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), "1.2.826.0.1.3680043.10.511.1");
        put(list, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), "1.2.826.0.1.3680043.10.511.2");
        put(list, new PersonNameAttribute(TagFromName.PatientName), "Test^Render");
        put(list, new ShortStringAttribute(TagFromName.PatientID), "R-1");
        put(list, new CodeStringAttribute(TagFromName.Modality), "OT");
        put(list, new CodeStringAttribute(TagFromName.PhotometricInterpretation), photometric);
        us(list, TagFromName.Rows, rows);
        us(list, TagFromName.Columns, columns);
        us(list, TagFromName.SamplesPerPixel, samples);
        us(list, TagFromName.BitsAllocated, bitsAllocated);
        us(list, TagFromName.BitsStored, bitsStored);
        us(list, TagFromName.HighBit, bitsStored - 1);
        us(list, TagFromName.PixelRepresentation, signed ? 1 : 0);
        if (samples > 1) {
            us(list, TagFromName.PlanarConfiguration, planar);
        }
        for (Attribute attribute : extra) {
            list.put(attribute);
        }
        list.put(pixelData);
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "VESALIUS");
        Path file = dir.resolve(name);
        list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        return file;
    }

    static Attribute words(short[] values) throws Exception {
        OtherWordAttribute attribute = new OtherWordAttribute(TagFromName.PixelData);
        attribute.setValues(values);
        return attribute;
    }

    static Attribute bytes(byte[] values) throws Exception {
        OtherByteAttribute attribute = new OtherByteAttribute(TagFromName.PixelData);
        attribute.setValues(values);
        return attribute;
    }

    static Attribute usValues(AttributeTag tag, int... values) throws Exception {
        UnsignedShortAttribute attribute = new UnsignedShortAttribute(tag);
        for (int value : values) {
            attribute.addValue(value);
        }
        return attribute;
    }

    static Attribute lutData(AttributeTag tag, short[] values) throws Exception {
        OtherWordAttribute attribute = new OtherWordAttribute(tag);
        attribute.setValues(values);
        return attribute;
    }

    static Attribute decimal(AttributeTag tag, String value) throws Exception {
        DecimalStringAttribute attribute = new DecimalStringAttribute(tag);
        attribute.addValue(value);
        return attribute;
    }

    /** A copy of a file with a changed Photometric Interpretation (everything else as read). */
    static Path withPhotometric(Path source, Path dir, String photometric) throws Exception {
        AttributeList list = readAll(source);
        put(list, new CodeStringAttribute(TagFromName.PhotometricInterpretation), photometric);
        Path file = dir.resolve(photometric + "-" + source.getFileName());
        String syntax = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID);
        list.write(file.toFile(), syntax, true, true);
        return file;
    }

    static Path copy(Path source, Path dir) throws Exception {
        return Files.copy(source, dir.resolve(source.getFileName()));
    }

    private static void put(AttributeList list, Attribute attribute, String value) throws Exception {
        attribute.addValue(value);
        list.put(attribute);
    }

    private static void us(AttributeList list, AttributeTag tag, int value) throws Exception {
        list.put(usValues(tag, value));
    }
}
