package org.vesalius.server.security;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Sign-in and access control for every HTTP route: the {@link AccessPolicy} says which role a
 * request needs; the bearer token ({@code auth.mode: oidc}) says who asks and with which roles.
 * Answers (RFC 6750): 401 with {@code WWW-Authenticate} for a missing or unacceptable token, 403
 * for a valid token without the role, 503 while the issuer's keys cannot be fetched. The principal
 * of an accepted request is put into the request context ({@link Principals}).
 *
 * <p>With {@code auth.mode: none} (loopback or --insecure only) every request is
 * {@link Principal#ANONYMOUS_UNRESTRICTED}.
 */
public final class AccessFilter implements Filter {
    private static final System.Logger LOG = System.getLogger(AccessFilter.class.getName());
    private static final String REALM = "vesalius";
    private static final String BEARER = "bearer ";

    private final AccessPolicy policy;
    private final TokenVerifier verifier;

    /** @param verifier null for {@code auth.mode: none} */
    private AccessFilter(AccessPolicy policy, TokenVerifier verifier) {
        this.policy = policy;
        this.verifier = verifier;
    }

    public static AccessFilter create(AuthSettings settings, AccessPolicy policy) {
        return new AccessFilter(policy, settings.mode() == AuthSettings.Mode.OIDC ? new TokenVerifier(settings) : null);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        if (verifier == null) {
            Principals.set(request, Principal.ANONYMOUS_UNRESTRICTED);
            chain.proceed();
            return;
        }
        Optional<Role> required = policy.decide(request.prologue().method(), request.path().path()).required();
        if (required.isEmpty()) {
            chain.proceed();
            return;
        }
        Optional<String> token = bearerToken(request);
        if (token.isEmpty()) {
            // RFC 6750, 3.1: a request without credentials gets the challenge without an error code.
            refuse(request, response, Status.UNAUTHORIZED_401, "Bearer realm=\"" + REALM + "\"",
                    "invalid_request", "a bearer token is required");
            return;
        }
        Principal principal;
        try {
            principal = verifier.verify(token.get());
        } catch (InvalidTokenException e) {
            LOG.log(Level.INFO, "refused a token from {0} for {1} {2}: {3}", request.remotePeer().host(),
                    request.prologue().method().text(), request.path().path(), e.getMessage());
            refuse(request, response, Status.UNAUTHORIZED_401, challenge("invalid_token", e.getMessage()),
                    "invalid_token", e.getMessage());
            return;
        } catch (TokenVerifier.IdentityProviderUnavailable e) {
            LOG.log(Level.WARNING, "cannot check tokens, the keys of the identity provider are not available: {0}", e.getMessage());
            response.header(HeaderNames.RETRY_AFTER, "10");
            refuse(request, response, Status.SERVICE_UNAVAILABLE_503, null, "temporarily_unavailable",
                    "the sign-in provider cannot be reached; try again shortly");
            return;
        }
        Principals.set(request, principal);
        if (!principal.has(required.get())) {
            String reason = "needs the role " + required.get().roleName();
            refuse(request, response, Status.FORBIDDEN_403, challenge("insufficient_scope", reason), "insufficient_scope", reason);
            return;
        }
        chain.proceed();
    }

    private static Optional<String> bearerToken(RoutingRequest request) {
        return request.headers().first(HeaderNames.AUTHORIZATION)
                .filter(value -> value.regionMatches(true, 0, BEARER, 0, BEARER.length()))
                .map(value -> value.substring(BEARER.length()).trim())
                .filter(value -> !value.isEmpty());
    }

    private static String challenge(String error, String description) {
        return "Bearer realm=\"" + REALM + "\", error=\"" + error + "\", error_description=\"" + quotable(description) + "\"";
    }

    /** RFC 6750 allows only %x20-21 / %x23-5B / %x5D-7E inside error_description. */
    private static String quotable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? (char) c : '\''));
        return out.toString();
    }

    private static void refuse(RoutingRequest request, RoutingResponse response, Status status, String challenge,
                               String error, String reason) {
        request.context().register(new Refusal(error + ": " + reason));
        if (challenge != null) {
            response.header(HeaderNames.WWW_AUTHENTICATE, challenge);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("reason", reason);
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(JSONObjectUtils.toJSONString(body).getBytes(StandardCharsets.UTF_8));
    }


    /** Why this filter refused a request, for the audit trail (never any token content). */
    public record Refusal(String reason) {
        public static Optional<Refusal> of(io.helidon.webserver.http.ServerRequest request) {
            return request.context().get(Refusal.class);
        }
    }
}
