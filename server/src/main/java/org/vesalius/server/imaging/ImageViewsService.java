package org.vesalius.server.imaging;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jooq.exception.DataAccessException;
import org.vesalius.dicomweb.render.RenderException;
import org.vesalius.dicomweb.render.RenderRequest;
import org.vesalius.dicomweb.render.Renderer;
import org.vesalius.dicomweb.rendered.RenderStatus;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.images.ImageRepository;
import org.vesalius.storage.images.StoredImage;
import org.vesalius.storage.index.InstanceIndex;

/**
 * Views of one stored image of the REST API, registered at {@code /api/images} next to the API's
 * {@code GET/DELETE /api/images/{id}} (Helidon's {@code {id}} is one path segment, so neither
 * shadows the other):
 * <ul>
 *   <li>{@code GET /{id}/attributes?tag=...}: DICOM JSON of the image's header ({@link DicomAttributes});</li>
 *   <li>{@code GET /{id}/rendered?format=&quality=&frame=&window=}: a DICOM frame through the
 *       DICOMweb rendering engine, or a NIfTI slice ({@code slice=}, {@code axis=}) through
 *       {@link NiftiSliceRenderer}.</li>
 * </ul>
 */
public final class ImageViewsService implements HttpService {
    private static final System.Logger LOG = System.getLogger(ImageViewsService.class.getName());

    private final ImageRepository images;
    private final InstanceIndex index;
    private final BlobStore blobStore;
    private final Renderer renderer;
    private final Path tempDir;
    private final String dicomWebRoot;

    /**
     * @param tempDir      where DICOM objects are spooled while they are rendered
     * @param dicomWebRoot where DICOMweb is mounted, for the BulkDataURIs of large values
     */
    public ImageViewsService(ImageRepository images, InstanceIndex index, BlobStore blobStore, Path tempDir,
                             String dicomWebRoot) {
        try {
            Files.createDirectories(tempDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the image views temp folder " + tempDir, e);
        }
        this.images = images;
        this.index = index;
        this.blobStore = blobStore;
        this.renderer = new Renderer(tempDir);
        this.tempDir = tempDir;
        this.dicomWebRoot = dicomWebRoot;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/{id}/attributes", guarded(this::attributes))
                .get("/{id}/rendered", guarded(this::rendered));
    }

    private void attributes(ServerRequest request, ServerResponse response) {
        List<Integer> tags = request.query().all("tag", List::of).stream().map(DicomAttributes::parseTag).toList();
        StoredImage image = find(request);
        StoredImage.Dicom dicom = image.dicom();
        if (dicom == null) {
            throw new PictureException(409, "image " + image.id() + " is a NIfTI volume, it has no DICOM attributes;"
                    + " its header fields are listed with GET /api/subjects/" + image.subjectId() + "/images");
        }
        String[] json = new String[1];
        index.forEachMetadata(dicom.studyInstanceUid(), dicom.seriesInstanceUid(), dicom.sopInstanceUid(),
                row -> json[0] = row.dicomJson());
        if (json[0] == null) {
            // Images are created by the ingest path, which always stores the metadata.
            throw new PictureException(409, "the instance of image " + image.id() + " was indexed without metadata");
        }
        String bulkBase = dicomWebRoot + "/studies/" + dicom.studyInstanceUid() + "/series/"
                + dicom.seriesInstanceUid() + "/instances/" + dicom.sopInstanceUid() + "/";
        String answer = DicomAttributes.select(json[0], tags, bulkBase);
        response.header(HeaderNames.CONTENT_TYPE, "application/dicom+json");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.send(answer.getBytes(StandardCharsets.UTF_8));
    }

    private void rendered(ServerRequest request, ServerResponse response) throws IOException {
        RenderRequest renderRequest = PictureParameters.renderRequest(request);
        StoredImage image = find(request);
        byte[] picture;
        if (image.nifti() != null) {
            // frame picks the volume of a 4-D series (1 = the first), as it picks a DICOM frame.
            NiftiSliceRenderer.Slice slice = NiftiSliceRenderer.Slice.of(request.query().first("axis").orElse(null),
                    request.query().first("slice").orElse(null), renderRequest.frame(), renderRequest.window());
            picture = NiftiSliceRenderer.render(blobStore, image, slice, renderRequest.format(), renderRequest.quality());
        } else {
            for (String niftiOnly : List.of("slice", "axis")) {
                if (request.query().contains(niftiOnly)) {
                    throw PictureException.badRequest(niftiOnly + " applies to NIfTI volumes; image " + image.id()
                            + " is DICOM (use frame)");
                }
            }
            picture = renderDicom(image, renderRequest);
        }
        PictureResponses.sendPicture(response, renderRequest.format(), picture);
    }

    private byte[] renderDicom(StoredImage image, RenderRequest renderRequest) throws IOException {
        try (Spool file = Spool.fromBlob(blobStore, image.blobKey(), tempDir)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
            renderer.render(file.path(), renderRequest, out);
            return out.toByteArray();
        } catch (RenderException e) {
            throw new PictureException(RenderStatus.of(e.reason()), "cannot render image " + image.id() + ": "
                    + e.getMessage());
        }
    }

    private StoredImage find(ServerRequest request) {
        String id = request.path().pathParameters().get("id");
        return images.find(id).orElseThrow(() -> PictureException.notFound("no image " + id));
    }

    /** The picture guard, plus the index being down as a 503 like the rest of the API. */
    private static Handler guarded(Handler handler) {
        return PictureResponses.guarded((request, response) -> {
            try {
                handler.handle(request, response);
            } catch (DataAccessException e) {
                LOG.log(Level.ERROR, "index unavailable: " + e.getMessage(), e);
                throw new PictureException(503, "index unavailable");
            }
        });
    }
}
