package org.vesalius.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.Base64URL;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.server.VesaliusNode;
import org.vesalius.server.config.ConfigLoader;

/**
 * Sign-in with a real Keycloak (conf/keycloak/realm.json imported): the role matrix with the
 * example users' tokens, a token of another realm, and the OHIF client's sign-in (authorization
 * code flow with PKCE through Keycloak's login form), whose token the archive accepts by its
 * audience mapper.
 */
class KeycloakSignInTest {
    static final Path REALM_JSON = Path.of("../conf/keycloak/realm.json");

    @TempDir
    static Path temp;
    private static KeycloakFixture keycloak;
    private static VesaliusNode node;
    private static URI base;

    @BeforeAll
    static void start() throws Exception {
        keycloak = KeycloakFixture.start(REALM_JSON);
        node = VesaliusNode.start(ConfigLoader.load(Map.of(
                "vesalius.http.port", "0",
                "vesalius.dicom.port", "0",
                "vesalius.data.dir", temp.resolve("data").toString()), null, Map.of(
                "VESALIUS_AUTH_MODE", "oidc",
                "VESALIUS_AUTH_ISSUER", keycloak.issuer().toString(),
                "VESALIUS_AUTH_AUDIENCE", KeycloakFixture.API_CLIENT)));
        base = URI.create("http://127.0.0.1:" + node.httpPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @Test
    void theExampleUsersGetExactlyWhatTheirRolesAllow() throws Exception {
        RoleMatrix.check(base, "no token", null, null);
        RoleMatrix.check(base, "master realm", keycloak.masterRealmToken(), null);
        RoleMatrix.check(base, "alice", keycloak.passwordGrant("alice", "alice-password"), EnumSet.of(Role.READER));
        RoleMatrix.check(base, "bob", keycloak.passwordGrant("bob", "bob-password"), EnumSet.of(Role.READER, Role.WRITER));
        RoleMatrix.check(base, "carol", keycloak.passwordGrant("carol", "carol-password"), EnumSet.allOf(Role.class));
    }

    @Test
    void aTokenOfTheOhifClientSignedInWithPkceIsAccepted() throws Exception {
        String token = ohifSignIn("alice", "alice-password");

        RoleMatrix.Route read = new RoleMatrix.Route("GET", "/dicomweb/studies/1.2.3", Optional.of(Role.READER), 0);
        RoleMatrix.Route write = new RoleMatrix.Route("POST", "/dicomweb/studies", Optional.of(Role.WRITER), 0);
        assertThat(RoleMatrix.send(base, read, token).statusCode()).isNotIn(401, 403);
        assertThat(RoleMatrix.send(base, write, token).statusCode()).isEqualTo(403);
        assertThat(Set.of(RoleMatrix.send(base, read, token + "x").statusCode())).containsExactly(401);
    }

    /** What OHIF's oidc client does in the browser: login page, credentials, redirect with code, code + verifier for tokens. */
    private static String ohifSignIn(String user, String password) throws Exception {
        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String verifier = Base64URL.encode(random).toString();
        String challenge = Base64URL.encode(MessageDigest.getInstance("SHA-256")
                .digest(verifier.getBytes(StandardCharsets.US_ASCII))).toString();
        String redirect = "http://localhost:3000/viewer/callback";
        URI authorize = URI.create(keycloak.issuer() + "/protocol/openid-connect/auth?" + KeycloakFixture.form(Map.of(
                "client_id", "ohif", "response_type", "code", "scope", "openid", "redirect_uri", redirect,
                "state", "s1", "code_challenge", challenge, "code_challenge_method", "S256")));

        HttpResponse<String> loginPage = browser.send(HttpRequest.newBuilder(authorize).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(loginPage.statusCode()).as(loginPage.body()).isEqualTo(200);
        Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(loginPage.body());
        assertThat(action.find()).as("login form in " + loginPage.body()).isTrue();
        HttpResponse<String> loggedIn = browser.send(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookies(loginPage))
                .POST(HttpRequest.BodyPublishers.ofString(KeycloakFixture.form(Map.of(
                        "username", user, "password", password, "credentialId", "")))).build(),
                HttpResponse.BodyHandlers.ofString());
        String location = loggedIn.headers().firstValue("Location").orElseThrow(
                () -> new AssertionError("no redirect after login: " + loggedIn.statusCode() + " " + loggedIn.body()));
        assertThat(location).startsWith(redirect);
        Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
        assertThat(code.find()).as(location).isTrue();

        return KeycloakFixture.token(keycloak.issuer(), Map.of("grant_type", "authorization_code", "client_id", "ohif",
                "code", code.group(1), "redirect_uri", redirect, "code_verifier", verifier));
    }

    /**
     * The login session's cookies, sent back by hand: Keycloak marks them Secure even on plain HTTP
     * (browsers treat localhost as secure), which java.net.CookieManager would not send.
     */
    private static String cookies(HttpResponse<?> response) {
        return response.headers().allValues("Set-Cookie").stream()
                .map(cookie -> cookie.split(";", 2)[0])
                .collect(java.util.stream.Collectors.joining("; "));
    }
}
