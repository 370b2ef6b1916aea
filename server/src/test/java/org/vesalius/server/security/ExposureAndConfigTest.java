package org.vesalius.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.common.context.Context;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.server.VesaliusNode;
import org.vesalius.server.config.ConfigLoader;
import org.vesalius.server.config.ServerConfig;

/** The auth configuration (keys, environment variables) and which addresses it allows. */
class ExposureAndConfigTest {
    @TempDir
    Path temp;

    private Map<String, String> flags(Map<String, String> extra) {
        Map<String, String> flags = new HashMap<>(Map.of("vesalius.http.port", "0", "vesalius.dicom.port", "0",
                "vesalius.data.dir", temp.resolve("data").toString()));
        flags.putAll(extra);
        return flags;
    }

    @Test
    void theDefaultIsNoSignInAndTheEnvironmentConfiguresOidc() {
        assertThat(ConfigLoader.load(Map.of(), null, Map.of()).auth().mode()).isEqualTo(AuthSettings.Mode.NONE);

        AuthSettings auth = ConfigLoader.load(Map.of(), null, Map.of(
                "VESALIUS_AUTH_MODE", "oidc",
                "VESALIUS_AUTH_ISSUER", "https://sso.example.org/realms/vesalius",
                "VESALIUS_AUTH_AUDIENCE", "vesalius-api",
                "VESALIUS_AUTH_CLOCKSKEW", "2m")).auth();

        assertThat(auth.mode()).isEqualTo(AuthSettings.Mode.OIDC);
        assertThat(auth.issuer()).hasToString("https://sso.example.org/realms/vesalius");
        assertThat(auth.audience()).isEqualTo("vesalius-api");
        assertThat(auth.clientId()).as("client roles default to the audience's").isEqualTo("vesalius-api");
        assertThat(auth.clockSkew()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void oidcWithoutIssuerOrAudienceIsRefusedAtStartUp() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), null, Map.of("VESALIUS_AUTH_MODE", "oidc",
                "VESALIUS_AUTH_AUDIENCE", "vesalius-api")))
                .hasMessageContaining("VESALIUS_AUTH_ISSUER");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), null, Map.of("VESALIUS_AUTH_MODE", "oidc",
                "VESALIUS_AUTH_ISSUER", "https://sso.example.org/realms/vesalius")))
                .hasMessageContaining("VESALIUS_AUTH_AUDIENCE");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), null, Map.of("VESALIUS_AUTH_MODE", "ldap")))
                .hasMessageContaining("none or oidc");
    }

    @Test
    void anyAddressNeedsSignInForHttpButDicomStaysOnLoopbackUntilTheAeAllowList() throws Exception {
        ServerConfig withoutSignIn = ConfigLoader.load(flags(Map.of("vesalius.http.host", "0.0.0.0",
                "vesalius.dicom.host", "127.0.0.1")), null, Map.of());
        assertThatThrownBy(() -> VesaliusNode.start(withoutSignIn)).hasMessageContaining("without sign-in");

        Map<String, String> oidc = Map.of("VESALIUS_AUTH_MODE", "oidc",
                "VESALIUS_AUTH_ISSUER", "http://127.0.0.1:9/realms/none", "VESALIUS_AUTH_AUDIENCE", "vesalius-api");
        ServerConfig dicomExposed = ConfigLoader.load(flags(Map.of("vesalius.http.host", "0.0.0.0")), null, oidc);
        assertThatThrownBy(() -> VesaliusNode.start(dicomExposed)).hasMessageContaining("calling-AE allow-list");

        ServerConfig signedIn = ConfigLoader.load(flags(Map.of("vesalius.http.host", "0.0.0.0",
                "vesalius.dicom.host", "127.0.0.1")), null, oidc);
        try (VesaliusNode node = VesaliusNode.start(signedIn)) {
            assertThat(node.httpPort()).isPositive();
        }
    }

    @Test
    void otherModulesFindThePrincipalInTheRequestContextByItsJdkType() {
        Context context = Context.create();
        Principal alice = new Principal("a-1", "alice", EnumSet.of(Role.READER));

        context.register(alice);

        assertThat(context.get(java.security.Principal.class)).map(java.security.Principal::getName).contains("alice (a-1)");
        assertThat(context.get(Principal.class)).contains(alice);
    }
}
