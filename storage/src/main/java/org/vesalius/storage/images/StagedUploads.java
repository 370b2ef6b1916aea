package org.vesalius.storage.images;

import static org.vesalius.schema.jooq.Tables.UPLOAD;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jooq.Record;
import org.vesalius.storage.index.Database;

/**
 * The staged uploads in the index. A completion first claims its upload (PENDING to COMPLETING in
 * one conditional update), so two completions of the same upload cannot both ingest it.
 */
public final class StagedUploads {
    private final Database database;

    public StagedUploads(Database database) {
        this.database = database;
    }

    public void create(StagedUpload upload) {
        database.dsl().insertInto(UPLOAD)
                .set(UPLOAD.UPLOAD_ID, upload.id())
                .set(UPLOAD.SUBJECT_ID, upload.subjectId())
                .set(UPLOAD.BLOB_KEY, upload.blobKey())
                .set(UPLOAD.STATE, code(upload.state()))
                .set(UPLOAD.EXPIRES_AT, upload.expiresAt().atOffset(ZoneOffset.UTC))
                .set(UPLOAD.CREATED_AT, upload.createdAt().atOffset(ZoneOffset.UTC))
                .set(UPLOAD.CREATED_BY, upload.createdBy())
                .execute();
    }

    public Optional<StagedUpload> find(String id) {
        if (!OpaqueIds.isValid(id)) {
            return Optional.empty();
        }
        return database.dsl().selectFrom(UPLOAD).where(UPLOAD.UPLOAD_ID.eq(id)).fetchOptional(StagedUploads::toUpload);
    }

    /** PENDING and unexpired to COMPLETING; false when another completion got there first or it expired. */
    public boolean claim(String id, Instant now) {
        return database.dsl().update(UPLOAD)
                .set(UPLOAD.STATE, code(StagedUpload.State.COMPLETING))
                .where(UPLOAD.UPLOAD_ID.eq(id), UPLOAD.STATE.eq(code(StagedUpload.State.PENDING)),
                        UPLOAD.EXPIRES_AT.gt(now.atOffset(ZoneOffset.UTC)))
                .execute() == 1;
    }

    /** Back to PENDING after a completion that failed for a passing reason (the client may try again). */
    public void release(String id) {
        database.dsl().update(UPLOAD).set(UPLOAD.STATE, code(StagedUpload.State.PENDING))
                .where(UPLOAD.UPLOAD_ID.eq(id)).execute();
    }

    public void remove(String id) {
        database.dsl().deleteFrom(UPLOAD).where(UPLOAD.UPLOAD_ID.eq(id)).execute();
    }

    /** Up to {@code limit} uploads expired at {@code now}, oldest first. */
    public List<StagedUpload> expired(Instant now, int limit) {
        return database.dsl().selectFrom(UPLOAD)
                .where(UPLOAD.EXPIRES_AT.le(now.atOffset(ZoneOffset.UTC)))
                .orderBy(UPLOAD.EXPIRES_AT)
                .limit(limit)
                .fetch(StagedUploads::toUpload);
    }

    private static String code(StagedUpload.State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private static StagedUpload toUpload(Record r) {
        return new StagedUpload(r.get(UPLOAD.UPLOAD_ID), r.get(UPLOAD.SUBJECT_ID), r.get(UPLOAD.BLOB_KEY),
                StagedUpload.State.valueOf(r.get(UPLOAD.STATE).toUpperCase(Locale.ROOT)),
                r.get(UPLOAD.EXPIRES_AT).toInstant(), r.get(UPLOAD.CREATED_AT).toInstant(), r.get(UPLOAD.CREATED_BY));
    }
}
