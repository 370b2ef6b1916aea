package org.vesalius.server.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.dimse.aes.AeRegistry;
import org.vesalius.dimse.export.Exporter;
import org.vesalius.dimse.export.InstanceResolver;
import org.vesalius.dimse.export.InstanceSender;
import org.vesalius.dimse.export.StoreScu;
import org.vesalius.server.Archive;
import org.vesalius.server.VesaliusNode;
import org.vesalius.server.aes.AeRoutes;
import org.vesalius.server.aes.ExportRoutes;
import org.vesalius.server.annotation.AnnotationService;
import org.vesalius.server.api.ApiService;
import org.vesalius.server.audit.AuditRoutes;
import org.vesalius.server.config.ConfigLoader;
import org.vesalius.server.config.ServerConfig;
import org.vesalius.server.convert.ConvertService;
import org.vesalius.server.health.HealthService;
import org.vesalius.server.imaging.ImageViewsService;
import org.vesalius.storage.audit.AuditQuery;
import org.vesalius.storage.images.ImageRepository;
import org.vesalius.storage.query.QueryEngine;
import org.yaml.snakeyaml.Yaml;

/**
 * Keeps {@code /openapi} true both ways: every route of the REST services is documented, and
 * every documented operation reaches one of our handlers on a running node.
 */
class OpenApiRoutesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @TempDir
    static Path temp;
    private static ServerConfig config;
    private static VesaliusNode node;
    private static Map<String, Object> document;

    @BeforeAll
    static void start() throws Exception {
        config = ConfigLoader.load(Map.of(
                "vesalius.http.port", "0",
                "vesalius.dicom.port", "0",
                "vesalius.data.dir", temp.resolve("data").toString()), null, Map.of());
        node = VesaliusNode.start(config);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/openapi")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/yaml");
        document = new Yaml().load(response.body());
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    @Test
    void theDocumentIsOpenApi3() {
        assertThat(String.valueOf(document.get("openapi"))).startsWith("3.");
        assertThat(map(document.get("info"))).containsKeys("title", "version");
        assertThat(documented()).isNotEmpty();
    }

    /**
     * The services VesaliusNode mounts under /api and at /health, built the same way, with their
     * mounts. A service added there must be added here too (the other test catches a route that
     * is documented but not mounted, not one that is mounted but neither documented nor listed).
     */
    private static List<Map.Entry<String, HttpService>> services() {
        Archive archive = node.archive();
        Path tempDir = temp.resolve("services");
        List<Map.Entry<String, HttpService>> services = new ArrayList<>();
        services.add(Map.entry("/api/audit", new AuditRoutes(new AuditQuery(archive.database(), archive.auditLog()))));
        AeRegistry aes = new AeRegistry(archive.database(), Clock.systemUTC());
        services.add(Map.entry("/api/aes", new AeRoutes(aes)));
        services.add(Map.entry("/api", new ExportRoutes(new Exporter(config.aeTitle(),
                new InstanceResolver(new QueryEngine(archive.database()), archive.index()),
                new InstanceSender(archive.blobStore()), aes, StoreScu.Timeouts.DEFAULT))));
        services.add(Map.entry("/health", new HealthService(archive.database(), archive.blobStore())));
        long maxBytes = config.ingest().maxObjectBytes();
        services.add(Map.entry("/api/convert", new ConvertService(tempDir.resolve("convert"), maxBytes)));
        services.add(Map.entry("/api/images", new ImageViewsService(
                new ImageRepository(archive.database(), Clock.systemUTC()), archive.index(), archive.blobStore(),
                tempDir.resolve("images"), "/dicomweb")));
        services.add(Map.entry("/api/instances", new AnnotationService(archive.index(), archive.blobStore(),
                archive.ingest(), tempDir.resolve("annotation"), "/dicomweb")));
        services.add(Map.entry("/api", new ApiService(archive.database(), archive.blobStore(), archive.index(),
                archive.ingest(), archive.auditLog(), config.subjectAttribute(), maxBytes, tempDir.resolve("api"),
                config.api())));
        return services;
    }

    @Test
    void everyRegisteredRouteIsDocumented() {
        Set<String> registered = new TreeSet<>();
        services().forEach(mounted -> mounted.getValue().routing(new Recorder(mounted.getKey(), registered)));
        assertThat(registered).hasSizeGreaterThan(30);
        assertThat(normalized(documented())).containsAll(registered);
    }

    @Test
    void everyDocumentedOperationReachesAHandler() throws Exception {
        for (String operation : documented()) {
            String method = operation.substring(0, operation.indexOf(' '));
            String path = operation.substring(operation.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "x");
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(path))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            // Helidon's router answers 404/405 with a plain-text body; every handler of ours
            // answers JSON, a picture or an empty success.
            boolean routerMiss = (response.statusCode() == 404 || response.statusCode() == 405)
                    && !response.headers().firstValue("Content-Type").orElse("").contains("json");
            assertThat(routerMiss).as(operation + " answered " + response.statusCode() + " " + response.body()).isFalse();
        }
    }

    /** "GET /api/images/{id}" for every operation of the document, path item $refs resolved. */
    private static List<String> documented() {
        List<String> operations = new ArrayList<>();
        map(document.get("paths")).forEach((path, item) -> {
            Map<String, Object> resolved = map(item);
            if (resolved.containsKey("$ref")) {
                resolved = resolve((String) resolved.get("$ref"));
            }
            resolved.keySet().stream().filter(METHODS::contains)
                    .forEach(method -> operations.add(method.toUpperCase(Locale.ROOT) + " " + path));
        });
        return operations;
    }

    private static Map<String, Object> resolve(String ref) {
        assertThat(ref).startsWith("#/");
        Object node = document;
        for (String part : ref.substring(2).split("/")) {
            node = map(node).get(part);
            assertThat(node).as(ref).isNotNull();
        }
        return map(node);
    }

    private static Set<String> normalized(List<String> operations) {
        Set<String> set = new TreeSet<>();
        operations.forEach(operation -> set.add(operation.replaceAll("\\{[^}]+}", "{}")));
        return set;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + node.httpPort() + path);
    }

    /**
     * Records "METHOD /mount/path" for every route a service registers: the get/post/... defaults
     * of HttpRules all end in {@link #route(Method, String, Handler)}.
     */
    private record Recorder(String mount, Set<String> routes) implements HttpRules {
        @Override
        public HttpRules route(Method method, String pathPattern, Handler handler) {
            String path = pathPattern.equals("/") ? mount : mount + pathPattern;
            routes.add(method.text() + " " + path.replaceAll("\\{[^}]+}", "{}"));
            return this;
        }

        @Override
        public HttpRules route(HttpRoute route) {
            throw new UnsupportedOperationException("a route the recorder cannot read: " + route);
        }

        @Override
        public HttpRules register(HttpService... services) {
            throw new UnsupportedOperationException("nested services are not recorded");
        }

        @Override
        public HttpRules register(String pathPattern, HttpService... services) {
            for (HttpService service : services) {
                service.routing(new Recorder(mount + pathPattern, routes));
            }
            return this;
        }
    }
}
