package org.vesalius.server.security;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * How HTTP requests are signed in ({@code vesalius.auth.*}).
 *
 * @param mode      {@link Mode#NONE}: everyone is "anonymous" with every role (loopback or --insecure
 *                  only); {@link Mode#OIDC}: a bearer token from {@code issuer} is required
 * @param issuer    the issuer URL exactly as in the tokens' {@code iss}; its JWKS is found through
 *                  {@code {issuer}/.well-known/openid-configuration}
 * @param audience  this API's name at the issuer: a token is accepted when its {@code aud} contains
 *                  it, or when its {@code azp} is it (Keycloak's tokens for the API client itself)
 * @param clientId  the client whose {@code resource_access.<clientId>.roles} count as roles
 *                  (besides {@code realm_access.roles}); by default the audience
 * @param clockSkew tolerance for {@code exp} and {@code nbf}
 */
public record AuthSettings(Mode mode, URI issuer, String audience, String clientId, Duration clockSkew) {

    public enum Mode { NONE, OIDC }

    public AuthSettings {
        if (mode == Mode.OIDC) {
            if (issuer == null || !issuer.isAbsolute()) {
                throw new IllegalArgumentException("auth.mode oidc needs auth.issuer (VESALIUS_AUTH_ISSUER), an absolute URL");
            }
            if (audience == null || audience.isBlank()) {
                throw new IllegalArgumentException("auth.mode oidc needs auth.audience (VESALIUS_AUTH_AUDIENCE)");
            }
        }
        if (clientId == null || clientId.isBlank()) {
            clientId = audience;
        }
        if (clockSkew == null || clockSkew.isNegative()) {
            throw new IllegalArgumentException("auth.clockskew must be a duration of zero or more");
        }
    }

    public static AuthSettings none() {
        return new AuthSettings(Mode.NONE, null, null, null, Duration.ZERO);
    }

    /** From the configuration's strings; blank strings count as not set. */
    public static AuthSettings of(String mode, String issuer, String audience, String clientId, String clockSkew) {
        Mode parsed;
        try {
            parsed = Mode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("auth.mode must be none or oidc, not " + mode);
        }
        return new AuthSettings(parsed,
                issuer == null || issuer.isBlank() ? null : URI.create(issuer.trim()),
                audience == null ? null : audience.trim(),
                clientId == null ? null : clientId.trim(),
                clockSkew == null || clockSkew.isBlank() ? Duration.ofSeconds(30) : parseDuration(clockSkew.trim()));
    }

    /** "30s", "2m" or an ISO-8601 duration like "PT30S". */
    private static Duration parseDuration(String text) {
        try {
            if (text.matches("\\d+s")) {
                return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
            }
            if (text.matches("\\d+m")) {
                return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
            }
            return Duration.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("auth.clockskew: not a duration (e.g. 30s, 2m, PT30S): " + text);
        }
    }
}
