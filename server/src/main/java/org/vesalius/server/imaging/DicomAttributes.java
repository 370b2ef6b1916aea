package org.vesalius.server.imaging;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.stream.JsonGenerator;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The attributes of {@code GET /api/images/{id}/attributes}: selected from the instance's DICOM JSON
 * (PS3.18 F.2) that the ingest path stored in the index, so no blob is read at all. Large binary
 * values are BulkDataURIs there; they are answered only when asked for by tag, with an absolute
 * WADO-RS URI. Only top-level attributes can be asked for.
 */
final class DicomAttributes {
    private static final Pattern GROUP_ELEMENT = Pattern.compile("\\(?([0-9A-Fa-f]{4}),?([0-9A-Fa-f]{4})\\)?");
    private static final Pattern KEYWORD = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

    private DicomAttributes() {
    }

    /**
     * A tag as {@code (0010,0010)}, {@code 0010,0010}, {@code 00100010} or a keyword such as
     * {@code PatientName}.
     *
     * @throws PictureException 400 when it is none of these
     */
    static int parseTag(String text) {
        String value = text.trim();
        Matcher hex = GROUP_ELEMENT.matcher(value);
        if (hex.matches() && value.startsWith("(") == value.endsWith(")")) {
            return Integer.parseUnsignedInt(hex.group(1) + hex.group(2), 16);
        }
        if (KEYWORD.matcher(value).matches()) {
            AttributeTag tag = DicomDictionary.StandardDictionary.getTagFromName(value);
            if (tag != null) {
                return tag.getGroup() << 16 | tag.getElement();
            }
        }
        throw PictureException.badRequest("invalid tag '" + text + "': give (gggg,eeee), ggggeeee or a keyword"
                + " such as PatientName");
    }

    /**
     * The attributes {@code tags} names (all non-bulk top-level attributes when empty) as a DICOM
     * JSON object, in tag order.
     *
     * @param bulkBase what a stored relative BulkDataURI is resolved against
     * @throws PictureException 404 naming the first tag the object lacks
     */
    static String select(String storedJson, List<Integer> tags, String bulkBase) {
        JsonObject all;
        try (JsonReader reader = Json.createReader(new StringReader(storedJson))) {
            all = reader.readObject();
        }
        List<String> keys = tags.isEmpty()
                ? all.keySet().stream().filter(key -> !all.getJsonObject(key).containsKey("BulkDataURI")).toList()
                : tags.stream().sorted(Integer::compareUnsigned).distinct().map(tag -> String.format(java.util.Locale.ROOT, "%08X", tag)).toList();
        for (String key : keys) {
            if (!all.containsKey(key)) {
                throw PictureException.notFound("the image has no attribute " + describe(key));
            }
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator json = Json.createGenerator(out)) {
            json.writeStartObject();
            for (String key : keys) {
                JsonObject element = all.getJsonObject(key);
                if (element.containsKey("BulkDataURI")) {
                    element = Json.createObjectBuilder(element)
                            .add("BulkDataURI", bulkBase + element.getString("BulkDataURI")).build();
                }
                json.write(key, element);
            }
            json.writeEnd();
        }
        return out.toString();
    }

    /** "(0010,0010) PatientName" for a key of the DICOM JSON. */
    private static String describe(String key) {
        String name = DicomDictionary.StandardDictionary.getNameFromTag(
                new AttributeTag(Integer.parseInt(key.substring(0, 4), 16), Integer.parseInt(key.substring(4), 16)));
        return "(" + key.substring(0, 4) + "," + key.substring(4) + ")" + (name == null ? "" : " " + name);
    }
}
