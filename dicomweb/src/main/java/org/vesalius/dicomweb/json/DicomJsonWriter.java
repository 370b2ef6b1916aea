package org.vesalius.dicomweb.json;

import org.vesalius.storage.json.JsonStrings;

/** Writes a {@link DataSet} as DICOM JSON (PS3.18 F.2): one object keyed by tag. */
public final class DicomJsonWriter {
    private DicomJsonWriter() {
    }

    public static String write(DataSet dataSet) {
        StringBuilder out = new StringBuilder();
        writeObject(dataSet, out);
        return out.toString();
    }

    private static void writeObject(DataSet dataSet, StringBuilder out) {
        out.append('{');
        boolean firstElement = true;
        for (DataSet.Element element : dataSet.elements()) {
            if (!firstElement) {
                out.append(',');
            }
            firstElement = false;
            out.append('"').append(DataSet.hexTag(element.tag())).append("\":{\"vr\":\"").append(element.vr()).append('"');
            if (!element.values().isEmpty()) {
                out.append(",\"Value\":[");
                for (int i = 0; i < element.values().size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    writeValue(element.values().get(i), out);
                }
                out.append(']');
            }
            out.append('}');
        }
        out.append('}');
    }

    private static void writeValue(Object value, StringBuilder out) {
        switch (value) {
            case DataSet item -> writeObject(item, out);
            case Integer number -> out.append(number);
            case String text -> writeString(text, out);
            default -> throw new IllegalArgumentException("no JSON form for " + value.getClass());
        }
    }

    private static void writeString(String s, StringBuilder out) {
        JsonStrings.append(s, out);
    }
}
