package org.vesalius.storage.ingest;

/** What to do with a SOP Instance UID already stored with different bytes. */
public enum DuplicatePolicy {
    /** Keep the newer object (the default; the replacement is audited). */
    REPLACE,
    /** Refuse the newer object. */
    REJECT
}
