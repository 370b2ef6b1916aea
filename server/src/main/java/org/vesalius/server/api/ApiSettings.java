package org.vesalius.server.api;

import java.time.Duration;
import java.util.Locale;

/**
 * Settings of the REST API (conf/application.yaml, {@code vesalius.api.*}).
 *
 * @param subjectMismatch what to do with a DICOM upload whose subject attribute (PatientID by
 *                        default) disagrees with the subject in the path
 * @param uploadTtl       how long a staged upload may wait for its bytes and completion
 */
public record ApiSettings(SubjectMismatch subjectMismatch, Duration uploadTtl) {

    public enum SubjectMismatch {
        /** Store it under the path's subject; the response carries a warning. */
        REPORT,
        /** Refuse it (409). */
        REJECT
    }

    public static ApiSettings of(String subjectMismatch, String uploadTtl) {
        return new ApiSettings(SubjectMismatch.valueOf(subjectMismatch.trim().toUpperCase(Locale.ROOT)),
                Duration.parse(uploadTtl.trim()));
    }
}
