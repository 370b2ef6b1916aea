package org.vesalius.storage.images;

import java.time.Instant;

/**
 * An upload staged in the blob store under {@code blobKey} ({@code uploads/{id}}), waiting for its
 * client to complete it before {@code expiresAt}.
 */
public record StagedUpload(String id, String subjectId, String blobKey, State state, Instant expiresAt,
                           Instant createdAt, String createdBy) {

    public enum State {
        /** Waiting for the bytes and the completion. */
        PENDING,
        /** A completion is ingesting it right now. */
        COMPLETING
    }

    public boolean expired(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
