package org.vesalius.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.Base64URL;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.server.VesaliusNode;
import org.vesalius.server.config.ConfigLoader;

/**
 * Sign-in against a real OIDC provider (NAV's mock-oauth2-server: discovery, JWKS, RS256-signed
 * tokens) and a real node on free ports: the role matrix for every kind of caller, the audit trail
 * of what happened, and the admin's audit API.
 */
class MockOidcAccessTest {
    private static final String ISSUER_ID = "vesalius";
    private static final String AUDIENCE = "vesalius-api";

    @TempDir
    static Path temp;
    private static MockOAuth2Server oidc;
    private static VesaliusNode node;
    private static URI base;

    @BeforeAll
    static void start() throws Exception {
        oidc = new MockOAuth2Server();
        oidc.start();
        node = VesaliusNode.start(ConfigLoader.load(Map.of(
                "vesalius.http.port", "0",
                "vesalius.dicom.port", "0",
                "vesalius.data.dir", temp.resolve("data").toString()), null, Map.of(
                "VESALIUS_AUTH_MODE", "oidc",
                "VESALIUS_AUTH_ISSUER", oidc.issuerUrl(ISSUER_ID).toString(),
                "VESALIUS_AUTH_AUDIENCE", AUDIENCE,
                "VESALIUS_AUTH_CLOCKSKEW", "5s")));
        base = URI.create("http://127.0.0.1:" + node.httpPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (oidc != null) {
            oidc.shutdown();
        }
    }

    private static String token(String issuerId, String subject, String audience, Map<String, Object> claims, long expirySeconds) {
        return oidc.issueToken(issuerId, subject, audience, claims, expirySeconds).serialize();
    }

    private static Map<String, Object> realmRoles(String user, String... roles) {
        return Map.of("preferred_username", user, "realm_access", Map.of("roles", List.of(roles)));
    }

    @Test
    void eachCallerGetsExactlyTheAnswersItsRolesAllow() throws Exception {
        Set<Role> reader = EnumSet.of(Role.READER);
        Set<Role> writer = EnumSet.of(Role.READER, Role.WRITER);
        Set<Role> admin = EnumSet.allOf(Role.class);

        RoleMatrix.check(base, "no token", null, null);
        RoleMatrix.check(base, "expired", token(ISSUER_ID, "alice-id", AUDIENCE, realmRoles("alice", "admin"), -120), null);
        RoleMatrix.check(base, "other issuer", token("elsewhere", "alice-id", AUDIENCE, realmRoles("alice", "admin"), 300), null);
        RoleMatrix.check(base, "wrong audience", token(ISSUER_ID, "alice-id", "another-api", realmRoles("alice", "admin"), 300), null);
        RoleMatrix.check(base, "not a JWT", "not-a-token", null);
        RoleMatrix.check(base, "tampered", tampered(token(ISSUER_ID, "alice-id", AUDIENCE, realmRoles("alice", "reader"), 300)), null);
        RoleMatrix.check(base, "no role", token(ISSUER_ID, "dave-id", AUDIENCE, realmRoles("dave", "offline_access"), 300), Set.of());
        RoleMatrix.check(base, "reader", token(ISSUER_ID, "alice-id", AUDIENCE, realmRoles("alice", "reader"), 300), reader);
        RoleMatrix.check(base, "writer", token(ISSUER_ID, "bob-id", AUDIENCE, realmRoles("bob", "writer"), 300), writer);
        RoleMatrix.check(base, "admin", token(ISSUER_ID, "carol-id", AUDIENCE, realmRoles("carol", "admin"), 300), admin);
        // Keycloak's shapes: the API client's own token (azp, aud "account") and client roles.
        RoleMatrix.check(base, "azp with client role", oidc.anyToken(oidc.issuerUrl(ISSUER_ID), Map.of(
                "sub", "erin-id", "aud", "account", "azp", AUDIENCE, "preferred_username", "erin",
                "resource_access", Map.of(AUDIENCE, Map.of("roles", List.of("writer")),
                        "other-client", Map.of("roles", List.of("admin")))), Duration.ofMinutes(5)).serialize(), writer);
        RoleMatrix.check(base, "admin role of another client", token(ISSUER_ID, "erin-id", AUDIENCE, Map.of(
                "resource_access", Map.of("other-client", Map.of("roles", List.of("admin")))), 300), Set.of());
    }

    /** The payload swapped for one granting admin, the signature kept: must not verify. */
    private static String tampered(String jwt) {
        String[] parts = jwt.split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8).replace("\"reader\"", "\"admin\"");
        return parts[0] + "." + Base64URL.encode(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    @Test
    void everyRequestIsAuditedWithItsPrincipalAndStatusAndNoTokenIsStored() throws Exception {
        String readerToken = token(ISSUER_ID, "alice-id", AUDIENCE, realmRoles("alice", "reader"), 300);
        String adminToken = token(ISSUER_ID, "carol-id", AUDIENCE, realmRoles("carol", "admin"), 300);
        RoleMatrix.Route studies = new RoleMatrix.Route("GET", "/dicomweb/studies/9.9.9", Optional.of(Role.READER), 0);
        RoleMatrix.Route deletion = new RoleMatrix.Route("DELETE", "/dicomweb/studies/9.9.9", Optional.of(Role.ADMIN), 0);
        int readStatus = RoleMatrix.send(base, studies, readerToken).statusCode();
        assertThat(RoleMatrix.send(base, deletion, readerToken).statusCode()).isEqualTo(403);
        assertThat(RoleMatrix.send(base, deletion, null).statusCode()).isEqualTo(401);

        String alice = audit(adminToken, "user=alice&action=GET%20dicomweb");
        assertThat(alice).contains("\"actor\":\"alice (alice-id)\"", "\"resource\":\"/dicomweb/studies/9.9.9\"",
                "\"status\":\"" + readStatus + "\"", "\"address\":\"127.0.0.1\"");
        // The same user found by token subject; the refused delete recorded with its reason.
        String aliceDeletes = audit(adminToken, "user=alice-id&action=DELETE");
        assertThat(aliceDeletes).contains("\"status\":\"403\"", "\"outcome\":\"FAILURE\"", "needs the role admin");
        assertThat(audit(adminToken, "user=anonymous&action=DELETE")).contains("\"status\":\"401\"", "a bearer token is required");

        try (Statement statement = node.archive().database().dataSource().getConnection().createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM audit_event WHERE detail LIKE '%"
                     + readerToken.substring(0, 20) + "%' OR resource LIKE '%" + readerToken.substring(0, 20) + "%'")) {
            rows.next();
            assertThat(rows.getInt(1)).as("audit records holding token text").isZero();
        }
    }

    @Test
    void theAuditApiPagesAndRefusesBadParameters() throws Exception {
        String adminToken = token(ISSUER_ID, "carol-id", AUDIENCE, realmRoles("carol", "admin"), 300);
        RoleMatrix.Route health = new RoleMatrix.Route("GET", "/api/search", Optional.of(Role.READER), 0);
        for (int i = 0; i < 3; i++) {
            RoleMatrix.send(base, health, adminToken);
        }
        String page = audit(adminToken, "user=carol&action=GET%20api&limit=2&offset=1&from=2000-01-01&to=2999-12-31");
        assertThat(page).matches("\\{\"items\":\\[\\{.*},\\{.*}],\"total\":[3-9]\\d*}");

        for (String bad : List.of("limit=abc", "limit=100000", "offset=-1", "from=yesterday")) {
            HttpResponse<String> response = RoleMatrix.send(base, new RoleMatrix.Route("GET", "/api/audit?" + bad,
                    Optional.of(Role.ADMIN), 0), adminToken);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(response.body()).contains("\"error\":\"bad_request\"");
        }
    }

    @Test
    void writersDeleteOnlyTheImagesTheyUploadedAndAdminsAnyImage() throws Exception {
        String bob = token(ISSUER_ID, "bob-id", AUDIENCE, realmRoles("bob", "writer"), 300);
        String dave = token(ISSUER_ID, "dave-id", AUDIENCE, realmRoles("dave", "writer"), 300);
        String carol = token(ISSUER_ID, "carol-id", AUDIENCE, realmRoles("carol", "admin"), 300);
        byte[] volume = org.vesalius.storage.images.NiftiFiles.nifti1(new int[]{4, 4, 2},
                new float[]{1, 1, 1}, java.nio.ByteOrder.LITTLE_ENDIAN, new int[]{1, 1, 1});
        String first = upload(bob, volume);
        String second = upload(bob, volume);

        assertThat(delete(dave, first).statusCode()).as("another writer").isEqualTo(403);
        assertThat(delete(bob, first).statusCode()).as("its uploader").isEqualTo(204);
        assertThat(delete(carol, second).statusCode()).as("an admin").isEqualTo(204);
        assertThat(delete(bob, second).statusCode()).as("already gone").isEqualTo(404);
    }

    private static String upload(String token, byte[] body) throws Exception {
        HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(base.resolve("/api/subjects/subject-1/images"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/octet-stream")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(response.body());
        assertThat(id.find()).as(response.body()).isTrue();
        return id.group(1);
    }

    private static HttpResponse<String> delete(String token, String imageId) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(base.resolve("/api/images/" + imageId))
                        .header("Authorization", "Bearer " + token).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String audit(String token, String query) throws Exception {
        HttpResponse<String> response = RoleMatrix.send(base, new RoleMatrix.Route("GET", "/api/audit?" + query,
                Optional.of(Role.ADMIN), 200), token);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }
}
