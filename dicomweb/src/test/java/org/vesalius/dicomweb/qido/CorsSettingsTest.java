package org.vesalius.dicomweb.qido;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.vesalius.dicomweb.cors.CorsSettings;

class CorsSettingsTest {

    @Test
    void loopbackDefaultAllowsLocalPagesOnAnyPortOnly() {
        CorsSettings settings = CorsSettings.LOOPBACK;
        assertThat(settings.allows("http://localhost:3000")).isTrue();
        assertThat(settings.allows("http://127.0.0.1:8042")).isTrue();
        assertThat(settings.allows("http://[::1]:5000")).isTrue();
        assertThat(settings.allows("http://localhost.evil.example:3000")).isFalse();
        assertThat(settings.allows("http://localhost:3000.evil.example")).isFalse();
        assertThat(settings.allows("https://viewer.example.org")).isFalse();
        assertThat(settings.allows("null")).isFalse();
    }

    @Test
    void parsesTheConfiguredListAndTheWildcard() {
        assertThat(CorsSettings.parse(" https://a.example , https://b.example:8443 ,").origins())
                .containsExactly("https://a.example", "https://b.example:8443");
        assertThat(CorsSettings.parse("https://a.example").allows("HTTPS://A.EXAMPLE")).isTrue();
        assertThat(CorsSettings.parse("*").allows("https://anything.example")).isTrue();
        assertThat(CorsSettings.parse("").allows("http://localhost:3000")).isFalse();
    }
}
