package org.vesalius.dicomweb;

import io.helidon.webserver.http.ServerRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.vesalius.storage.audit.Origin;

/** Who a DICOMweb request acts for (invariant 6), recorded with what it stores and in the audit trail. */
public final class RequestOrigin {
    private RequestOrigin() {
    }

    public static Origin of(ServerRequest request) {
        return Origin.http(principal(request), address(request));
    }

    /**
     * The signed-in principal as the server's access filter put it in the request context
     * ("alice (subject)"), read by its JDK type since this module cannot see the server's; without
     * sign-in (auth.mode none) everyone is "anonymous".
     */
    static String principal(ServerRequest request) {
        return request.context().get(java.security.Principal.class)
                .map(java.security.Principal::getName)
                .orElse("anonymous");
    }

    private static String address(ServerRequest request) {
        SocketAddress address = request.remotePeer().address();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return request.remotePeer().host();
    }
}
