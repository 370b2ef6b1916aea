package org.vesalius.server.security;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The issuer's signing keys. The JWKS address is discovered from
 * {@code {issuer}/.well-known/openid-configuration} on first use (so the server starts even while
 * the identity provider is still starting); from then on Nimbus' {@link JWKSourceBuilder} source
 * caches the keys, refetches them when a token names an unknown {@code kid} (key rotation), and
 * never fetches more often than the rate limit allows.
 */
final class IssuerKeys implements JWKSource<SecurityContext> {
    /** After a failed discovery, requests fail fast for this long instead of each asking the issuer again. */
    private static final Duration DISCOVERY_RETRY = Duration.ofSeconds(5);
    private static final long KEYS_TIME_TO_LIVE_MS = Duration.ofMinutes(15).toMillis();
    private static final long KEYS_REFRESH_TIMEOUT_MS = Duration.ofSeconds(15).toMillis();
    private static final long MIN_FETCH_INTERVAL_MS = Duration.ofSeconds(30).toMillis();

    private final URI issuer;
    private final ResourceRetriever retriever;
    private final Clock clock;
    private JWKSource<SecurityContext> keys;
    private Instant discoveryFailedAt;
    private KeySourceException discoveryFailure;

    IssuerKeys(URI issuer, ResourceRetriever retriever, Clock clock) {
        this.issuer = issuer;
        this.retriever = retriever;
        this.clock = clock;
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        return keys().get(selector, context);
    }

    private synchronized JWKSource<SecurityContext> keys() throws KeySourceException {
        if (keys != null) {
            return keys;
        }
        if (discoveryFailedAt != null && clock.instant().isBefore(discoveryFailedAt.plus(DISCOVERY_RETRY))) {
            throw discoveryFailure;
        }
        try {
            keys = JWKSourceBuilder.create(discoverJwksUri(), retriever)
                    .cache(KEYS_TIME_TO_LIVE_MS, KEYS_REFRESH_TIMEOUT_MS)
                    .rateLimited(MIN_FETCH_INTERVAL_MS)
                    .build();
            discoveryFailedAt = null;
            return keys;
        } catch (KeySourceException e) {
            discoveryFailedAt = clock.instant();
            discoveryFailure = e;
            throw e;
        }
    }

    private URL discoverJwksUri() throws KeySourceException {
        String base = issuer.toString().endsWith("/") ? issuer.toString() : issuer + "/";
        URI discovery = URI.create(base + ".well-known/openid-configuration");
        try {
            Map<String, Object> metadata = JSONObjectUtils.parse(retriever.retrieveResource(discovery.toURL()).getContent());
            // OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer it was asked for.
            Object named = metadata.get("issuer");
            if (!issuer.toString().equals(named)) {
                throw new KeySourceException(discovery + " names the issuer " + named + ", expected " + issuer);
            }
            if (!(metadata.get("jwks_uri") instanceof String jwksUri)) {
                throw new KeySourceException(discovery + " has no jwks_uri");
            }
            return URI.create(jwksUri).toURL();
        } catch (IOException | ParseException | IllegalArgumentException e) {
            throw new KeySourceException("cannot read the OpenID configuration " + discovery + ": " + e.getMessage(), e);
        }
    }
}
