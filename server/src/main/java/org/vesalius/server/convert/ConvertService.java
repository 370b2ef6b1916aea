package org.vesalius.server.convert;

import com.pixelmed.dicom.DicomException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.vesalius.dicomweb.http.AcceptHeader;
import org.vesalius.dicomweb.http.DicomWebException;
import org.vesalius.dicomweb.http.MediaType;
import org.vesalius.dicomweb.render.RenderException;
import org.vesalius.dicomweb.render.RenderRequest;
import org.vesalius.dicomweb.render.Renderer;
import org.vesalius.dicomweb.rendered.RenderStatus;
import org.vesalius.server.imaging.PictureException;
import org.vesalius.server.imaging.PictureParameters;
import org.vesalius.server.imaging.PictureResponses;
import org.vesalius.server.imaging.Spool;
import org.vesalius.storage.dicom.Part10Inspector;

/**
 * {@code POST /api/convert?format=jpeg|png|gif&quality=&frame=&window=}: renders a DICOM Part 10
 * body without storing it. The body is spooled to a temp file (deleted when the request ends),
 * checked whole by {@link Part10Inspector} (a truncated or non-DICOM body is a 400 saying where
 * it breaks), rendered, and answered as the picture; or, when the client prefers
 * {@code application/json}, as {@code {"image": base64, "contentType": ..., "attributes": {...}}}.
 * Larger bodies than the configured object limit are refused with 413 while they stream in.
 * (The request itself is recorded by the server's HTTP audit filter; nothing else is kept.)
 */
public final class ConvertService implements HttpService {
    private static final System.Logger LOG = System.getLogger(ConvertService.class.getName());
    private static final MediaType JSON = new MediaType("application", "json", Map.of());

    private final Renderer renderer;
    private final Path tempDir;
    private final long maxBytes;

    /**
     * @param tempDir  where bodies are spooled while they are converted
     * @param maxBytes the largest body accepted (the archive's object limit)
     */
    public ConvertService(Path tempDir, long maxBytes) {
        try {
            Files.createDirectories(tempDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the convert temp folder " + tempDir, e);
        }
        this.renderer = new Renderer(tempDir);
        this.tempDir = tempDir;
        this.maxBytes = maxBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", PictureResponses.guarded(this::convert));
    }

    private void convert(ServerRequest request, ServerResponse response) throws IOException {
        RenderRequest renderRequest = PictureParameters.renderRequest(request);
        boolean json = wantsJson(request, renderRequest);
        byte[] picture;
        HeaderSummary header;
        // The spool is gone before the response starts: nothing of the body outlives the answer.
        try (InputStream in = request.content().inputStream();
             Spool body = Spool.copy(in, tempDir, maxBytes)) {
            try {
                Part10Inspector.inspect(body.path());
            } catch (Part10Inspector.MalformedDicomException e) {
                throw PictureException.badRequest("not a complete DICOM Part 10 file: " + e.getMessage());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
            try {
                renderer.render(body.path(), renderRequest, out);
            } catch (RenderException e) {
                throw new PictureException(RenderStatus.of(e.reason()), "cannot render: " + e.getMessage());
            }
            picture = out.toByteArray();
            header = json ? readHeader(body.path()) : null;
        }
        if (!json) {
            PictureResponses.sendPicture(response, renderRequest.format(), picture);
            return;
        }
        PictureResponses.sendJson(response, 200, out -> {
            out.writeStartObject()
                    .write("image", Base64.getEncoder().encodeToString(picture))
                    .write("contentType", renderRequest.format().mediaType());
            header.write(out);
            out.writeEnd();
        });
    }

    /** JSON only when the client ranks it above the picture; 406 when it accepts neither. */
    private static boolean wantsJson(ServerRequest request, RenderRequest renderRequest) {
        AcceptHeader accept;
        try {
            accept = AcceptHeader.of(request);
        } catch (DicomWebException e) {
            throw PictureException.badRequest(e.getMessage());
        }
        MediaType picture = MediaType.parse(renderRequest.format().mediaType());
        return accept.choose(List.of(picture, JSON))
                .orElseThrow(() -> new PictureException(406, "convert answers " + picture.essence()
                        + " (the format parameter) or application/json"))
                .equals(JSON);
    }

    private static HeaderSummary readHeader(Path file) {
        try {
            return HeaderSummary.read(file);
        } catch (IOException | DicomException e) {
            // The inspector and the renderer have read it already: this is not the client's fault.
            LOG.log(Level.WARNING, "cannot read the header of a rendered body: " + e.getMessage());
            throw new PictureException(500, "cannot read the DICOM header: " + e.getMessage());
        }
    }
}
