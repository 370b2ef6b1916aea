package org.vesalius.server.api;

import org.vesalius.storage.io.NonClosingOutputStream;
import org.vesalius.server.security.Principal;
import org.vesalius.server.security.Principals;
import org.vesalius.server.security.Role;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.vesalius.dicomweb.http.MediaType;
import org.vesalius.dicomweb.multipart.MalformedMultipartException;
import org.vesalius.dicomweb.multipart.MultipartPart;
import org.vesalius.dicomweb.multipart.MultipartReader;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.audit.Origin;
import org.vesalius.storage.blob.BlobNotFoundException;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.images.ImageFilter;
import org.vesalius.storage.images.ImageRepository;
import org.vesalius.storage.images.ImageType;
import org.vesalius.storage.images.StoredImage;
import org.vesalius.storage.images.SubjectSummary;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.tags.TagRepository;
import org.vesalius.storage.tags.TaggedType;

/**
 * Images by subject: {@code POST/GET /subjects/{subjectId}/images}, {@code GET /subjects},
 * {@code GET/DELETE /images/{id}}.
 */
final class ImagesApi {
    private static final System.Logger LOG = System.getLogger(ImagesApi.class.getName());

    /** Raw body types accepted; the bytes decide what the body is, and must not contradict these. */
    private static final Set<String> RAW_TYPES = Set.of("application/dicom", "application/octet-stream",
            "application/gzip", "application/x-gzip", "application/x-nifti", "application/nifti");

    private final ImageUploads uploads;
    private final ImageRepository images;
    private final InstanceIndex index;
    private final TagRepository tags;
    private final BlobStore blobStore;
    private final AuditLog auditLog;
    private final Path tempDir;
    private final long maxBytes;

    ImagesApi(ImageUploads uploads, ImageRepository images, InstanceIndex index, TagRepository tags,
              BlobStore blobStore, AuditLog auditLog, Path tempDir, long maxBytes) {
        this.uploads = uploads;
        this.images = images;
        this.index = index;
        this.tags = tags;
        this.blobStore = blobStore;
        this.auditLog = auditLog;
        this.tempDir = tempDir;
        this.maxBytes = maxBytes;
    }

    /** {@code POST /subjects/{subjectId}/images}: a raw body or multipart/form-data with one file part. */
    void upload(ServerRequest request, ServerResponse response) throws IOException {
        String subjectId = Params.subjectId(request.path().pathParameters().get("subjectId"));
        MediaType type = contentType(request);
        // Refused before the body is read: with "Expect: 100-continue" the client never sends it.
        if (request.headers().contentLength().orElse(-1) > maxBytes) {
            throw ApiException.tooLarge(maxBytes);
        }
        Origin origin = RequestPrincipal.of(request);
        try (InputStream body = request.content().inputStream()) {
            if (type.essence().equals("multipart/form-data")) {
                String boundary = type.parameter("boundary").orElseThrow(() ->
                        ApiException.badRequest("multipart/form-data without a boundary parameter"));
                try (FilePart file = spoolFilePart(new MultipartReader(body, boundary))) {
                    send(response, uploads.accept(file.body(), subjectId, file.declared(), origin));
                }
            } else {
                try (SpooledBody spooled = spool(body)) {
                    send(response, uploads.accept(spooled, subjectId, specific(type.essence()), origin));
                }
            }
        } catch (SpooledBody.TooLargeException e) {
            throw ApiException.tooLarge(maxBytes);
        } catch (MalformedMultipartException e) {
            throw ApiException.badRequest("malformed multipart/form-data body: " + e.getMessage());
        }
    }

    /** The one file part of a form, spooled, and the type it declares. */
    private record FilePart(SpooledBody body, String declared) implements AutoCloseable {
        @Override
        public void close() {
            body.close();
        }
    }

    private SpooledBody spool(InputStream in) throws IOException {
        return SpooledBody.copy(in, tempDir, maxBytes);
    }

    private FilePart spoolFilePart(MultipartReader reader) throws IOException {
        FilePart file = null;
        try {
            for (MultipartPart part = reader.next(); part != null; part = reader.next()) {
                String disposition = part.header("content-disposition").orElse("").toLowerCase(Locale.ROOT);
                if (!disposition.contains("filename=")) {
                    continue; // a plain form field; the reader skips its content
                }
                if (file != null) {
                    throw ApiException.badRequest("the form holds more than one file; upload one at a time");
                }
                MediaType partType = parse(part.contentType().orElse("application/octet-stream"));
                requireRawType(partType);
                file = new FilePart(spool(part.body()), specific(partType.essence()));
            }
        } catch (IOException | RuntimeException e) {
            if (file != null) {
                file.close();
            }
            throw e;
        }
        if (file == null) {
            throw ApiException.badRequest("the form holds no file part (a part with a filename)");
        }
        return file;
    }

    private static MediaType contentType(ServerRequest request) {
        String header = request.headers().first(HeaderNames.CONTENT_TYPE).orElseThrow(() ->
                ApiException.unsupportedMediaType("no Content-Type: send application/dicom, application/octet-stream, "
                        + "application/gzip or multipart/form-data"));
        MediaType type = parse(header);
        if (!type.essence().equals("multipart/form-data")) {
            requireRawType(type);
        }
        return type;
    }

    private static MediaType parse(String header) {
        try {
            return MediaType.parse(header);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("bad Content-Type: " + e.getMessage());
        }
    }

    private static void requireRawType(MediaType type) {
        if (!RAW_TYPES.contains(type.essence())) {
            throw ApiException.unsupportedMediaType(type.essence() + " is not an image type: send application/dicom, "
                    + "application/octet-stream, application/gzip or multipart/form-data");
        }
    }

