package org.vesalius.server.security;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Keycloak: the distribution the build unpacks into target/keycloak (system property
 * keycloak.home, see server/pom.xml), started with {@code kc.sh start-dev --import-realm} on free
 * ports with conf/keycloak/realm.json, on the JVM running the tests. Its dev database is deleted
 * first, so each start imports the realm afresh.
 */
final class KeycloakFixture implements AutoCloseable {
    static final String REALM = "vesalius";
    static final String API_CLIENT = "vesalius-api";
    static final String API_SECRET = "change-me-vesalius-api-secret";
    static final String BOOTSTRAP_ADMIN = "bootstrap-admin";
    static final String BOOTSTRAP_PASSWORD = "bootstrap-password";
    private static final Duration START_DEADLINE = Duration.ofMinutes(3);

    private final Process process;
    private final Path log;
    /** Stops Keycloak should the test JVM end without close() (a killed build). */
    private final Thread reaper;
    final URI base;

    private KeycloakFixture(Process process, Path log, URI base) {
        this.process = process;
        this.log = log;
        this.base = base;
        this.reaper = new Thread(this::killForcibly, "keycloak-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    static KeycloakFixture start(Path realmJson) throws IOException, InterruptedException {
        String homeProperty = System.getProperty("keycloak.home");
        if (homeProperty == null || !Files.isRegularFile(Path.of(homeProperty, "bin", "kc.sh"))) {
            throw new IllegalStateException("no Keycloak distribution at keycloak.home=" + homeProperty
                    + "; run the tests through Maven (server/pom.xml unpacks org.keycloak:keycloak-quarkus-dist)");
        }
        Path home = Path.of(homeProperty);
        deleteTree(home.resolve("data"));
        Files.createDirectories(home.resolve("data/import"));
        Files.copy(realmJson, home.resolve("data/import/realm.json"), StandardCopyOption.REPLACE_EXISTING);
        int port = freePort();
        int managementPort = freePort();
        Path log = Files.createTempFile("keycloak", ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + managementPort,
                "--import-realm", "--cache=local")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", BOOTSTRAP_ADMIN);
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", BOOTSTRAP_PASSWORD);
        KeycloakFixture keycloak = new KeycloakFixture(builder.start(), log, URI.create("http://127.0.0.1:" + port));
        try {
            keycloak.awaitRealm();
        } catch (RuntimeException | IOException | InterruptedException e) {
            keycloak.close();
            throw e;
        }
        return keycloak;
    }

    URI issuer() {
        return base.resolve("/realms/" + REALM);
    }

    /** Ready means: the realm's discovery document is served, i.e. the import has run. */
    private void awaitRealm() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI discovery = URI.create(issuer() + "/.well-known/openid-configuration");
        Instant deadline = Instant.now().plus(START_DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                if (http.send(HttpRequest.newBuilder(discovery).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("Keycloak did not serve " + discovery + " within " + START_DEADLINE + ":\n" + tail());
    }

    /** The password grant at the API client: an access token for one of the realm's example users. */
    String passwordGrant(String user, String password) throws IOException, InterruptedException {
        return token(issuer(), Map.of("grant_type", "password", "client_id", API_CLIENT, "client_secret", API_SECRET,
                "username", user, "password", password, "scope", "openid"));
    }

    /** A genuine token of another issuer: the bootstrap admin in Keycloak's master realm. */
    String masterRealmToken() throws IOException, InterruptedException {
        return token(base.resolve("/realms/master"), Map.of("grant_type", "password", "client_id", "admin-cli",
                "username", BOOTSTRAP_ADMIN, "password", BOOTSTRAP_PASSWORD));
    }

    static String token(URI issuer, Map<String, String> form) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(issuer + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token request at " + issuer + " failed: " + response.statusCode() + " " + response.body());
        }
        try {
            return (String) JSONObjectUtils.parse(response.body()).get("access_token");
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("not JSON: " + response.body(), e);
        }
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private String tail() throws IOException {
        var lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        // kc.sh passes SIGTERM on to Keycloak's JVM; if that does not end in time, kill both.
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                killForcibly();
            }
        } catch (InterruptedException e) {
            killForcibly();
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().removeShutdownHook(reaper);
        Files.deleteIfExists(log);
    }

    private void killForcibly() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
