package org.vesalius.storage.ingest;

/**
 * An object the archive did not accept, and why. Each channel maps the {@link Failure} to its own
 * standard status: a DIMSE failure status for C-STORE, an HTTP status or STOW-RS FailureReason.
 * Nothing of a refused object is left in the blob store or the index.
 */
public class IngestException extends Exception {

    public enum Failure {
        /** Not a DICOM data set, truncated, or unreadable (C-STORE C000, HTTP 400). */
        CANNOT_UNDERSTAND(0xC000, 400),
        /** A required UID is missing or malformed, or the data set disagrees with its command or
         *  SOP class (C-STORE A900, HTTP 400/409). */
        DATA_SET_DOES_NOT_MATCH(0xA900, 400),
        /** STOW-RS to /studies/{study} with an instance of another study: that instance fails alone. */
        WRONG_STUDY(0xA900, 409),
        /** Same SOP Instance UID with different bytes while the duplicate policy is REJECT. */
        DUPLICATE_REJECTED(0x0111, 409),
        /** Too large for the configured limits (HTTP 413, C-STORE A700). */
        TOO_LARGE(0xA700, 413),
        /** The blob store or index cannot be reached or written right now (A700, HTTP 503). */
        OUT_OF_RESOURCES(0xA700, 503);

        private final int dimseStatus;
        private final int httpStatus;

        Failure(int dimseStatus, int httpStatus) {
            this.dimseStatus = dimseStatus;
            this.httpStatus = httpStatus;
        }

        public int dimseStatus() {
            return dimseStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Failure failure;

    public IngestException(Failure failure, String message) {
        super(message);
        this.failure = failure;
    }

    public IngestException(Failure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }
}
