package org.vesalius.storage.dicom;

import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Names an element anywhere in a data set, as bulk data URIs do: the tags of the sequences and the
 * 1-based item numbers on the way down, then the element's tag, joined by dots, e.g.
 * {@code 7FE00010} or {@code 00880200.1.7FE00010}. Dots rather than slashes keep a path one URL
 * segment.
 */
public final class TagPath {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final Pattern VALID = Pattern.compile("[0-9A-F]{8}(\\.[1-9][0-9]{0,8}\\.[0-9A-F]{8}){0,16}");

    private TagPath() {
    }

    public static String of(String parent, int tag) {
        String hex = hex(tag);
        return parent.isEmpty() ? hex : parent + "." + hex;
    }

    /** A tag as 8 upper-case hex digits, as paths and DICOM JSON write it (called for every element: no String.format). */
    public static String hex(int tag) {
        return HEX.toHexDigits(tag);
    }

    /** The prefix for the elements of item {@code itemNumber} (1-based) of the sequence at {@code sequencePath}. */
    public static String item(String sequencePath, int itemNumber) {
        return sequencePath + "." + itemNumber;
    }

    /** True for a well-formed path (upper-case hex tags, at most 16 levels). */
    public static boolean isValid(String path) {
        return path != null && VALID.matcher(path).matches();
    }
}
