package org.vesalius.storage.blob;

import org.vesalius.storage.dicom.Uids;

/**
 * The one place blob keys are made. A DICOM instance lives at
 * {@code dicom/{study}/{series}/{sop}_{sha256}}: derived from validated UIDs and the content
 * digest only (one object per key, no folder per instance: on the filesystem store each new
 * folder costs a directory fsync per store), so a key never carries user-supplied names, and a replacement with different bytes
 * gets a new key (the index switches to it in one transaction, then the old blob is removed:
 * an index row never points to a missing blob).
 */
public final class BlobKeys {
    private BlobKeys() {
    }

    public static String dicomInstance(String studyUid, String seriesUid, String sopUid, String sha256Hex) {
        Uids.requireValid(studyUid, "Study Instance UID");
        Uids.requireValid(seriesUid, "Series Instance UID");
        Uids.requireValid(sopUid, "SOP Instance UID");
        if (!sha256Hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 hex digest: " + sha256Hex);
        }
        return "dicom/" + studyUid + "/" + seriesUid + "/" + sopUid + "_" + sha256Hex;
    }
}
