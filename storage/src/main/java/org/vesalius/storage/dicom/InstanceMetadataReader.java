package org.vesalius.storage.dicom;

import org.vesalius.storage.json.JsonStrings;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.TagFromName;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes an instance's {@link InstanceMetadata} at ingest: its DICOM JSON (PS3.18 F.2) and the
 * location table of its bulk data and frames.
 *
 * <p>The JSON comes from PixelMed's AttributeList read up to the Pixel Data (so PixelMed decodes
 * the character sets, person names and numbers), written by our own code with every binary value
 * longer than {@link ValueLayout#LARGE_VALUE_BYTES} replaced by a relative BulkDataURI; the Pixel
 * Data element, never read, is added as a BulkDataURI too. Memory: like the header read of the
 * ingest path, PixelMed holds the values before the pixel data (small in real objects; the ingest
 * size limit bounds hostile ones). Elements after the Pixel Data (rare: trailing padding,
 * signatures) are not in the metadata. The File Meta Information (group 0002) is not part of
 * the data set and is left out, as dcm4chee and Orthanc do.
 *
 * <p>The locations come from {@link Part10Inspector}'s walk ({@link ValueLayout}), with the
 * encapsulated fragments grouped into frames here, where Number of Frames is known.
 */
public final class InstanceMetadataReader {
    private static final Set<String> BINARY_VRS = Set.of("OB", "OW", "OF", "OD", "OL", "OV", "UN");
    private static final Set<String> NUMBER_STRING_VRS = Set.of("IS", "DS");
    private static final Set<String> BINARY_NUMBER_VRS = Set.of("US", "SS", "UL", "SL", "SV", "UV", "FL", "FD");
    private static final int JPEG_SOI = 0xFFD8;
    private static final int J2K_SOC = 0xFF4F;

    private InstanceMetadataReader() {
    }

    /**
     * @param list   the object's attributes up to the Pixel Data ({@link DicomHeaderReader#readUpToPixelData})
     * @param layout where its values lie in the file
     */
    public static InstanceMetadata read(AttributeList list, ValueLayout layout) throws DicomException {
        StringBuilder json = new StringBuilder(4096);
        json.append('{');
        boolean first = writeElements(list, "", json, true);
        ValueLayout.PixelData pixelData = layout.pixelData();
        if (pixelData != null) {
            if (!first) {
                json.append(',');
            }
            String vr = pixelData.vr() != null ? pixelData.vr() : "OW";
            json.append("\"7FE00010\":{\"vr\":\"").append(vr).append("\",\"BulkDataURI\":\"bulkdata/7FE00010\"}");
        }
        json.append('}');

        Map<String, BulkLocations.Range> values = new LinkedHashMap<>();
        for (ValueLayout.LargeValue value : layout.values()) {
            values.put(value.path(), new BulkLocations.Range(value.offset(), value.length()));
        }
        BulkLocations locations = new BulkLocations(layout.addressable(), values,
                pixelData == null ? null : pixels(list, pixelData, layout.extendedOffsetTable()));
        return new InstanceMetadata(json.toString(), locations);
    }

    private static BulkLocations.Pixels pixels(AttributeList list, ValueLayout.PixelData pixelData, long[] eot) {
        int frames = Math.max(1, Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1));
        if (!pixelData.encapsulated()) {
            long frameBits = (long) Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0)
                    * Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0)
                    * Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1)
                    * Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
            return new BulkLocations.Pixels(false, frames,
                    new BulkLocations.Range(pixelData.offset(), pixelData.length()), frameBits, List.of());
        }
        return new BulkLocations.Pixels(true, frames, null, 0, groupFragments(pixelData, eot, frames));
    }

    /**
     * Which fragments make each frame (PS3.5 A.4): all of them for a single frame; else as the
     * Extended or Basic Offset Table says; else one frame per fragment when the counts match; else
     * a new frame at each fragment starting with a JPEG SOI or JPEG 2000 SOC marker. Empty when
     * none of these tells.
     */
    static List<List<BulkLocations.Range>> groupFragments(ValueLayout.PixelData pixelData, long[] eot, int frames) {
        List<ValueLayout.Fragment> fragments = pixelData.fragments();
        if (fragments.isEmpty()) {
            return List.of();
        }
        List<Integer> starts = null;
        if (frames == 1) {
            starts = List.of(0);
        }
        long[] table = eot != null && eot.length == frames ? eot
                : pixelData.basicOffsetTable() != null && pixelData.basicOffsetTable().length == frames
                        ? pixelData.basicOffsetTable() : null;
        if (starts == null && table != null) {
            starts = startsFromTable(fragments, table);
        }
        if (starts == null && fragments.size() == frames) {
            starts = new ArrayList<>();
            for (int i = 0; i < frames; i++) {
                starts.add(i);
            }
        }
        if (starts == null) {
            List<Integer> markers = new ArrayList<>();
            for (int i = 0; i < fragments.size(); i++) {
                int firstTwo = fragments.get(i).firstTwoBytes();
                if (firstTwo == JPEG_SOI || firstTwo == J2K_SOC) {
                    markers.add(i);
                }
            }
            if (markers.size() == frames && markers.getFirst() == 0) {
                starts = markers;
            }
        }
        if (starts == null) {
            return List.of();
        }
        List<List<BulkLocations.Range>> result = new ArrayList<>();
        for (int f = 0; f < starts.size(); f++) {
            int end = f + 1 < starts.size() ? starts.get(f + 1) : fragments.size();
            List<BulkLocations.Range> frame = new ArrayList<>();
            for (int i = starts.get(f); i < end; i++) {
                frame.add(new BulkLocations.Range(fragments.get(i).offset(), fragments.get(i).length()));
            }
            result.add(frame);
        }
        return result;
    }

    /** The fragment index each table entry points at; null when an entry points between fragments. */
    private static List<Integer> startsFromTable(List<ValueLayout.Fragment> fragments, long[] table) {
        long base = fragments.getFirst().itemOffset();
        List<Integer> starts = new ArrayList<>();
        int i = 0;
        for (long entry : table) {
            while (i < fragments.size() && fragments.get(i).itemOffset() - base < entry) {
                i++;
            }
            if (i == fragments.size() || fragments.get(i).itemOffset() - base != entry
                    || (!starts.isEmpty() && starts.getLast() == i)) {
                return null;
            }
            starts.add(i);
        }
        return starts.isEmpty() || starts.getFirst() != 0 ? null : starts;
    }

    /** Writes the elements of one data set or item; returns true when it wrote none. */
    private static boolean writeElements(AttributeList list, String path, StringBuilder out, boolean topLevel)
            throws DicomException {
        boolean first = true;
        for (Attribute attribute : list.values()) {
            AttributeTag tag = attribute.getTag();
            if (tag.getElement() == 0 || (topLevel && tag.getGroup() == 0x0002) || tag.getGroup() == 0xFFFC) {
                continue; // group lengths (retired), file meta information, trailing padding
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            int tagValue = tag.getGroup() << 16 | tag.getElement();
            String elementPath = TagPath.of(path, tagValue);
            String vr = attribute.getVRAsString();
            out.append('"').append(TagPath.hex(tagValue)).append("\":{\"vr\":\"").append(vr).append('"');
            writeValue(attribute, vr, elementPath, out);
            out.append('}');
        }
        return first;
    }

    private static void writeValue(Attribute attribute, String vr, String path, StringBuilder out)
            throws DicomException {
        if (attribute instanceof SequenceAttribute sequence) {
            if (sequence.getNumberOfItems() > 0) {
                out.append(",\"Value\":[");
                int number = 0;
                for (var it = sequence.iterator(); it.hasNext(); ) {
                    SequenceItem item = it.next();
                    if (number > 0) {
                        out.append(',');
                    }
                    out.append('{');
                    writeElements(item.getAttributeList(), TagPath.item(path, ++number), out, false);
                    out.append('}');
                }
                out.append(']');
            }
            return;
        }
        if (BINARY_VRS.contains(vr)) {
            long length = attribute.getVL();
            if (length > ValueLayout.LARGE_VALUE_BYTES) {
                out.append(",\"BulkDataURI\":\"bulkdata/").append(path).append('"');
            } else if (length > 0) {
                out.append(",\"InlineBinary\":\"").append(Base64.getEncoder().encodeToString(littleEndianBytes(attribute, vr)))
                        .append('"');
            }
            return;
        }
        if (attribute instanceof AttributeTagAttribute tags) {
            AttributeTag[] values = tags.getAttributeTagValues();
            if (values != null && values.length > 0) {
                out.append(",\"Value\":[");
                for (int i = 0; i < values.length; i++) {
                    out.append(i > 0 ? "," : "").append('"')
                            .append(TagPath.hex(values[i].getGroup() << 16 | values[i].getElement())).append('"');
                }
                out.append(']');
            }
            return;
        }
        String[] values = attribute.getStringValues();
        if (values == null || values.length == 0) {
            return;
        }
        out.append(",\"Value\":[");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            writeOneValue(vr, values[i], out);
        }
        out.append(']');
    }

    private static void writeOneValue(String vr, String raw, StringBuilder out) {
        String value = raw == null ? "" : raw.trim();
        if (value.isEmpty()) {
            out.append("null");
        } else if (vr.equals("PN")) {
            writePersonName(raw, out);
        } else if (NUMBER_STRING_VRS.contains(vr) || BINARY_NUMBER_VRS.contains(vr)) {
            writeNumber(value, out);
        } else {
            writeString(vr.equals("LT") || vr.equals("ST") || vr.equals("UT") ? stripTrailing(raw) : value, out);
        }
    }

    /** PS3.18 F.2.2: a JSON number when the text is one (after the leniencies DICOM allows), else the text. */
    private static void writeNumber(String value, StringBuilder out) {
        String number = value.startsWith("+") ? value.substring(1) : value;
        try {
            BigDecimal parsed = new BigDecimal(number);
            // JSON has no leading '.', no leading zeros and no trailing '.'; BigDecimal's own form has none.
            out.append(number.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?") ? number : parsed.toString());
        } catch (NumberFormatException e) {
            if (value.equals("NaN") || value.contains("Infinity")) {
                out.append("null");
            } else {
                writeString(value, out);
            }
        }
    }

    /** PS3.18 F.2.2: Alphabetic, Ideographic and Phonetic component groups, separated by '='. */
    private static void writePersonName(String value, StringBuilder out) {
        String[] groups = value.split("=", -1);
        String[] names = {"Alphabetic", "Ideographic", "Phonetic"};
        out.append('{');
        boolean first = true;
        for (int i = 0; i < Math.min(3, groups.length); i++) {
            String group = stripTrailing(groups[i]);
            if (!group.isEmpty()) {
                out.append(first ? "" : ",").append('"').append(names[i]).append("\":");
                writeString(group, out);
                first = false;
            }
        }
        out.append('}');
    }

    private static String stripTrailing(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\0')) {
            end--;
        }
        return s.substring(0, end);
    }

    /** A binary value as its Explicit VR Little Endian bytes. */
    public static byte[] littleEndianBytes(Attribute attribute, String vr) throws DicomException {
        switch (vr) {
            case "OW" -> {
                short[] v = attribute.getShortValues();
                ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                b.asShortBuffer().put(v);
                return b.array();
            }
            case "OF" -> {
                float[] v = attribute.getFloatValues();
                ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                return b.array();
            }
            case "OD" -> {
                double[] v = attribute.getDoubleValues();
                ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
                b.asDoubleBuffer().put(v);
                return b.array();
            }
            case "OL" -> {
                int[] v = attribute.getIntegerValues();
                ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asIntBuffer().put(v);
                return b.array();
            }
            case "OV" -> {
                long[] v = attribute.getLongValues();
                ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
                b.asLongBuffer().put(v);
                return b.array();
            }
            default -> {
                return attribute.getByteValues();
            }
        }
    }

    private static void writeString(String s, StringBuilder out) {
        JsonStrings.append(s, out);
    }
}
