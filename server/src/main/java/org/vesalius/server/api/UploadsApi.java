package org.vesalius.server.api;

import io.helidon.common.uri.UriInfo;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.audit.Origin;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.blob.S3BlobStore;
import org.vesalius.storage.images.OpaqueIds;
import org.vesalius.storage.images.StagedUpload;
import org.vesalius.storage.images.StagedUploads;

/**
 * Staged uploads for large files. {@code POST /uploads} with {"subjectId"} answers
 * {"id", "url", "expiresAt"}: on S3 a presigned PUT URL straight to {@code uploads/{id}} in the
 * bucket, on the filesystem store this server's {@code PUT /uploads/{id}/content}. Then
 * {@code POST /uploads/{id}/complete} reads the staged object back (spooled to a temp file) and
 * stores it exactly like a direct upload.
 *
 * <p>Expired uploads (never completed within the TTL) are removed with their staged object when the
 * node starts and on every new upload: no timer is needed, and a node that takes no uploads holds
 * at most what was staged before its last one.
 */
final class UploadsApi {
    private static final System.Logger LOG = System.getLogger(UploadsApi.class.getName());
    /** Expired uploads removed per sweep: bounds the work one request does. */
    private static final int SWEEP_LIMIT = 100;

    private final StagedUploads staged;
    private final ImageUploads uploads;
    private final BlobStore blobStore;
    private final AuditLog auditLog;
    private final ApiSettings settings;
    private final Path tempDir;
    private final long maxBytes;
    private final Clock clock;

    UploadsApi(StagedUploads staged, ImageUploads uploads, BlobStore blobStore, AuditLog auditLog,
               ApiSettings settings, Path tempDir, long maxBytes, Clock clock) {
        this.staged = staged;
        this.uploads = uploads;
        this.blobStore = blobStore;
        this.auditLog = auditLog;
        this.settings = settings;
        this.tempDir = tempDir;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    /** {@code POST /uploads} with {"subjectId"}: 201 {"id", "url", "method", "expiresAt"}. */
    void create(ServerRequest request, ServerResponse response) {
        String subjectId = Params.subjectId(JsonIo.requiredString(JsonIo.readObject(request), "subjectId"));
        removeExpired();
        Origin origin = RequestPrincipal.of(request);
        Instant now = clock.instant();
        String id = OpaqueIds.next();
        StagedUpload upload = new StagedUpload(id, subjectId, "uploads/" + id, StagedUpload.State.PENDING,
                now.plus(settings.uploadTtl()), now, origin.name());
        staged.create(upload);
        String url = blobStore instanceof S3BlobStore s3
                ? s3.presignPut(upload.blobKey(), settings.uploadTtl()).toString()
                : baseUrl(request) + "/uploads/" + id + "/content";
        auditLog.record(origin, "UPLOAD_STAGED", "uploads/" + id, AuditLog.Outcome.SUCCESS, "201",
                "for subject " + subjectId);
        JsonIo.send(response, 201, json -> json.writeStartObject().write("id", id).write("url", url)
                .write("method", "PUT").write("expiresAt", upload.expiresAt().toString()).writeEnd());
    }

    /** {@code PUT /uploads/{id}/content}: the staged bytes, streamed into the blob store (any store). */
    void putContent(ServerRequest request, ServerResponse response) throws IOException {
        StagedUpload upload = pending(request);
        long length = request.headers().contentLength().orElse(-1);
        if (length > maxBytes) {
            throw ApiException.tooLarge(maxBytes);
        }
        try (InputStream body = SpooledBody.limited(request.content().inputStream(), maxBytes)) {
            blobStore.put(upload.blobKey(), body, length);
        } catch (SpooledBody.TooLargeException e) {
            throw ApiException.tooLarge(maxBytes);
        }
        response.status(204).send();
    }

    /**
     * {@code POST /uploads/{id}/complete}: stores the staged object as an image and forgets the
     * upload. A refused object (4xx) ends the upload too; a passing failure (5xx) leaves it to retry.
     */
    void complete(ServerRequest request, ServerResponse response) throws IOException {
        StagedUpload upload = pending(request);
        if (!staged.claim(upload.id(), clock.instant())) {
            throw ApiException.conflict("upload " + upload.id() + " is being completed by another request");
        }
        Optional<Long> size;
        try {
            size = blobStore.size(upload.blobKey());
        } catch (IOException e) {
            staged.release(upload.id());
            throw ApiException.unavailable("blob store unavailable: " + e.getMessage());
        }
        if (size.isEmpty()) {
            staged.release(upload.id());
            throw ApiException.conflict("nothing was uploaded to " + upload.id() + " yet: PUT the bytes to its url first");
        }
        try {
            if (size.get() > maxBytes) {
                throw ApiException.tooLarge(maxBytes);
            }
            ImageUploads.Result result;
            try (InputStream in = blobStore.open(upload.blobKey());
                 SpooledBody body = SpooledBody.copy(in, tempDir, maxBytes)) {
                result = uploads.accept(body, upload.subjectId(), null, RequestPrincipal.of(request));
            }
            forget(upload);
            ImagesApi.send(response, result);
        } catch (ApiException e) {
            if (e.status() < 500) {
                forget(upload);
            } else {
                staged.release(upload.id());
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            staged.release(upload.id());
            throw e;
        }
    }

    /** Runs a sweep of expired uploads now (the node calls it at start). */
    void removeExpired() {
        List<StagedUpload> expired = staged.expired(clock.instant(), SWEEP_LIMIT);
        for (StagedUpload upload : expired) {
            forget(upload);
        }
        if (!expired.isEmpty()) {
            LOG.log(Level.INFO, "removed " + expired.size() + " expired staged upload(s)");
        }
    }

    /** Removes the staged object, then the row (a row left by a failure here is swept when it expires). */
    private void forget(StagedUpload upload) {
        try {
            blobStore.delete(upload.blobKey());
            staged.remove(upload.id());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not remove staged upload " + upload.id() + ": " + e.getMessage());
        }
    }

    /** The upload of the path, when it exists, waits for its bytes and has not expired; 404 otherwise. */
    private StagedUpload pending(ServerRequest request) {
        String id = request.path().pathParameters().get("id");
        if (!OpaqueIds.isValid(id)) {
            throw ApiException.badRequest("not a valid upload id: " + id);
        }
        StagedUpload upload = staged.find(id).filter(u -> !u.expired(clock.instant()))
                .orElseThrow(() -> ApiException.notFound("no upload " + id + " (unknown, completed or expired)"));
        if (upload.state() != StagedUpload.State.PENDING) {
            throw ApiException.conflict("upload " + id + " is being completed");
        }
        return upload;
    }

    /** This API's root URL as the client reached it, e.g. http://host:8080/api. */
    private static String baseUrl(ServerRequest request) {
        String absolute = request.path().absolute().path();
        String routed = request.path().path();
        String root = absolute.endsWith(routed) ? absolute.substring(0, absolute.length() - routed.length()) : "";
        UriInfo uri = request.requestedUri();
        String host = uri.host().contains(":") ? "[" + uri.host() + "]" : uri.host();
        return uri.scheme() + "://" + host + ":" + uri.port() + root;
    }
}
