package org.vesalius.server.security;

import io.helidon.webserver.http.ServerRequest;

/**
 * The one place handlers get a request's {@link Principal} from. The {@link AccessFilter} puts it
 * into the request context before any route runs.
 *
 * <p>Modules that cannot depend on the server module read the same value by its JDK type:
 * {@code request.context().get(java.security.Principal.class).map(java.security.Principal::getName).orElse("anonymous")}.
 */
public final class Principals {
    private Principals() {
    }

    /** The request's principal; "anonymous" when nobody signed in (auth.mode none, open routes). */
    public static Principal of(ServerRequest request) {
        return request.context().get(Principal.class).orElse(Principal.ANONYMOUS);
    }

    static void set(ServerRequest request, Principal principal) {
        request.context().register(principal);
    }
}
