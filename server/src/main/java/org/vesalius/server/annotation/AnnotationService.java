package org.vesalius.server.annotation;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.vesalius.dicomweb.RequestOrigin;
import org.vesalius.dicomweb.render.OutputFormat;
import org.vesalius.dicomweb.render.RenderException;
import org.vesalius.dicomweb.render.RenderRequest;
import org.vesalius.dicomweb.render.Renderer;
import org.vesalius.dicomweb.rendered.RenderStatus;
import org.vesalius.server.imaging.PictureException;
import org.vesalius.server.imaging.PictureParameters;
import org.vesalius.server.imaging.PictureResponses;
import org.vesalius.server.imaging.Spool;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.dicom.Uids;
import org.vesalius.storage.index.IndexedInstance;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.ingest.IngestException;
import org.vesalius.storage.ingest.IngestOutcome;
import org.vesalius.storage.ingest.IngestRequest;
import org.vesalius.storage.ingest.IngestService;

/**
 * Registered at {@code /api/instances}:
 * <ul>
 *   <li>{@code POST /{sop}/annotations} with {@code {"shape": "circles", "count": N}} (and optionally
 *       {@code "frame"}): draws the circles ({@link Circles}) on the source frame rendered with its
 *       own window, stores the result through the one ingest path as a new RGB Secondary Capture
 *       in the same study ({@link SecondaryCapture}), and answers 201 with its UIDs and WADO-RS URL.
 *       It is then a stored instance like any other (QIDO-RS, WADO-RS, C-FIND).</li>
 *   <li>{@code GET /{sop}/rendered?format=&quality=&frame=&window=} renders the instance;
 *       with {@code annotate=circles&count=N} the same circles are drawn, nothing stored: with the
 *       default window it is the picture the POST stores.</li>
 * </ul>
 */
public final class AnnotationService implements HttpService {
    private static final System.Logger LOG = System.getLogger(AnnotationService.class.getName());
    /** An annotation request is a few dozen bytes. */
    private static final int MAX_BODY_BYTES = 16 * 1024;

    private final InstanceIndex index;
    private final BlobStore blobStore;
    private final IngestService ingest;
    private final Renderer renderer;
    private final Path tempDir;
    private final String dicomWebRoot;

