package org.vesalius.server.imaging;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import org.vesalius.dicomweb.render.OutputFormat;

/** Sending pictures and JSON refusals; the guard that turns a {@link PictureException} into its status. */
public final class PictureResponses {
    private static final System.Logger LOG = System.getLogger(PictureResponses.class.getName());

    private PictureResponses() {
    }

    /** What a handler writes into the generator of a JSON response. */
    public interface JsonBody {
        void write(JsonGenerator json);
    }

    public static void sendPicture(ServerResponse response, OutputFormat format, byte[] picture) {
        response.status(200);
        response.header(HeaderNames.CONTENT_TYPE, format.mediaType());
        response.send(picture);
    }

    public static void sendJson(ServerResponse response, int status, JsonBody body) {
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        try (OutputStream out = response.outputStream(); JsonGenerator json = Json.createGenerator(out)) {
            body.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Answers a {@link PictureException} thrown by {@code handler} as {@code {"error": reason}}. */
    public static Handler guarded(Handler handler) {
        return (request, response) -> {
            try {
                handler.handle(request, response);
            } catch (PictureException e) {
                LOG.log(e.status() >= 500 ? Level.WARNING : Level.INFO, "{0} {1}: {2} {3}",
                        request.prologue().method().text(), request.path().absolute().path(), e.status(),
                        e.getMessage());
                if (response.isSent()) {
                    throw e;
                }
                sendJson(response, e.status(), json -> json.writeStartObject().write("error", e.getMessage()).writeEnd());
            }
        };
    }
}
