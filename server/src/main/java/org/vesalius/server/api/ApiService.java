package org.vesalius.server.api;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.jooq.exception.DataAccessException;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.images.ImageRepository;
import org.vesalius.storage.images.StagedUploads;
import org.vesalius.storage.index.Database;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.ingest.IngestService;
import org.vesalius.storage.tags.TagRepository;
import org.vesalius.storage.tags.TaggedType;

/**
 * The REST API, registered under {@code /api} (see the README, "REST API", and openapi.yaml): images
 * by subject (DICOM and NIfTI), tags and search, staged uploads. Every refusal is a 4xx or 5xx with
 * {@code {"error": "..."}}.
 */
public final class ApiService implements HttpService {
    private static final System.Logger LOG = System.getLogger(ApiService.class.getName());
    /** The path segment of each taggable kind. */
    private static final Map<String, TaggedType> TAGGABLE = Map.of("studies", TaggedType.STUDY,
            "series", TaggedType.SERIES, "instances", TaggedType.INSTANCE, "images", TaggedType.IMAGE);

    private final ImagesApi images;
    private final TagsApi tags;
    private final UploadsApi uploads;

    /**
     * @param subjectAttribute the attribute holding a DICOM file's subject (PatientID by default)
     * @param maxObjectBytes   the largest upload accepted (413 beyond)
     * @param tempDir          where uploads are spooled
     */
    public ApiService(Database database, BlobStore blobStore, InstanceIndex index, IngestService ingest,
                      AuditLog auditLog, String subjectAttribute, long maxObjectBytes, Path tempDir,
                      ApiSettings settings) {
        try {
            Files.createDirectories(tempDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the API temp folder " + tempDir, e);
        }
        Clock clock = Clock.systemUTC();
        ImageRepository imageRepository = new ImageRepository(database, clock);
        TagRepository tagRepository = new TagRepository(database, clock);
        ImageUploads imageUploads = new ImageUploads(ingest, imageRepository, blobStore, auditLog, subjectAttribute,
                settings);
        this.images = new ImagesApi(imageUploads, imageRepository, index, tagRepository, blobStore, auditLog, tempDir,
                maxObjectBytes);
        this.tags = new TagsApi(tagRepository, auditLog);
        this.uploads = new UploadsApi(new StagedUploads(database), imageUploads, blobStore, auditLog, settings, tempDir,
                maxObjectBytes, clock);
        uploads.removeExpired();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/subjects", guarded(images::subjects))
                .post("/subjects/{subjectId}/images", guarded(images::upload))
                .get("/subjects/{subjectId}/images", guarded(images::list))
                .get("/images/{id}", guarded(images::download))
                .delete("/images/{id}", guarded(images::delete))
                .post("/tags", guarded(tags::create))
                .get("/tags", guarded(tags::list))
                .get("/tags/{name}", guarded(tags::get))
                .patch("/tags/{name}", guarded(tags::update))
                .delete("/tags/{name}", guarded(tags::delete))
                .get("/search", guarded(tags::search))
                .post("/uploads", guarded(uploads::create))
                .put("/uploads/{id}/content", guarded(uploads::putContent))
                .post("/uploads/{id}/complete", guarded(uploads::complete));
        TAGGABLE.forEach((segment, type) -> rules
                .get("/" + segment + "/{id}/tags", guarded((req, res) -> tags.tagsOf(type, req, res)))
                .put("/" + segment + "/{id}/tags/{tag}", guarded((req, res) -> tags.assign(type, req, res)))
                .delete("/" + segment + "/{id}/tags/{tag}", guarded((req, res) -> tags.unassign(type, req, res))));
    }

    /** Answers refusals as {"error": ...}; the index or blob store being down is a 503. */
    private static Handler guarded(Handler handler) {
        return (request, response) -> {
            try {
                handler.handle(request, response);
            } catch (ApiException e) {
                refuse(request, response, e.status(), e.getMessage(), e);
            } catch (DataAccessException e) {
                LOG.log(Level.ERROR, "index unavailable: " + e.getMessage(), e);
                refuse(request, response, 503, "index unavailable", e);
            }
        };
    }

    private static void refuse(io.helidon.webserver.http.ServerRequest request,
                               io.helidon.webserver.http.ServerResponse response, int status, String message,
                               RuntimeException e) {
        LOG.log(status >= 500 ? Level.WARNING : Level.INFO, "{0} {1} from {2}: {3} {4}",
                request.prologue().method().text(), request.path().absolute().path(),
                RequestPrincipal.of(request).address(), status, message);
        if (response.isSent()) {
            throw e;
        }
        JsonIo.sendError(response, status, message);
    }
}
