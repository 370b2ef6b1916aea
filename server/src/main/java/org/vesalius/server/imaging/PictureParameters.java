package org.vesalius.server.imaging;

import io.helidon.webserver.http.ServerRequest;
import java.util.Locale;
import org.vesalius.dicomweb.render.OutputFormat;
import org.vesalius.dicomweb.render.RenderException;
import org.vesalius.dicomweb.render.RenderRequest;
import org.vesalius.dicomweb.render.Window;
import org.vesalius.dicomweb.rendered.RenderedHandler;

/**
 * The REST API's picture parameters: {@code format=jpeg|png|gif} (default jpeg), {@code quality=1..100},
 * {@code frame=N} (from 1) and {@code window=C,W[,function]}. A bad one is a 400 naming it.
 */
public final class PictureParameters {
    private PictureParameters() {
    }

    public static OutputFormat format(ServerRequest request) {
        String value = request.query().first("format").orElse("jpeg").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "jpeg", "jpg" -> OutputFormat.JPEG;
            case "png" -> OutputFormat.PNG;
            case "gif" -> OutputFormat.GIF;
            default -> throw PictureException.badRequest("format must be jpeg, png or gif");
        };
    }

    /** Format, quality, frame and window of the request as a render request (original size, no text). */
    public static RenderRequest renderRequest(ServerRequest request) {
        try {
            String window = request.query().first("window").orElse(null);
            return RenderRequest.of(format(request))
                    .withQuality(RenderedHandler.quality(request.query().first("quality").orElse(null)))
                    .withFrame(positive(request, "frame", 1))
                    .withWindow(window == null ? null : Window.parse(window));
        } catch (RenderException e) {
            throw PictureException.badRequest(e.getMessage());
        }
    }

    /** A positive integer parameter (a frame or a count), {@code fallback} when absent. */
    public static int positive(ServerRequest request, String name, int fallback) {
        String value = request.query().first(name).orElse(null);
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value.trim());
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw PictureException.badRequest(name + " must be an integer from 1");
    }
}
