package org.vesalius.server.api;

import io.helidon.webserver.http.ServerRequest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** Query and path parameters of the API, validated: a bad one is a 400 naming it. */
final class Params {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final Pattern SUBJECT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Params() {
    }

    record Page(int limit, int offset) {
    }

    /** {@code limit} (1 to 1000, default 100) and {@code offset} (0 or more, default 0). */
    static Page page(ServerRequest request) {
        int limit = integer(request, "limit", DEFAULT_LIMIT);
        int offset = integer(request, "offset", 0);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("limit must be 1 to " + MAX_LIMIT);
        }
        if (offset < 0) {
            throw ApiException.badRequest("offset must not be negative");
        }
        return new Page(limit, offset);
    }

    /**
     * {@code from} as an instant: an ISO-8601 instant ({@code 2024-05-01T12:00:00Z}) or a date
     * ({@code 2024-05-01}, the start of that day in UTC); null when absent.
     */
    static Instant from(ServerRequest request) {
        String value = request.query().first("from").orElse(null);
        return value == null ? null : instant("from", value, false);
    }

    /** {@code to}, exclusive: an instant, or a date meaning the end of that day in UTC; null when absent. */
    static Instant to(ServerRequest request) {
        String value = request.query().first("to").orElse(null);
        return value == null ? null : instant("to", value, true);
    }

    /** The subject id of the path, checked before it reaches a query: {@code [A-Za-z0-9._-]{1,64}}, not "." or "..". */
    static String subjectId(String value) {
        requireSubjectId(value);
        return value;
    }

    static void requireSubjectId(String value) {
        if (value == null || !SUBJECT_ID.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw ApiException.badRequest("not a valid subject id (1 to 64 of A-Z a-z 0-9 . _ -)");
        }
    }

    private static int integer(ServerRequest request, String name, int fallback) {
        String value = request.query().first(name).orElse(null);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be an integer");
        }
    }

    private static Instant instant(String name, String value, boolean endOfDay) {
        try {
            if (value.length() == 10) {
                LocalDate date = LocalDate.parse(value);
                return (endOfDay ? date.plusDays(1) : date).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + " must be a date (2024-05-01) or an instant (2024-05-01T12:00:00Z)");
        }
    }
}