    /**
     * @param dicomWebRoot the path the DICOMweb service is mounted at (e.g. {@code /dicomweb}), for
     *                     the new instance's WADO-RS URL
     */
    public AnnotationService(InstanceIndex index, BlobStore blobStore, IngestService ingest, Path tempDir,
                             String dicomWebRoot) {
        try {
            Files.createDirectories(tempDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the annotation temp folder " + tempDir, e);
        }
        this.index = index;
        this.blobStore = blobStore;
        this.ingest = ingest;
        this.renderer = new Renderer(tempDir);
        this.tempDir = tempDir;
        this.dicomWebRoot = dicomWebRoot;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/{sop}/annotations", PictureResponses.guarded(this::annotate))
                .get("/{sop}/rendered", PictureResponses.guarded(this::rendered));
    }

    private void annotate(ServerRequest request, ServerResponse response) throws IOException {
        IndexedInstance source = source(request);
        JsonObject body = readBody(request);
        Circles circles = Circles.of(string(body, "shape"), integer(body, "count", null));
        int frame = integer(body, "frame", 1);
        if (frame < 1) {
            throw PictureException.badRequest("frame must be an integer from 1");
        }
        IndexedInstance stored;
        // Temp files are gone before the response starts.
        try (Spool original = Spool.fromBlob(blobStore, source.blobKey(), tempDir)) {
            BufferedImage annotated = circles.drawOn(render(original.path(), RenderRequest.of(OutputFormat.PNG)
                    .withFrame(frame)));
            AttributeList header = readHeader(original.path());
            Path file = Files.createTempFile(tempDir, "annotated-", ".dcm");
            try {
                SecondaryCapture.Written written = SecondaryCapture.write(header, frame, annotated,
                        circles.count() + " red circles drawn along the vertical centre line on frame " + frame
                                + " rendered with its own window", file);
                IngestOutcome outcome = ingest.ingest(file, IngestRequest.from(RequestOrigin.of(request)));
                stored = outcome.instance();
                LOG.log(Level.INFO, "annotated {0} as {1}", source.sopInstanceUid(), written.sopInstanceUid());
            } catch (DicomException e) {
                throw new PictureException(500, "cannot build the annotated instance: " + e.getMessage());
            } catch (IngestException e) {
                LOG.log(Level.WARNING, "the annotated instance was refused by ingest: " + e.getMessage());
                // Too large or out of resources are the archive's state; anything else is a bug of ours.
                boolean archiveState = e.failure() == IngestException.Failure.TOO_LARGE
                        || e.failure() == IngestException.Failure.OUT_OF_RESOURCES;
                throw new PictureException(archiveState ? e.failure().httpStatus() : 500,
                        "cannot store the annotated instance: " + e.getMessage());
            } finally {
                Files.deleteIfExists(file);
            }
        }
        String url = wadoUrl(request, stored);
        response.header(HeaderNames.LOCATION, url);
        PictureResponses.sendJson(response, 201, json -> json.writeStartObject()
                .write("studyInstanceUid", stored.studyInstanceUid())
                .write("seriesInstanceUid", stored.seriesInstanceUid())
                .write("sopInstanceUid", stored.sopInstanceUid())
                .write("url", url)
                .writeEnd());
    }

    private void rendered(ServerRequest request, ServerResponse response) throws IOException {
        IndexedInstance source = source(request);
        RenderRequest renderRequest = PictureParameters.renderRequest(request);
        String annotate = request.query().first("annotate").orElse(null);
        Circles circles = annotate == null ? null
                : Circles.of(annotate, PictureParameters.positive(request, "count", 1));
        BufferedImage picture;
        try (Spool original = Spool.fromBlob(blobStore, source.blobKey(), tempDir)) {
            picture = render(original.path(), renderRequest);
        }
        if (circles != null) {
            picture = circles.drawOn(picture);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        Renderer.encode(picture, renderRequest.format(), renderRequest.quality(), out);
        PictureResponses.sendPicture(response, renderRequest.format(), out.toByteArray());
    }

    private BufferedImage render(Path file, RenderRequest request) throws IOException {
        try {
            return renderer.renderImage(file, request);
        } catch (RenderException e) {
            throw new PictureException(RenderStatus.of(e.reason()), "cannot render: " + e.getMessage());
        }
    }

    private IndexedInstance source(ServerRequest request) {
        String sop = request.path().pathParameters().get("sop");
        if (!Uids.isValid(sop)) {
            throw PictureException.badRequest("not a valid SOP Instance UID in the path");
        }
        return index.findInstance(sop).orElseThrow(() -> PictureException.notFound("no instance " + sop));
    }

    private static AttributeList readHeader(Path file) throws IOException {
        try {
            AttributeList header = new AttributeList();
            header.read(file.toFile(), TagFromName.PixelData);
            return header;
        } catch (DicomException e) {
            throw new PictureException(500, "cannot read the stored header: " + e.getMessage());
        }
    }

    /** The instance's WADO-RS URL as this request's client reaches the server. */
    private String wadoUrl(ServerRequest request, IndexedInstance instance) {
        var uri = request.requestedUri();
        String host = uri.host().contains(":") ? "[" + uri.host() + "]" : uri.host();
        return uri.scheme() + "://" + host + ":" + uri.port() + dicomWebRoot + "/studies/"
                + instance.studyInstanceUid() + "/series/" + instance.seriesInstanceUid() + "/instances/"
                + instance.sopInstanceUid();
    }

    private static JsonObject readBody(ServerRequest request) throws IOException {
        String type = request.headers().first(HeaderNames.CONTENT_TYPE).orElse("application/json");
        if (!type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new PictureException(415, "the body must be application/json");
        }
        byte[] bytes;
        try (InputStream in = request.content().inputStream()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new PictureException(413, "the body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(bytes))) {
            JsonValue value = reader.readValue();
            if (!(value instanceof JsonObject object)) {
                throw PictureException.badRequest("the body must be a JSON object like {\"shape\": \"circles\", \"count\": 3}");
            }
            return object;
        } catch (JsonException e) {
            throw PictureException.badRequest("the body is not valid JSON: " + e.getMessage());
        }
    }

    private static String string(JsonObject body, String name) {
        JsonValue value = body.get(name);
        if (!(value instanceof JsonString string)) {
            throw PictureException.badRequest("\"" + name + "\" must be a string");
        }
        return string.getString();
    }

    /** An integer member; {@code fallback} when absent (null: required). */
    private static int integer(JsonObject body, String name, Integer fallback) {
        JsonValue value = body.get(name);
        if (value == null && fallback != null) {
            return fallback;
        }
        if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
            throw PictureException.badRequest("\"" + name + "\" must be an integer");
        }
        try {
            return number.intValueExact();
        } catch (ArithmeticException e) {
            throw PictureException.badRequest("\"" + name + "\" is out of range");
        }
    }
}
