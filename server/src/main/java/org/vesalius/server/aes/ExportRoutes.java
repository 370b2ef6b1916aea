package org.vesalius.server.aes;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jooq.exception.DataAccessException;
import org.vesalius.dimse.export.Exporter;
import org.vesalius.dimse.export.InstanceResolver;
import org.vesalius.dimse.export.StoreOutcome;
import org.vesalius.storage.dicom.Uids;
import org.vesalius.storage.query.QueryException;

/**
 * Outbound C-STORE on request, mounted at {@code /api}: {@code POST /studies/{study}/export?ae=TITLE},
 * {@code POST /series/{series}/export?ae=TITLE}, {@code POST /instances/{sop}/export?ae=TITLE}.
 * Answers 200 with each instance's outcome (also when some failed: the body says which), 400 for a
 * bad UID or AE title, 404 for an unknown AE or nothing to send, 502 when the AE cannot be reached
 * or refuses the association, 503 when the index is unavailable.
 */
public final class ExportRoutes implements HttpService {
    private static final Logger LOG = System.getLogger(ExportRoutes.class.getName());

    private final Exporter exporter;

    public ExportRoutes(Exporter exporter) {
        this.exporter = exporter;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/studies/{uid}/export", (req, res) -> export(req, res, "study"))
                .post("/series/{uid}/export", (req, res) -> export(req, res, "series"))
                .post("/instances/{uid}/export", (req, res) -> export(req, res, "instance"));
    }

    private void export(ServerRequest request, ServerResponse response, String level) {
        String uid = request.path().pathParameters().get("uid");
        Optional<String> ae = request.query().first("ae").asOptional();
        if (!Uids.isValid(uid)) {
            AeRoutes.send(response, Status.BAD_REQUEST_400, Json.error("not a valid " + level + " UID"));
            return;
        }
        if (ae.isEmpty() || ae.get().isBlank()) {
            AeRoutes.send(response, Status.BAD_REQUEST_400, Json.error("the query parameter ae=TITLE is required"));
            return;
        }
        InstanceResolver.Keys keys = switch (level) {
            case "study" -> new InstanceResolver.Keys(null, uid, null, null);
            case "series" -> new InstanceResolver.Keys(null, null, uid, null);
            default -> new InstanceResolver.Keys(null, null, null, uid);
        };
        Exporter.Result result;
        try {
            result = exporter.export(ae.get(), keys);
        } catch (Exporter.UnknownAeException e) {
            AeRoutes.send(response, Status.NOT_FOUND_404, Json.error(e.getMessage()));
            return;
        } catch (QueryException e) {
            AeRoutes.send(response, Status.BAD_REQUEST_400, Json.error(e.getMessage()));
            return;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "export of {0} {1} to {2} failed: {3}", level, uid, ae.get(), e.getMessage());
            AeRoutes.send(response, Status.BAD_GATEWAY_502, Json.error(e.getMessage()));
            return;
        } catch (DataAccessException e) {
            LOG.log(Level.ERROR, "export of " + level + " " + uid + ": index database failed", e);
            AeRoutes.send(response, Status.SERVICE_UNAVAILABLE_503, Json.error("index database unavailable"));
            return;
        }
        if (result.outcomes().isEmpty()) {
            AeRoutes.send(response, Status.NOT_FOUND_404, Json.error("no stored instance in " + level + " " + uid));
            return;
        }
        String instances = result.outcomes().stream().map(ExportRoutes::toJson).collect(Collectors.joining(",", "[", "]"));
        AeRoutes.send(response, Status.OK_200, "{\"ae\":" + Json.quote(result.destination().aeTitle())
                + ",\"sent\":" + (result.outcomes().size() - result.failures())
                + ",\"failed\":" + result.failures()
                + ",\"instances\":" + instances + "}");
    }

    private static String toJson(StoreOutcome outcome) {
        String kind = outcome.isSuccess() ? "success" : outcome.isWarning() ? "warning" : "failure";
        return "{\"sopInstanceUID\":" + Json.quote(outcome.sopInstanceUid())
                + ",\"status\":\"" + String.format("%04X", outcome.status()) + "\""
                + ",\"outcome\":\"" + kind + "\""
                + (outcome.reason() == null ? "" : ",\"reason\":" + Json.quote(outcome.reason())) + "}";
    }
}
