package org.vesalius.storage.ingest;

/**
 * @param duplicatePolicy what to do with a SOP Instance UID already stored with other bytes
 * @param maxObjectBytes  the largest object accepted (a bigger one fails as TOO_LARGE)
 */
public record IngestSettings(DuplicatePolicy duplicatePolicy, long maxObjectBytes) {

    public static IngestSettings defaults() {
        return new IngestSettings(DuplicatePolicy.REPLACE, 8L * 1024 * 1024 * 1024);
    }
}