    /** The declared type when it says something about the content; null for application/octet-stream. */
    private static String specific(String essence) {
        return essence.equals("application/octet-stream") ? null : essence;
    }

    static void send(ServerResponse response, ImageUploads.Result result) {
        if (result.created()) {
            response.header(HeaderNames.LOCATION, "/api/images/" + result.image().id());
        }
        JsonIo.send(response, result.created() ? 201 : 200, json -> {
            json.writeStartObject();
            ImageJson.members(json, result.image());
            if (!result.created()) {
                json.write("alreadyStored", true);
            }
            if (result.warning() != null) {
                json.write("warning", result.warning());
            }
            json.writeEnd();
        });
    }

    /** {@code GET /subjects/{subjectId}/images?type=&from=&to=&limit=&offset=}: newest first; from/to filter the upload date. */
    void list(ServerRequest request, ServerResponse response) {
        String subjectId = Params.subjectId(request.path().pathParameters().get("subjectId"));
        Params.Page page = Params.page(request);
        ImageType type = request.query().first("type").map(t -> ImageType.fromCode(t).orElseThrow(() ->
                ApiException.badRequest("type must be dicom or nifti"))).orElse(null);
        ImageFilter filter = new ImageFilter(type, Params.from(request), Params.to(request));
        long total = images.count(subjectId, filter);
        List<StoredImage> items = images.list(subjectId, filter, page.limit(), page.offset());
        JsonIo.send(response, 200, json -> {
            json.writeStartObject().writeStartArray("items");
            items.forEach(image -> ImageJson.object(json, image));
            json.writeEnd().write("total", total).writeEnd();
        });
    }

    /** {@code GET /subjects?limit=&offset=}: subjects by id with their image and instance counts. */
    void subjects(ServerRequest request, ServerResponse response) {
        Params.Page page = Params.page(request);
        long total = images.countSubjects();
        List<SubjectSummary> items = images.subjects(page.limit(), page.offset());
        JsonIo.send(response, 200, json -> {
            json.writeStartObject().writeStartArray("items");
            for (SubjectSummary s : items) {
                json.writeStartObject().write("subjectId", s.subjectId()).write("images", s.images())
                        .write("instances", s.instances()).writeEnd();
            }
            json.writeEnd().write("total", total).writeEnd();
        });
    }

    /** {@code GET /images/{id}}: the original bytes, or {@code ?encoding=base64}: {"data": "..."}; both streamed. */
    void download(ServerRequest request, ServerResponse response) throws IOException {
        StoredImage image = find(request);
        String encoding = request.query().first("encoding").orElse(null);
        if (encoding != null && !encoding.equals("base64")) {
            throw ApiException.badRequest("encoding must be base64 (or absent for the original bytes)");
        }
        InputStream in;
        try {
            in = blobStore.open(image.blobKey());
        } catch (BlobNotFoundException e) {
            LOG.log(Level.ERROR, "image " + image.id() + " is indexed but its blob " + image.blobKey()
                    + " is missing (reconcile)");
            throw new ApiException(500, "the image's bytes are missing from the blob store");
        } catch (IOException e) {
            throw ApiException.unavailable("blob store unavailable: " + e.getMessage());
        }
        try (in) {
            if (encoding == null) {
                response.header(HeaderNames.CONTENT_TYPE, ImageJson.contentType(image));
                response.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + ImageJson.fileName(image) + "\"");
                response.contentLength(image.sizeBytes());
                try (OutputStream out = response.outputStream()) {
                    in.transferTo(out);
                }
            } else {
                response.header(HeaderNames.CONTENT_TYPE, "application/json");
                try (OutputStream out = response.outputStream()) {
                    out.write("{\"data\":\"".getBytes(StandardCharsets.US_ASCII));
                    try (OutputStream base64 = Base64.getEncoder().wrap(new NonClosingOutputStream(out))) {
                        in.transferTo(base64);
                    }
                    out.write("\"}".getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
    }

    /**
     * {@code DELETE /images/{id}}: the index rows first, then the blob (an index row never points to
     * a missing blob), then the image's tags. A DICOM image takes its instance with it.
     */
    void delete(ServerRequest request, ServerResponse response) {
        StoredImage image = find(request);
        Origin origin = RequestPrincipal.of(request);
        // Writers delete their own uploads; admins delete anything (the access policy lets writers in).
        Principal principal = Principals.of(request);
        if (!principal.has(Role.ADMIN) && !principal.getName().equals(image.createdBy())) {
            throw ApiException.forbidden("image " + image.id() + " was uploaded by someone else: only its uploader or an admin may delete it");
        }
        boolean removed = image.dicom() != null
                ? index.delete(image.dicom().sopInstanceUid())
                : images.deleteNifti(image.id());
        if (!removed) {
            throw ApiException.notFound("no image " + image.id());
        }
        try {
            blobStore.delete(image.blobKey());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not delete blob " + image.blobKey() + " (reconcile will remove it): " + e.getMessage());
        }
        tags.unassignAll(TaggedType.IMAGE, image.id());
        if (image.dicom() != null) {
            tags.unassignAll(TaggedType.INSTANCE, image.dicom().sopInstanceUid());
        }
        auditLog.record(origin, "IMAGE_DELETED", "images/" + image.id(), AuditLog.Outcome.SUCCESS, "204",
                image.type().code() + " of subject " + image.subjectId());
        response.status(204).send();
    }

    private StoredImage find(ServerRequest request) {
        String id = request.path().pathParameters().get("id");
        return images.find(id).orElseThrow(() -> ApiException.notFound("no image " + id));
    }

}
