package org.vesalius.storage.query;

import java.util.Objects;

/**
 * One matching key of a query: an attribute (by tag) and its value in DICOM string form, as
 * C-FIND receives it: {@code ""} for universal matching (the attribute is only returned),
 * {@code *} and {@code ?} wildcards, {@code a-b} ranges for dates and times, and several values
 * separated by a backslash (a UID list, or any of several values). QIDO-RS turns its
 * comma-separated lists into backslashes before building the key.
 */
public record MatchKey(int tag, String value) {
    public MatchKey {
        Objects.requireNonNull(value, "value");
    }
}
