package org.vesalius.server.health;

import org.vesalius.storage.json.JsonStrings;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.lang.System.Logger.Level;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.index.Database;

/**
 * {@code GET /health}: 200 only when the index answers and the blob store can be written and read
 * right now; 503 with the failing part named otherwise. Load balancers and orchestrators poll it.
 */
public final class HealthService implements HttpService {
    private static final System.Logger LOG = System.getLogger(HealthService.class.getName());

    private final Database database;
    private final BlobStore blobStore;

    public HealthService(Database database, BlobStore blobStore) {
        this.database = database;
        this.blobStore = blobStore;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::health);
    }

    private void health(ServerRequest request, ServerResponse response) {
        String index = check(() -> database.checkHealth());
        String blobs = check(blobStore::checkHealth);
        boolean up = index == null && blobs == null;
        response.status(up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503);
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.send("{\"status\":\"" + (up ? "UP" : "DOWN") + "\","
                + "\"index\":" + part(index) + ","
                + "\"blobStore\":" + part(blobs) + "}");
    }

    private interface Check {
        void run() throws Exception;
    }

    /** Null when the check passes, the reason otherwise. */
    private static String check(Check check) {
        try {
            check.run();
            return null;
        } catch (Exception e) {
            LOG.log(Level.WARNING, "health check failed: " + e);
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    private static String part(String failure) {
        return failure == null ? "{\"status\":\"UP\"}"
                : "{\"status\":\"DOWN\",\"reason\":" + JsonStrings.quote(failure) + "}";
    }

}
