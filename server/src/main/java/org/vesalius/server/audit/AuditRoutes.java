package org.vesalius.server.audit;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vesalius.storage.audit.AuditQuery;

/**
 * {@code GET /api/audit?user=&action=&from=&to=&limit=&offset=}: the audit trail for admins (the
 * {@link org.vesalius.server.security.AccessPolicy} requires the admin role), newest first, as
 * {@code {"items": [...], "total": N}}.
 * <ul>
 *   <li>{@code user}: a recorded actor name, or a principal's readable name or token subject</li>
 *   <li>{@code action}: the start of the action, e.g. {@code DELETE}, {@code GET dicomweb}, {@code STOW_RS}</li>
 *   <li>{@code from}, {@code to}: ISO-8601 times ({@code 2025-01-31T12:00:00Z}) or dates; a date in
 *       {@code to} includes that whole day (UTC)</li>
 *   <li>{@code limit} (default 100, at most 1000), {@code offset} (default 0)</li>
 * </ul>
 */
public final class AuditRoutes implements HttpService {
    private static final int DEFAULT_LIMIT = 100;

    private final AuditQuery query;

    public AuditRoutes(AuditQuery query) {
        this.query = query;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list);
    }

    private void list(ServerRequest request, ServerResponse response) {
        AuditQuery.Filter filter;
        try {
            filter = new AuditQuery.Filter(
                    text(request, "user"),
                    text(request, "action"),
                    time(request, "from", false),
                    time(request, "to", true),
                    number(request, "limit", DEFAULT_LIMIT),
                    number(request, "offset", 0));
        } catch (IllegalArgumentException e) {
            send(response, Status.BAD_REQUEST_400, Map.of("error", "bad_request", "reason", e.getMessage()));
            return;
        }
        AuditQuery.Page page = query.find(filter);
        List<Map<String, Object>> items = page.items().stream().map(AuditRoutes::toJson).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items);
        body.put("total", page.total());
        send(response, Status.OK_200, body);
    }

    private static Map<String, Object> toJson(AuditQuery.Event event) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", event.id());
        item.put("occurredAt", event.occurredAt().toInstant().toString());
        item.put("actorKind", event.actorKind());
        item.put("actor", event.actorName());
        item.put("address", event.actorAddress());
        item.put("action", event.action());
        item.put("resource", event.resource());
        item.put("outcome", event.outcome());
        item.put("status", event.status());
        item.put("detail", event.detail());
        return item;
    }

    private static String text(ServerRequest request, String name) {
        return parameter(request, name).orElse(null);
    }

    private static Optional<String> parameter(ServerRequest request, String name) {
        return request.query().first(name).asOptional().map(String::trim).filter(s -> !s.isEmpty());
    }

    private static int number(ServerRequest request, String name, int absent) {
        Optional<String> value = parameter(request, name);
        try {
            return value.isEmpty() ? absent : Integer.parseInt(value.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not " + value.get());
        }
    }

    private static OffsetDateTime time(ServerRequest request, String name, boolean endOfDay) {
        Optional<String> value = parameter(request, name);
        if (value.isEmpty()) {
            return null;
        }
        try {
            if (value.get().length() == 10) {
                LocalDate date = LocalDate.parse(value.get());
                return (endOfDay ? date.plusDays(1) : date).atStartOfDay().atOffset(ZoneOffset.UTC);
            }
            return OffsetDateTime.parse(value.get());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 date (2025-01-31) or time"
                    + " (2025-01-31T12:00:00Z), not " + value.get());
        }
    }

    private static void send(ServerResponse response, Status status, Map<String, Object> body) {
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(JSONObjectUtils.toJSONString(body).getBytes(StandardCharsets.UTF_8));
    }
}
