package org.vesalius.dicomweb.cors;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Cross-origin resource sharing (the Fetch standard's CORS protocol) for the DICOMweb routes,
 * a filter before them: answers preflight requests itself, and marks the actual responses of an
 * allowed origin readable, with the headers a viewer needs exposed (Warning of a truncated search,
 * Location and Content-Location of stored objects). Requests without an Origin header pass untouched.
 */
public final class CorsHandler implements Filter {
    private static final HeaderName ALLOW_ORIGIN = HeaderNames.create("Access-Control-Allow-Origin");
    private static final HeaderName ALLOW_METHODS = HeaderNames.create("Access-Control-Allow-Methods");
    private static final HeaderName ALLOW_HEADERS = HeaderNames.create("Access-Control-Allow-Headers");
    private static final HeaderName EXPOSE_HEADERS = HeaderNames.create("Access-Control-Expose-Headers");
    private static final HeaderName MAX_AGE = HeaderNames.create("Access-Control-Max-Age");
    private static final HeaderName REQUEST_METHOD = HeaderNames.create("Access-Control-Request-Method");
    private static final HeaderName REQUEST_HEADERS = HeaderNames.create("Access-Control-Request-Headers");
    private static final String EXPOSED = "Content-Type, Content-Length, Content-Location, Location, Warning";
    /** What DICOMweb clients send: QIDO/WADO GET, STOW POST. */
    private static final String METHODS = "GET, HEAD, POST, OPTIONS";

    private final CorsSettings settings;

    public CorsHandler(CorsSettings settings) {
        this.settings = settings;
    }

    /**
     * Run by the server ahead of every route, sign-in included, so that a 401 reaches a
     * cross-origin viewer readable and a preflight needs no token.
     */
    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        if (!answer(request, response)) {
            chain.proceed();
        }
    }

    /**
     * Marks an allowed origin's response readable; answers a preflight itself. True when the
     * response was sent (a preflight), false when the request goes on to its route.
     */
    private boolean answer(ServerRequest request, ServerResponse response) {
        Optional<String> origin = request.headers().first(HeaderNames.ORIGIN);
        if (origin.isEmpty()) {
            return false;
        }
        boolean allowed = settings.allows(origin.get());
        boolean preflight = request.prologue().method() == Method.OPTIONS && request.headers().contains(REQUEST_METHOD);
        // Caches must keep answers for different origins apart, since the allow header differs.
        response.header(HeaderNames.VARY, "Origin");
        if (preflight) {
            if (!allowed) {
                response.status(403);
                response.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8");
                response.send(("origin " + origin.get().replaceAll("[^\\x20-\\x7e]", "?")
                        + " may not use this API (vesalius.dicomweb.cors.origins)\n").getBytes(StandardCharsets.UTF_8));
                return true;
            }
            response.status(204);
            response.header(ALLOW_ORIGIN, origin.get());
            response.header(ALLOW_METHODS, METHODS);
            // Any request header is fine (Accept, Content-Type, Authorization, ...): echo them.
            request.headers().first(REQUEST_HEADERS).ifPresent(headers -> response.header(ALLOW_HEADERS, headers));
            response.header(MAX_AGE, "600");
            response.send();
            return true;
        }
        if (allowed) {
            response.header(ALLOW_ORIGIN, origin.get());
            response.header(EXPOSE_HEADERS, EXPOSED);
        }
        return false;
    }
}
