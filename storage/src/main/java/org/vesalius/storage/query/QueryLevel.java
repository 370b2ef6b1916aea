package org.vesalius.storage.query;

/**
 * The levels of the DICOM information model a query returns (PS3.4 C.3): C-FIND's
 * PATIENT / STUDY / SERIES / IMAGE and QIDO-RS's patients (none), studies, series, instances.
 * Declared from the top down, so a level "includes" the levels above it: a series query can match
 * on and return study and patient attributes, never instance attributes.
 */
public enum QueryLevel {
    PATIENT, STUDY, SERIES, INSTANCE;

    /** True when attributes of {@code other} have one value per result row at this level. */
    public boolean includes(QueryLevel other) {
        return other.ordinal() <= ordinal();
    }
}
