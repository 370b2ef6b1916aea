package org.vesalius.server.api;

import io.helidon.webserver.http.ServerRequest;
import org.vesalius.dicomweb.RequestOrigin;
import org.vesalius.storage.audit.Origin;

/**
 * The one place the REST API turns a request into who it acts for: the principal recorded as
 * created_by / assigned_by and in the audit trail. It defers to the DICOMweb side's
 * {@link RequestOrigin}, so sign-in, when it lands there, covers both APIs at once.
 */
final class RequestPrincipal {
    private RequestPrincipal() {
    }

    static Origin of(ServerRequest request) {
        return RequestOrigin.of(request);
    }
}
