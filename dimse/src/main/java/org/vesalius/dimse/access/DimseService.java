package org.vesalius.dimse.access;

import java.util.Locale;

/**
 * The services an allow-list entry grants (C-ECHO is granted to every listed AE). C-GET needs
 * storage presentation contexts too (its C-STOREs come back on them), so an AE granted {@code get}
 * but not {@code store} has them accepted, and a C-STORE request it sends on one is refused.
 */
public enum DimseService {
    STORE, FIND, MOVE, GET;

    /** "store", "FIND", ... as written in the configuration. */
    public static DimseService parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown DICOM service '" + name + "': use store, find, move or get", e);
        }
    }
}
