package org.vesalius.dicomweb.rendered;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.vesalius.dicomweb.wado.StoredObjects;
import org.vesalius.dicomweb.http.AcceptHeader;
import org.vesalius.dicomweb.http.DicomWebException;
import org.vesalius.dicomweb.http.MediaType;
import org.vesalius.dicomweb.render.Annotation;
import org.vesalius.dicomweb.render.OutputFormat;
import org.vesalius.dicomweb.render.RenderException;
import org.vesalius.dicomweb.render.RenderRequest;
import org.vesalius.dicomweb.render.Renderer;
import org.vesalius.dicomweb.render.Viewport;
import org.vesalius.dicomweb.render.Window;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.dicom.Uids;
import org.vesalius.storage.index.IndexedInstance;
import org.vesalius.storage.index.InstanceIndex;

/**
 * {@code /rendered} and {@code /thumbnail} (PS3.18 §9.5 and §8.3.5) at study, series, instance and
 * frame level.
 *
 * <ul>
 *   <li>The picture is JPEG (our default), PNG or GIF, chosen from the Accept header or the
 *       {@code accept} query parameter; anything else is 406.</li>
 *   <li>{@code /rendered} takes {@code window}, {@code viewport}, {@code quality} and
 *       {@code annotation}; {@code /thumbnail} takes {@code viewport} (default fit in
 *       {@value #THUMBNAIL_SIZE} x {@value #THUMBNAIL_SIZE}) and {@code quality}, always with the
 *       object's own VOI. Other query parameters are ignored.</li>
 *   <li>A study or series is represented by one image: the middle instance of its first series
 *       (series then instance number order), frame 1 (the middle frame for a thumbnail of a
 *       multi-frame object would need the header first; frame 1 is what viewers show).</li>
 *   <li>One frame per request: a frame list such as {@code 1,2} is refused (400).</li>
 * </ul>
 * The stored object is spooled to a temp file (the engine reads frames by offset) and deleted after.
 * The encoded picture is built whole before the status is sent, so a failure is always a clean
 * error response, never a cut or blank picture. Reads are not audited here: the server's HTTP audit
 * filter records every request with its principal and status.
 */
public final class RenderedHandler {
    private static final System.Logger LOG = System.getLogger(RenderedHandler.class.getName());

    /** The thumbnail's box when the request gives no viewport: what study browsers show. */
    static final int THUMBNAIL_SIZE = 128;

    private static final List<MediaType> OFFERS = List.of(
            new MediaType("image", "jpeg", Map.of()),
            new MediaType("image", "png", Map.of()),
            new MediaType("image", "gif", Map.of()));

    private final InstanceIndex index;
    private final BlobStore blobStore;
    private final Renderer renderer;

    public RenderedHandler(InstanceIndex index, BlobStore blobStore, Path tempDir) {
        this.index = index;
        this.blobStore = blobStore;
        this.renderer = new Renderer(tempDir);
    }

    public void renderedStudy(ServerRequest request, ServerResponse response) {
        send(request, response, representativeOfStudy(request), 1, false);
    }

    public void renderedSeries(ServerRequest request, ServerResponse response) {
        send(request, response, representativeOfSeries(request), 1, false);
    }

    public void renderedInstance(ServerRequest request, ServerResponse response) {
        send(request, response, instance(request), 1, false);
    }

    public void renderedFrame(ServerRequest request, ServerResponse response) {
        send(request, response, instance(request), frame(request), false);
    }

    public void thumbnailStudy(ServerRequest request, ServerResponse response) {
        send(request, response, representativeOfStudy(request), 1, true);
    }

    public void thumbnailSeries(ServerRequest request, ServerResponse response) {
        send(request, response, representativeOfSeries(request), 1, true);
    }

    public void thumbnailInstance(ServerRequest request, ServerResponse response) {
        send(request, response, instance(request), 1, true);
    }

    public void thumbnailFrame(ServerRequest request, ServerResponse response) {
        send(request, response, instance(request), frame(request), true);
    }

