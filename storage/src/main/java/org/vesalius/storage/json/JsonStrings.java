package org.vesalius.storage.json;

/**
 * The one JSON string encoder of the project (DICOM JSON, QIDO-RS answers, the REST API's small
 * bodies, health): quotes, backslashes and control characters escaped, plus U+2028/U+2029 so the
 * text is also safe inside JavaScript.
 */
public final class JsonStrings {
    private JsonStrings() {
    }

    /** Appends {@code s} as a JSON string literal. */
    public static void append(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** {@code s} as a JSON string literal, or {@code null} for null. */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(s.length() + 2);
        append(s, out);
        return out.toString();
    }
}
