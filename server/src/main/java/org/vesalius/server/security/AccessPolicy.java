package org.vesalius.server.security;

import io.helidon.http.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every access rule of the HTTP side in one table: which role a request needs, by route family and
 * method. The first matching rule decides; a route nobody wrote a rule for falls to the last two
 * rules (reads need reader, anything else admin), so a new route is never open by accident.
 *
 * <p>Path patterns: {@code *} is one path segment, a trailing {@code **} any number of them (none
 * included). Paths are compared segment by segment, empty segments ignored ({@code //}).
 */
public final class AccessPolicy {

    /**
     * What a request is about, as recorded in the audit trail's action ("GET dicomweb"). Requests of
     * the families that touch no personal data and come in floods (load balancers' health probes,
     * the viewer's script files, CORS preflights) are not audited.
     */
    public enum RouteFamily {
        PREFLIGHT("preflight", false), HEALTH("health", false), OPENAPI("openapi", true), VIEWER("viewer", false),
        DICOMWEB("dicomweb", true), API("api", true), AES("aes", true), AUDIT("audit", true),
        RECONCILE("reconcile", true), OTHER("other", true);

        private final String label;
        private final boolean audited;

        RouteFamily(String label, boolean audited) {
            this.label = label;
            this.audited = audited;
        }

        public String label() {
            return label;
        }

        public boolean audited() {
            return audited;
        }
    }

    /** A rule's outcome: the family and the role needed, empty for routes open to anyone. */
    public record Decision(RouteFamily family, Optional<Role> required) {
    }

    private static final Set<Method> ANY = null;
    private static final Set<Method> READS = Set.of(Method.GET, Method.HEAD);
    private static final Set<Method> OPTIONS = Set.of(Method.OPTIONS);
    private static final Set<Method> DELETE = Set.of(Method.DELETE);
    private static final Role OPEN = null;

    private static final List<Rule> RULES = List.of(
            //        family                  path                                  methods  required
            // Browsers send CORS preflights without credentials (Fetch standard); they read no data.
            new Rule(RouteFamily.PREFLIGHT, "/**",                                  OPTIONS, OPEN),
            new Rule(RouteFamily.HEALTH,    "/health/**",                           ANY,     OPEN),
            new Rule(RouteFamily.OPENAPI,   "/openapi/**",                          ANY,     OPEN),
            // The OHIF build: static files the browser loads before anyone can sign in.
            new Rule(RouteFamily.VIEWER,    "/viewer/**",                           READS,   OPEN),
            new Rule(RouteFamily.AES,       "/api/aes/**",                          ANY,     Role.ADMIN),
            new Rule(RouteFamily.AUDIT,     "/api/audit/**",                        ANY,     Role.ADMIN),
            new Rule(RouteFamily.RECONCILE, "/api/reconcile/**",                    ANY,     Role.ADMIN),
            // Deleting what is archived is for admins; detaching a tag (DELETE .../tags/x) is a write.
            new Rule(RouteFamily.DICOMWEB,  "/dicomweb/studies/**",                 DELETE,  Role.ADMIN),
            new Rule(RouteFamily.API,       "/api/studies/*",                       DELETE,  Role.ADMIN),
            new Rule(RouteFamily.API,       "/api/series/*",                        DELETE,  Role.ADMIN),
            new Rule(RouteFamily.API,       "/api/instances/*",                     DELETE,  Role.ADMIN),
            // Writers may delete images they uploaded themselves: the handler checks the uploader.
            new Rule(RouteFamily.API,       "/api/images/*",                        DELETE,  Role.WRITER),
            new Rule(RouteFamily.DICOMWEB,  "/dicomweb/**",                         READS,   Role.READER),
            new Rule(RouteFamily.DICOMWEB,  "/dicomweb/**",                         ANY,     Role.WRITER),
            new Rule(RouteFamily.API,       "/api/**",                              READS,   Role.READER),
            new Rule(RouteFamily.API,       "/api/**",                              ANY,     Role.WRITER),
            new Rule(RouteFamily.OTHER,     "/**",                                  READS,   Role.READER),
            new Rule(RouteFamily.OTHER,     "/**",                                  ANY,     Role.ADMIN));

    public Decision decide(Method method, String path) {
        List<String> segments = segments(path);
        for (Rule rule : RULES) {
            if ((rule.methods() == ANY || rule.methods().contains(method)) && rule.matches(segments)) {
                return new Decision(rule.family(), Optional.ofNullable(rule.required()));
            }
        }
        throw new IllegalStateException("the last rule matches everything");
    }

    private static List<String> segments(String path) {
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    private record Rule(RouteFamily family, String pattern, Set<Method> methods, Role required) {
        boolean matches(List<String> path) {
            List<String> want = segments(pattern);
            for (int i = 0; i < want.size(); i++) {
                String segment = want.get(i);
                if (segment.equals("**") && i == want.size() - 1) {
                    return true;
                }
                if (i >= path.size() || !(segment.equals("*") || segment.equals(path.get(i)))) {
                    return false;
                }
            }
            return path.size() == want.size();
        }
    }
}
