package org.vesalius.server.convert;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The main header fields of a DICOM file as plain JSON members (keyword: value), for clients that
 * want "what is this image" next to the picture without parsing DICOM JSON. Absent or empty
 * attributes are left out; counts and sizes are numbers, everything else strings.
 */
final class HeaderSummary {
    private static final Map<String, AttributeTag> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put("PatientID", TagFromName.PatientID);
        FIELDS.put("PatientName", TagFromName.PatientName);
        FIELDS.put("PatientBirthDate", TagFromName.PatientBirthDate);
        FIELDS.put("PatientSex", TagFromName.PatientSex);
        FIELDS.put("StudyInstanceUID", TagFromName.StudyInstanceUID);
        FIELDS.put("StudyDate", TagFromName.StudyDate);
        FIELDS.put("StudyDescription", TagFromName.StudyDescription);
        FIELDS.put("AccessionNumber", TagFromName.AccessionNumber);
        FIELDS.put("SeriesInstanceUID", TagFromName.SeriesInstanceUID);
        FIELDS.put("SeriesNumber", TagFromName.SeriesNumber);
        FIELDS.put("SeriesDescription", TagFromName.SeriesDescription);
        FIELDS.put("Modality", TagFromName.Modality);
        FIELDS.put("SOPClassUID", TagFromName.SOPClassUID);
        FIELDS.put("SOPInstanceUID", TagFromName.SOPInstanceUID);
        FIELDS.put("InstanceNumber", TagFromName.InstanceNumber);
        FIELDS.put("TransferSyntaxUID", TagFromName.TransferSyntaxUID);
        FIELDS.put("PhotometricInterpretation", TagFromName.PhotometricInterpretation);
        FIELDS.put("Rows", TagFromName.Rows);
        FIELDS.put("Columns", TagFromName.Columns);
        FIELDS.put("NumberOfFrames", TagFromName.NumberOfFrames);
        FIELDS.put("BitsAllocated", TagFromName.BitsAllocated);
        FIELDS.put("BitsStored", TagFromName.BitsStored);
        FIELDS.put("PixelSpacing", TagFromName.PixelSpacing);
        FIELDS.put("WindowCenter", TagFromName.WindowCenter);
        FIELDS.put("WindowWidth", TagFromName.WindowWidth);
    }

    private static final Set<String> NUMBERS = Set.of("SeriesNumber", "InstanceNumber", "Rows", "Columns",
            "NumberOfFrames", "BitsAllocated", "BitsStored");

    private final AttributeList header;

    private HeaderSummary(AttributeList header) {
        this.header = header;
    }

    /** Reads the file's meta information and data set up to, not including, the pixel data. */
    static HeaderSummary read(Path file) throws IOException, DicomException {
        AttributeList header = new AttributeList();
        header.read(file.toFile(), TagFromName.PixelData);
        return new HeaderSummary(header);
    }

    /** Writes {@code "attributes": {...}} into an open object. */
    void write(JsonGenerator json) {
        json.writeStartObject("attributes");
        FIELDS.forEach((keyword, tag) -> {
            Attribute attribute = header.get(tag);
            String value = attribute == null ? "" : attribute.getDelimitedStringValuesOrEmptyString().trim();
            if (value.isEmpty()) {
                return;
            }
            if (NUMBERS.contains(keyword) && value.matches("-?[0-9]{1,9}")) {
                json.write(keyword, Integer.parseInt(value));
            } else {
                json.write(keyword, value);
            }
        });
        json.writeEnd();
    }
}
