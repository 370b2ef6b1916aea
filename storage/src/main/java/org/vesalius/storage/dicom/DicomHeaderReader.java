package org.vesalius.storage.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads the header of a DICOM Part 10 file with PixelMed, stopping before the pixel data (so a
 * large image is never loaded), into the values the index keeps.
 */
public final class DicomHeaderReader {
    private final AttributeTag subjectAttribute;

    /**
     * @param subjectAttribute the attribute whose value is an instance's subject ID: a keyword
     *                         ("PatientID", "ClinicalTrialSubjectID") or a tag ("00100020")
     */
    public DicomHeaderReader(String subjectAttribute) {
        this.subjectAttribute = parseTag(subjectAttribute);
    }

    /** A keyword or an 8-hex-digit tag, as PS3.18 query keys are written. */
    public static AttributeTag parseTag(String keywordOrTag) {
        String s = keywordOrTag.trim();
        if (s.matches("[0-9A-Fa-f]{8}")) {
            return new AttributeTag(Integer.parseInt(s.substring(0, 4), 16), Integer.parseInt(s.substring(4), 16));
        }
        AttributeTag tag = DicomDictionary.StandardDictionary.getTagFromName(s);
        if (tag == null) {
            throw new IllegalArgumentException("unknown DICOM attribute: " + keywordOrTag);
        }
        return tag;
    }

    public DicomHeader read(Path part10File) throws IOException, DicomException {
        return read(readUpToPixelData(part10File));
    }

    /**
     * The file's attributes up to the Pixel Data, the one parse that ingest shares between this
     * reader and {@link InstanceMetadataReader}.
     */
    public static AttributeList readUpToPixelData(Path part10File) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        list.read(part10File.toFile(), TagFromName.PixelData);
        return list;
    }

    /** The index values of attributes read by {@link #readUpToPixelData}. */
    public DicomHeader read(AttributeList list) {
        return new DicomHeader(
                new DicomHeader.Patient(
                        string(list, TagFromName.PatientID),
                        string(list, TagFromName.IssuerOfPatientID),
                        string(list, TagFromName.PatientName),
                        string(list, TagFromName.PatientBirthDate),
                        string(list, TagFromName.PatientSex)),
                new DicomHeader.Study(
                        string(list, TagFromName.StudyInstanceUID),
                        string(list, TagFromName.StudyDate),
                        string(list, TagFromName.StudyTime),
                        string(list, TagFromName.AccessionNumber),
                        string(list, TagFromName.StudyID),
                        string(list, TagFromName.ReferringPhysicianName),
                        string(list, TagFromName.StudyDescription)),
                new DicomHeader.Series(
                        string(list, TagFromName.SeriesInstanceUID),
                        string(list, TagFromName.Modality),
                        integer(list, TagFromName.SeriesNumber),
                        string(list, TagFromName.SeriesDescription),
                        string(list, TagFromName.BodyPartExamined),
                        string(list, TagFromName.SeriesDate),
                        string(list, TagFromName.SeriesTime),
                        string(list, TagFromName.PerformedProcedureStepStartDate),
                        string(list, TagFromName.PerformedProcedureStepStartTime),
                        string(list, TagFromName.InstitutionName),
                        string(list, TagFromName.StationName)),
                new DicomHeader.Instance(
                        string(list, TagFromName.SOPInstanceUID),
                        string(list, TagFromName.SOPClassUID),
                        integer(list, TagFromName.InstanceNumber),
                        string(list, TagFromName.TransferSyntaxUID),
                        integer(list, TagFromName.NumberOfFrames),
                        integer(list, TagFromName.Rows),
                        integer(list, TagFromName.Columns),
                        integer(list, TagFromName.BitsAllocated),
                        string(list, TagFromName.ContentDate),
                        string(list, TagFromName.ContentTime),
                        string(list, TagFromName.SpecificCharacterSet)),
                string(list, subjectAttribute));
    }

    /** The attribute's value as received (all values, backslash-joined), or null when absent or empty. */
    private static String string(AttributeList list, AttributeTag tag) {
        Attribute attribute = list.get(tag);
        if (attribute == null) {
            return null;
        }
        try {
            String[] values = attribute.getStringValues();
            if (values == null || values.length == 0) {
                return null;
            }
            String joined = String.join("\\", values).trim();
            return joined.isEmpty() ? null : joined;
        } catch (DicomException e) {
            return null;
        }
    }

    /** IS/US values as integers; a malformed number is treated as absent rather than refusing the object. */
    private static Integer integer(AttributeList list, AttributeTag tag) {
        String value = string(list, tag);
        if (value == null) {
            return null;
        }
        try {
            String first = value.split("\\\\")[0].trim();
            return Integer.valueOf(first.startsWith("+") ? first.substring(1) : first);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
