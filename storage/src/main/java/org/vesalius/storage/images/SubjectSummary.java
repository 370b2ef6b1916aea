package org.vesalius.storage.images;

/**
 * A subject with its counts.
 *
 * @param images    its images in the REST API (DICOM and NIfTI)
 * @param instances the DICOM instances filed under it by any channel (C-STORE, STOW-RS, the API)
 */
public record SubjectSummary(String subjectId, long images, long instances) {
}
