package org.vesalius.server.audit;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import org.vesalius.dicomweb.RequestOrigin;
import org.vesalius.server.security.AccessFilter;
import org.vesalius.server.security.AccessPolicy;
import org.vesalius.server.security.Principals;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.audit.Origin;

/**
 * One audit record per HTTP request (invariant 6), written after the response, whatever its
 * outcome: refused by sign-in (401, 403), failed, or served. Registered before the
 * {@link AccessFilter} so that it also sees the requests that filter refuses.
 *
 * <p>Recorded: the principal's name ("anonymous" when nobody signed in) and remote address, the
 * action "METHOD family" (e.g. "GET dicomweb", families from {@link AccessPolicy}), the path as
 * resource (without the query string), the HTTP status, and why the request was refused, if it
 * was. Never the Authorization header or anything else from the token. Health probes, the viewer's
 * static files and CORS preflights are not recorded ({@link AccessPolicy.RouteFamily#audited()}).
 */
public final class AuditFilter implements Filter {
    private final AuditLog auditLog;
    private final AccessPolicy policy;

    public AuditFilter(AuditLog auditLog, AccessPolicy policy) {
        this.auditLog = auditLog;
        this.policy = policy;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        String path = request.path().path();
        AccessPolicy.RouteFamily family = policy.decide(request.prologue().method(), path).family();
        if (!family.audited()) {
            chain.proceed();
            return;
        }
        RuntimeException failure = null;
        try {
            chain.proceed();
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            // Routing answers handler exceptions itself, so an exception here means the exchange broke
            // off (e.g. the client went away mid-stream): recorded as a failure with the status sent, if any.
            int status = response.status().code();
            boolean succeeded = failure == null && status < 400;
            String detail = failure != null ? "broken off: " + failure.getClass().getSimpleName()
                    : AccessFilter.Refusal.of(request).map(AccessFilter.Refusal::reason).orElse(null);
            Origin origin = Origin.http(Principals.of(request).getName(), RequestOrigin.of(request).address());
            auditLog.record(origin, request.prologue().method().text() + " " + family.label(), path,
                    succeeded ? AuditLog.Outcome.SUCCESS : AuditLog.Outcome.FAILURE, Integer.toString(status), detail);
        }
    }
}
