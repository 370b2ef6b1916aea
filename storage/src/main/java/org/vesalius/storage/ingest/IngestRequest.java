package org.vesalius.storage.ingest;

import org.vesalius.storage.audit.Origin;

/**
 * One object offered to the archive, with what its channel expects of it.
 *
 * @param origin                 who sends it (recorded on the instance and in the audit trail)
 * @param expectedSopClassUid    C-STORE: the Affected SOP Class UID of the command; null elsewhere
 * @param expectedSopInstanceUid C-STORE: the Affected SOP Instance UID of the command; null elsewhere
 * @param expectedStudyUid       STOW-RS to /studies/{study}: that study; null elsewhere
 * @param subjectId              the upload API's subject; null to take it from the header
 */
public record IngestRequest(Origin origin, String expectedSopClassUid, String expectedSopInstanceUid,
                            String expectedStudyUid, String subjectId) {

    public static IngestRequest from(Origin origin) {
        return new IngestRequest(origin, null, null, null, null);
    }

    public static IngestRequest cStore(Origin origin, String affectedSopClassUid, String affectedSopInstanceUid) {
        return new IngestRequest(origin, affectedSopClassUid, affectedSopInstanceUid, null, null);
    }
}
