package org.vesalius.dicomweb.stow;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.vesalius.dicomweb.ResourceUrls;
import org.vesalius.dicomweb.json.DataSet;
import org.vesalius.storage.index.IndexedInstance;

/**
 * The outcome of one STOW-RS request as PS3.18 10.5.3 answers it: the stored instances in the
 * ReferencedSOPSequence, the refused ones in the FailedSOPSequence with their FailureReason, and the
 * HTTP status that sums them up (200 all stored, 202 some, 409 none).
 */
final class StowResponse {
    static final int RETRIEVE_URL = 0x00081190;
    static final int FAILED_SOP_SEQUENCE = 0x00081198;
    static final int REFERENCED_SOP_SEQUENCE = 0x00081199;
    static final int REFERENCED_SOP_CLASS_UID = 0x00081150;
    static final int REFERENCED_SOP_INSTANCE_UID = 0x00081155;
    static final int FAILURE_REASON = 0x00081197;

    /** PS3.18 Table I.2-3 failure reasons we use. */
    static final int OUT_OF_RESOURCES = 0xA700;
    static final int CANNOT_UNDERSTAND = 0xC000;

    private final ResourceUrls urls;
    private final String requestedStudyUid;
    private final List<DataSet> referenced = new ArrayList<>();
    private final List<DataSet> failed = new ArrayList<>();
    private final Set<String> storedStudies = new LinkedHashSet<>();

    /** @param requestedStudyUid the study of {@code POST /studies/{study}}, or null */
    StowResponse(ResourceUrls urls, String requestedStudyUid) {
        this.urls = urls;
        this.requestedStudyUid = requestedStudyUid;
    }

    void stored(IndexedInstance instance) {
        storedStudies.add(instance.studyInstanceUid());
        referenced.add(new DataSet()
                .addString(REFERENCED_SOP_CLASS_UID, "UI", "ReferencedSOPClassUID", instance.sopClassUid())
                .addString(REFERENCED_SOP_INSTANCE_UID, "UI", "ReferencedSOPInstanceUID", instance.sopInstanceUid())
                .addString(RETRIEVE_URL, "UR", "RetrieveURL", urls.instance(instance.studyInstanceUid(),
                        instance.seriesInstanceUid(), instance.sopInstanceUid())));
    }

    /** A refused part; its UIDs are null when the part could not be read far enough to know them. */
    void failed(String sopClassUid, String sopInstanceUid, int failureReason) {
        failed.add(new DataSet()
                .addString(REFERENCED_SOP_CLASS_UID, "UI", "ReferencedSOPClassUID", sopClassUid)
                .addString(REFERENCED_SOP_INSTANCE_UID, "UI", "ReferencedSOPInstanceUID", sopInstanceUid)
                .addUnsignedShort(FAILURE_REASON, "FailureReason", failureReason));
    }

    int storedCount() {
        return referenced.size();
    }

    int failedCount() {
        return failed.size();
    }

    int httpStatus() {
        if (referenced.isEmpty()) {
            return 409;
        }
        return failed.isEmpty() ? 200 : 202;
    }

    DataSet toDataSet() {
        DataSet response = new DataSet();
        // The study's URL when the request named one, or when everything stored went to one study.
        String study = requestedStudyUid != null ? requestedStudyUid
                : storedStudies.size() == 1 ? storedStudies.iterator().next() : null;
        if (study != null) {
            response.addString(RETRIEVE_URL, "UR", "RetrieveURL", urls.study(study));
        }
        if (!failed.isEmpty()) {
            response.addSequence(FAILED_SOP_SEQUENCE, "FailedSOPSequence", failed);
        }
        if (!referenced.isEmpty()) {
            response.addSequence(REFERENCED_SOP_SEQUENCE, "ReferencedSOPSequence", referenced);
        }
        return response;
    }
}
