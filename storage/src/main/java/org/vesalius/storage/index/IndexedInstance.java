package org.vesalius.storage.index;

import java.time.Instant;

/** An instance row as the index holds it: enough to find and serve its blob. */
public record IndexedInstance(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
                              String sopClassUid, String transferSyntaxUid, long sizeBytes, String sha256Hex,
                              String blobKey, Instant receivedAt) {
}
