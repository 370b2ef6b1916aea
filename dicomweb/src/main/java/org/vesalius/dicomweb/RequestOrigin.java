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
     * The signed-in principal. Sign-in is not wired yet, so everyone is "anonymous" (the server only
     * listens on loopback without it); this is the one place to take the token subject from later.
     */
    static String principal(ServerRequest request) {
        return "anonymous";
    }

    private static String address(ServerRequest request) {
        SocketAddress address = request.remotePeer().address();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return request.remotePeer().host();
    }
}