    private void send(ServerRequest request, ServerResponse response, IndexedInstance instance, int frame,
                      boolean thumbnail) {
        OutputFormat format = negotiate(request);
        RenderRequest renderRequest = parameters(request, format, frame, thumbnail);
        byte[] picture;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
            // A blob that is a local file is rendered in place; others are spooled by the renderer.
            Optional<Path> local = blobStore.localFile(instance.blobKey());
            if (local.isPresent()) {
                renderer.render(local.get(), renderRequest, out);
            } else {
                try (InputStream in = open(instance)) {
                    renderer.render(in, renderRequest, out);
                }
            }
            picture = out.toByteArray();
        } catch (RenderException e) {
            int status = RenderStatus.of(e.reason());
            LOG.log(status >= 500 ? Level.WARNING : Level.INFO, "cannot render {0} ({1}): {2}",
                    instance.sopInstanceUid(), e.reason(), e.getMessage());
            throw new DicomWebException(status, "cannot render instance " + instance.sopInstanceUid() + ": "
                    + e.getMessage());
        } catch (IOException e) {
            LOG.log(Level.ERROR, "rendering " + instance.sopInstanceUid() + " failed: " + e.getMessage(), e);
            throw new DicomWebException(503, "the stored object could not be read, try again later");
        }
        response.status(200);
        response.header(HeaderNames.CONTENT_TYPE, format.mediaType());
        response.send(picture);
    }

    /** The {@code accept} query parameter (PS3.18 §8.3.3.1) wins over the Accept header. */
    private static OutputFormat negotiate(ServerRequest request) {
        AcceptHeader accept;
        Optional<String> parameter = Optional.ofNullable(optional(request, "accept"));
        if (parameter.isPresent()) {
            try {
                accept = AcceptHeader.parse(parameter.get());
            } catch (IllegalArgumentException e) {
                throw DicomWebException.badRequest("bad accept parameter: " + e.getMessage());
            }
        } else {
            accept = AcceptHeader.of(request);
        }
        MediaType chosen = accept.choose(OFFERS).orElseThrow(() -> DicomWebException.notAcceptable(
                "rendered images are available as image/jpeg, image/png or image/gif"));
        return OutputFormat.forMediaType(chosen.essence()).orElseThrow();
    }

    private static RenderRequest parameters(ServerRequest request, OutputFormat format, int frame, boolean thumbnail) {
        try {
            int quality = quality(optional(request, "quality"));
            String viewportText = optional(request, "viewport");
            Viewport viewport = viewportText == null ? null : Viewport.parse(viewportText);
            if (thumbnail) {
                RenderRequest thumb = RenderRequest.thumbnail(format, frame, THUMBNAIL_SIZE).withQuality(quality);
                return viewport == null ? thumb : thumb.withViewport(viewport);
            }
            String window = optional(request, "window");
            String annotation = optional(request, "annotation");
            return RenderRequest.of(format)
                    .withFrame(frame)
                    .withQuality(quality)
                    .withWindow(window == null ? null : Window.parse(window))
                    .withViewport(viewport)
                    .withAnnotations(annotation == null ? Set.of() : Annotation.parse(annotation));
        } catch (RenderException e) {
            throw DicomWebException.badRequest(e.getMessage());
        }
    }

    /** {@code quality} 1..100 (JPEG; accepted and unused for PNG and GIF), 90 when absent. */
    public static int quality(String value) throws RenderException {
        if (value == null) {
            return RenderRequest.DEFAULT_QUALITY;
        }
        try {
            int quality = Integer.parseInt(value.trim());
            if (quality >= 1 && quality <= 100) {
                return quality;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new RenderException(RenderException.Reason.BAD_PARAMETER, "quality must be an integer 1..100");
    }

    private static String optional(ServerRequest request, String name) {
        return request.query().first(name).orElse(null);
    }

    private IndexedInstance representativeOfStudy(ServerRequest request) {
        String study = uid(request, "study", "Study Instance UID");
        List<IndexedInstance> instances = index.instancesInStudy(study);
        if (instances.isEmpty()) {
            throw DicomWebException.notFound("no study " + study);
        }
        // The listing is in series order: the first series' instances come first.
        String firstSeries = instances.getFirst().seriesInstanceUid();
        List<IndexedInstance> series = new ArrayList<>();
        for (IndexedInstance instance : instances) {
            if (instance.seriesInstanceUid().equals(firstSeries)) {
                series.add(instance);
            }
        }
        return middle(series);
    }

    private IndexedInstance representativeOfSeries(ServerRequest request) {
        String study = uid(request, "study", "Study Instance UID");
        String series = uid(request, "series", "Series Instance UID");
        List<IndexedInstance> instances = index.instancesInSeries(study, series);
        if (instances.isEmpty()) {
            throw DicomWebException.notFound("no series " + series + " in study " + study);
        }
        return middle(instances);
    }

    private static IndexedInstance middle(List<IndexedInstance> instances) {
        return instances.get((instances.size() - 1) / 2);
    }

    private IndexedInstance instance(ServerRequest request) {
        String study = uid(request, "study", "Study Instance UID");
        String series = uid(request, "series", "Series Instance UID");
        String sop = uid(request, "instance", "SOP Instance UID");
        return index.findInstance(sop)
                .filter(found -> found.studyInstanceUid().equals(study) && found.seriesInstanceUid().equals(series))
                .orElseThrow(() -> DicomWebException.notFound("no instance " + sop + " in series " + series
                        + " of study " + study));
    }

    private static int frame(ServerRequest request) {
        String frames = request.path().pathParameters().get("frames");
        if (!frames.matches("[0-9]{1,9}")) {
            throw DicomWebException.badRequest("rendered frames are served one at a time: a frame number from 1, not '"
                    + (frames.length() > 40 ? frames.substring(0, 40) + "…" : frames) + "'");
        }
        int frame = Integer.parseInt(frames);
        if (frame < 1) {
            throw DicomWebException.badRequest("frame numbers start at 1");
        }
        return frame;
    }

    private InputStream open(IndexedInstance instance) {
        return StoredObjects.open(blobStore, instance);
    }

    private static String uid(ServerRequest request, String parameter, String what) {
        String uid = request.path().pathParameters().get(parameter);
        if (!Uids.isValid(uid)) {
            throw DicomWebException.badRequest("not a valid " + what + " in the path");
        }
        return uid;
    }
}
