package org.vesalius.storage.query;

/**
 * The value representations of the attributes the index keeps (PS3.5 6.2), with the matching
 * types PS3.4 C.2.2.2 allows for each.
 */
public enum Vr {
    /** Person Name: wildcards allowed; case-insensitive when fuzzy matching is asked for. */
    PN,
    LO, SH, CS,
    /** UIDs: single value or a list of UIDs, never wildcards. */
    UI,
    /** Date (YYYYMMDD) and time (HHMMSS.FFFFFF): single value or range. */
    DA, TM,
    /** Integers, kept in INTEGER columns. */
    IS, US;

    public boolean allowsWildcards() {
        return this == PN || this == LO || this == SH || this == CS;
    }

    public boolean allowsRange() {
        return this == DA || this == TM;
    }

    public boolean isInteger() {
        return this == IS || this == US;
    }
}
