package org.vesalius.storage.dicom;

import java.util.regex.Pattern;

/** DICOM UID validation (PS3.5 9.1): digits and dots, at most 64 characters, no empty component. */
public final class Uids {
    private static final Pattern UID = Pattern.compile("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*");

    private Uids() {
    }

    /** True when {@code uid} is a well-formed UID. Leading zeros in a component are tolerated
     *  on input by many archives; we accept them too, as long as only digits and dots are used. */
    public static boolean isValid(String uid) {
        return uid != null && !uid.isEmpty() && uid.length() <= 64
                && uid.matches("[0-9]+(\\.[0-9]+)*");
    }

    /** True when {@code uid} is also canonical (no leading zeros in components). */
    public static boolean isCanonical(String uid) {
        return isValid(uid) && UID.matcher(uid).matches();
    }

    /** Returns uid when valid; otherwise throws with a message naming what it was. */
    public static String requireValid(String uid, String what) {
        if (!isValid(uid)) {
            throw new InvalidUidException(what + " is not a valid UID: " + abbreviate(uid));
        }
        return uid;
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "(missing)";
        }
        String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 80 ? printable.substring(0, 80) + "…" : "'" + printable + "'";
    }

    /** A UID that is missing or malformed. */
    public static final class InvalidUidException extends IllegalArgumentException {
        public InvalidUidException(String message) {
            super(message);
        }
    }
}
