package org.vesalius.storage.query;

import java.util.Locale;

/**
 * An attribute the query engine knows: its tag and keyword as in PS3.6, its VR, the level whose
 * entity it describes, and where its value is kept.
 */
public record Attribute(int tag, String keyword, Vr vr, QueryLevel level, AttributeSource source) {

    /** The tag as PS3.6 prints it, e.g. {@code (0010,0020)}. */
    public String tagString() {
        return String.format(Locale.ROOT, "(%04X,%04X)", tag >>> 16, tag & 0xFFFF);
    }

    /** Keyword and tag, for messages: {@code PatientID (0010,0020)}. */
    public String describe() {
        return keyword + " " + tagString();
    }
}
