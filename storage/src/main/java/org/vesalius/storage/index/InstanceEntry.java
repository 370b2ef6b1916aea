package org.vesalius.storage.index;

import java.time.Instant;
import org.vesalius.storage.audit.Origin;
import org.vesalius.storage.dicom.DicomHeader;
import org.vesalius.storage.dicom.InstanceMetadata;

/**
 * One instance as the ingest path hands it to the index: header, where its bytes are, who sent it,
 * and its WADO-RS metadata (null only for entries made without it, e.g. by query engine tests;
 * such an instance has no metadata row).
 */
public record InstanceEntry(DicomHeader header, String subjectId, long sizeBytes, String sha256Hex,
                            String blobKey, Instant receivedAt, Origin origin, InstanceMetadata metadata) {

    public InstanceEntry(DicomHeader header, String subjectId, long sizeBytes, String sha256Hex, String blobKey,
                         Instant receivedAt, Origin origin) {
        this(header, subjectId, sizeBytes, sha256Hex, blobKey, receivedAt, origin, null);
    }
}
