package org.vesalius.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The role matrix over real HTTP: one request per route family, and what each kind of caller must
 * get. Where a caller passes the gate, the answer is the route's own (200 for health and audit; a
 * 404 or 415 from DICOMweb for made-up UIDs; 404 for a route not built yet): that it is neither
 * 401 nor 403 is what counts.
 */
final class RoleMatrix {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** @param okStatus the exact status of a caller who passes the gate, or 0 for "not 401 or 403" */
    record Route(String method, String path, Optional<Role> required, int okStatus) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static final List<Route> ROUTES = List.of(
            new Route("GET", "/health", Optional.empty(), 200),
            new Route("GET", "/viewer/index.html", Optional.empty(), 0),
            new Route("GET", "/dicomweb/studies/1.2.3", Optional.of(Role.READER), 0),
            new Route("HEAD", "/dicomweb/studies/1.2.3/series/4.5", Optional.of(Role.READER), 0),
            new Route("POST", "/dicomweb/studies", Optional.of(Role.WRITER), 0),
            new Route("DELETE", "/dicomweb/studies/1.2.3", Optional.of(Role.ADMIN), 0),
            new Route("GET", "/api/search?tag=ct", Optional.of(Role.READER), 0),
            new Route("GET", "/api/images/1/rendered", Optional.of(Role.READER), 0),
            new Route("POST", "/api/tags", Optional.of(Role.WRITER), 0),
            new Route("DELETE", "/api/studies/1.2.3/tags/ct", Optional.of(Role.WRITER), 0),
            new Route("DELETE", "/api/images/1", Optional.of(Role.WRITER), 0),
            new Route("GET", "/api/aes", Optional.of(Role.ADMIN), 0),
            new Route("POST", "/api/reconcile", Optional.of(Role.ADMIN), 0),
            new Route("GET", "/api/audit?limit=1", Optional.of(Role.ADMIN), 200));

    private RoleMatrix() {
    }

    /**
     * Runs every route with {@code token} and checks the answers.
     *
     * @param token the bearer token, or null for none
     * @param roles the roles the token grants, or null for a token that must be refused (401)
     */
    static void check(URI base, String caller, String token, Set<Role> roles) throws IOException, InterruptedException {
        List<String> wrong = new ArrayList<>();
        for (Route route : ROUTES) {
            HttpResponse<String> response = send(base, route, token);
            int status = response.statusCode();
            String expected;
            boolean ok;
            if (route.required().isEmpty() || (roles != null && roles.contains(route.required().get()))) {
                expected = route.okStatus() == 0 ? "neither 401 nor 403" : Integer.toString(route.okStatus());
                ok = route.okStatus() == 0 ? status != 401 && status != 403 : status == route.okStatus();
            } else if (token == null || roles == null) {
                expected = "401 with a Bearer challenge";
                ok = status == 401 && response.headers().firstValue("WWW-Authenticate").orElse("")
                        .startsWith("Bearer realm=\"vesalius\"")
                        && (token == null || response.headers().firstValue("WWW-Authenticate").orElse("")
                        .contains("error=\"invalid_token\""));
            } else {
                expected = "403 insufficient_scope";
                ok = status == 403 && response.headers().firstValue("WWW-Authenticate").orElse("")
                        .contains("error=\"insufficient_scope\"");
            }
            if (!ok) {
                wrong.add(caller + ": " + route + " -> " + status + " " + response.headers().firstValue("WWW-Authenticate")
                        .orElse("") + " " + response.body() + ", expected " + expected);
            }
        }
        assertThat(wrong).as("answers that break the role matrix").isEmpty();
    }

    static HttpResponse<String> send(URI base, Route route, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(route.path()))
                .method(route.method(), route.method().equals("POST")
                        ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        if (route.method().equals("POST")) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
