package org.vesalius.server.aes;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.vesalius.dimse.aes.AeRegistry;
import org.vesalius.dimse.aes.RemoteAe;

/**
 * The AE registry over HTTP, mounted at {@code /api/aes}: {@code GET /} lists the known AEs,
 * {@code GET /{aet}} shows one, {@code PUT /{aet}} with {@code {"host": "…", "port": N}} (and
 * optionally {@code "tls": true}) adds or replaces one, {@code DELETE /{aet}} removes one. Edits are
 * effective at once, on every node sharing the database.
 */
public final class AeRoutes implements HttpService {
    private static final Logger LOG = System.getLogger(AeRoutes.class.getName());
    private static final int MAX_BODY_BYTES = 4096;

    private final AeRegistry registry;

    public AeRoutes(AeRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .get("/{aet}", this::show)
                .put("/{aet}", this::put)
                .delete("/{aet}", this::delete);
    }

    private void list(ServerRequest request, ServerResponse response) {
        send(response, Status.OK_200, registry.list().stream().map(AeRoutes::toJson)
                .collect(Collectors.joining(",", "[", "]")));
    }

    private void show(ServerRequest request, ServerResponse response) {
        Optional<String> title = title(request, response);
        if (title.isEmpty()) {
            return;
        }
        registry.find(title.get()).ifPresentOrElse(ae -> send(response, Status.OK_200, toJson(ae)),
                () -> send(response, Status.NOT_FOUND_404, Json.error("AE '" + title.get() + "' is not registered")));
    }

    private void put(ServerRequest request, ServerResponse response) {
        Optional<String> title = title(request, response);
        if (title.isEmpty()) {
            return;
        }
        RemoteAe ae;
        try {
            Map<String, Object> body = Json.parseFlatObject(body(request));
            for (String name : body.keySet()) {
                if (!name.equals("host") && !name.equals("port") && !name.equals("tls")) {
                    throw new IllegalArgumentException("unknown member \"" + name + "\" (expected host, port, tls)");
                }
            }
            if (!(body.get("host") instanceof String host)) {
                throw new IllegalArgumentException("\"host\" must be given as a string");
            }
            if (!(body.get("port") instanceof Long port)) {
                throw new IllegalArgumentException("\"port\" must be given as an integer");
            }
            Object tls = body.getOrDefault("tls", false);
            if (!(tls instanceof Boolean)) {
                throw new IllegalArgumentException("\"tls\" must be true or false");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
            }
            ae = new RemoteAe(title.get(), host, port.intValue(), (Boolean) tls);
        } catch (IllegalArgumentException | IOException e) {
            send(response, Status.BAD_REQUEST_400, Json.error(e.getMessage()));
            return;
        }
        boolean created = registry.put(ae);
        LOG.log(Level.INFO, "AE {0} {1}: {2}:{3,number,#}{4}", ae.aeTitle(), created ? "added" : "updated",
                ae.host(), ae.port(), ae.tls() ? " (TLS)" : "");
        send(response, created ? Status.CREATED_201 : Status.OK_200, toJson(ae));
    }

    private void delete(ServerRequest request, ServerResponse response) {
        Optional<String> title = title(request, response);
        if (title.isEmpty()) {
            return;
        }
        if (registry.delete(title.get())) {
            LOG.log(Level.INFO, "AE {0} removed", title.get());
            response.status(Status.NO_CONTENT_204).send();
        } else {
            send(response, Status.NOT_FOUND_404, Json.error("AE '" + title.get() + "' is not registered"));
        }
    }

    /** The path's AE title, checked; empty (and a 400 sent) when it is not a valid one. */
    private static Optional<String> title(ServerRequest request, ServerResponse response) {
        try {
            return Optional.of(RemoteAe.checkAeTitle(request.path().pathParameters().get("aet")));
        } catch (IllegalArgumentException e) {
            send(response, Status.BAD_REQUEST_400, Json.error(e.getMessage()));
            return Optional.empty();
        }
    }

    private static String body(ServerRequest request) throws IOException {
        try (InputStream in = request.content().inputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new IllegalArgumentException("body larger than " + MAX_BODY_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    static String toJson(RemoteAe ae) {
        return "{\"aet\":" + Json.quote(ae.aeTitle()) + ",\"host\":" + Json.quote(ae.host()) + ",\"port\":" + ae.port()
                + ",\"tls\":" + ae.tls() + "}";
    }

    static void send(ServerResponse response, Status status, String json) {
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.send(json);
    }
}
