package org.vesalius.dicomweb.json;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A small DICOM data set built by the service for its own responses (the STOW-RS response), to be
 * written as DICOM JSON (PS3.18 F.2) or XML (PS3.19 Native DICOM Model). Elements are kept in tag
 * order, as both encodings require.
 */
public final class DataSet {
    private final SortedMap<Integer, Element> elements = new TreeMap<>(Integer::compareUnsigned);

    /**
     * One attribute. {@code values} holds Strings (text VRs), Integers (US) or DataSets (SQ items).
     */
    public record Element(int tag, String vr, String keyword, List<Object> values) {
        public Element {
            values = List.copyOf(values);
        }
    }

    /** Adds a text value (UI, UR, LO ...); a null value leaves the attribute out. */
    public DataSet addString(int tag, String vr, String keyword, String value) {
        if (value != null) {
            elements.put(tag, new Element(tag, vr, keyword, List.of(value)));
        }
        return this;
    }

    public DataSet addUnsignedShort(int tag, String keyword, int value) {
        elements.put(tag, new Element(tag, "US", keyword, List.of(value)));
        return this;
    }

    public DataSet addSequence(int tag, String keyword, List<DataSet> items) {
        elements.put(tag, new Element(tag, "SQ", keyword, List.copyOf(items)));
        return this;
    }

    public Iterable<Element> elements() {
        return Collections.unmodifiableCollection(elements.values());
    }

    /** The tag as 8 upper-case hex digits, as both encodings write it. */
    static String hexTag(int tag) {
        return String.format("%08X", tag);
    }
}
