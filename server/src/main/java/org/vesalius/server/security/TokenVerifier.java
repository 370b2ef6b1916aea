package org.vesalius.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Clock;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks an OIDC access token (a signed JWT) and turns it into a {@link Principal}: signature with
 * the issuer's keys (RSA, RSA-PSS or EC; never "none" or HMAC), {@code iss} exactly the configured
 * issuer, {@code exp} and {@code nbf} with the configured clock skew, and the audience.
 *
 * <p>Audience: accepted when {@code aud} contains the configured audience, or when {@code azp} equals
 * it. The second form is how Keycloak issues tokens: a token a client gets for itself names that
 * client in {@code azp}, and its {@code aud} lists only other clients ("account"). Tokens of other
 * clients (e.g. the OHIF viewer) carry the API in {@code aud} through an audience mapper (see
 * conf/keycloak/realm.json).
 *
 * <p>Roles: {@code realm_access.roles} and {@code resource_access.<clientId>.roles} named
 * reader, writer or admin; other role names are ignored.
 */
public final class TokenVerifier {
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 5_000;
    private static final int SIZE_LIMIT = 512 * 1024;

    private final AuthSettings settings;
    private final DefaultJWTProcessor<SecurityContext> processor;

    public TokenVerifier(AuthSettings settings) {
        this.settings = settings;
        IssuerKeys keys = new IssuerKeys(settings.issuer(),
                new DefaultResourceRetriever(CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, SIZE_LIMIT), Clock.systemUTC());
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                null, // the audience is checked below: aud or azp
                new JWTClaimsSet.Builder().issuer(settings.issuer().toString()).build(),
                Set.of("sub", "exp"),
                null);
        claims.setMaxClockSkew(Math.toIntExact(settings.clockSkew().toSeconds()));
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        processor.setJWTClaimsSetVerifier(claims);
    }

    /**
     * @throws InvalidTokenException         the token is malformed, forged, expired, or for someone else
     * @throws IdentityProviderUnavailable the issuer's keys cannot be had right now
     */
    public Principal verify(String token) throws InvalidTokenException, IdentityProviderUnavailable {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (RateLimitReachedException e) {
            // The token names a key the cached set lacks, and the set was fetched moments ago: a token
            // signed by someone else, not an outage.
            throw new InvalidTokenException("no key of the issuer matches the token");
        } catch (KeySourceException e) {
            throw new IdentityProviderUnavailable(e.getMessage(), e);
        } catch (ParseException e) {
            throw new InvalidTokenException("not a signed JWT");
        } catch (BadJOSEException | JOSEException e) {
            throw new InvalidTokenException(e.getMessage());
        }
        if (!audienceMatches(claims)) {
            throw new InvalidTokenException("the token is not meant for " + settings.audience()
                    + " (neither in aud nor as azp)");
        }
        return new Principal(claims.getSubject(), displayName(claims), roles(claims));
    }

    private boolean audienceMatches(JWTClaimsSet claims) {
        return claims.getAudience().contains(settings.audience())
                || settings.audience().equals(claims.getClaim("azp"));
    }

    private static String displayName(JWTClaimsSet claims) {
        for (String claim : List.of("preferred_username", "name")) {
            if (claims.getClaim(claim) instanceof String name && !name.isBlank()) {
                return name;
            }
        }
        return claims.getSubject();
    }

    private Set<Role> roles(JWTClaimsSet claims) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        addRoles(claims.getClaim("realm_access"), roles);
        if (claims.getClaim("resource_access") instanceof Map<?, ?> resources) {
            addRoles(resources.get(settings.clientId()), roles);
        }
        Set<Role> withIncluded = EnumSet.noneOf(Role.class);
        roles.forEach(role -> withIncluded.addAll(role.withIncluded()));
        return withIncluded;
    }

    /** Keycloak's shape: {@code {"roles": ["reader", ...]}}. */
    private static void addRoles(Object access, Set<Role> into) {
        if (access instanceof Map<?, ?> map && map.get("roles") instanceof Collection<?> names) {
            for (Object name : names) {
                if (name instanceof String roleName) {
                    Role.ofRoleName(roleName).ifPresent(into::add);
                }
            }
        }
    }

    /** The issuer's keys could not be fetched: the request cannot be decided now (503, not 401). */
    public static final class IdentityProviderUnavailable extends Exception {
        IdentityProviderUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
