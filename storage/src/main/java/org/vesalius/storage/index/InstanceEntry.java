package org.vesalius.storage.index;

import java.time.Instant;
import org.vesalius.storage.audit.Origin;
import org.vesalius.storage.dicom.DicomHeader;

/** One instance as the ingest path hands it to the index: header, where its bytes are, who sent it. */
public record InstanceEntry(DicomHeader header, String subjectId, long sizeBytes, String sha256Hex,
                            String blobKey, Instant receivedAt, Origin origin) {
}
