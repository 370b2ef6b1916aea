package org.vesalius.dicomweb.qido;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vesalius.dicomweb.DicomWebSettings;
import org.vesalius.dicomweb.RequestOrigin;
import org.vesalius.dicomweb.ResourceUrls;
import org.vesalius.dicomweb.http.AcceptHeader;
import org.vesalius.dicomweb.http.DicomWebException;
import org.vesalius.dicomweb.http.MediaType;
import org.vesalius.dicomweb.multipart.MultipartWriter;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.query.Query;
import org.vesalius.storage.query.QueryEngine;
import org.vesalius.storage.query.QueryException;
import org.vesalius.storage.query.QueryLevel;
import org.vesalius.storage.query.QueryPage;

/**
 * QIDO-RS (PS3.18 10.6): the six search resources, one page of results per request.
 *
 * <p>No match is 200 with an empty array, as the current PS3.18 (10.6.3.1) and Orthanc answer
 * (older editions and dcm4chee used 204; viewers accept both). When more results exist after the
 * page, the Warning header says so (PS3.18 8.3.4.4), and the client asks again with an offset.
 */
public final class QidoRsHandler {
    private static final MediaType DICOM_JSON = new MediaType("application", "dicom+json", Map.of());
    private static final MediaType JSON = new MediaType("application", "json", Map.of());
    private static final MediaType MULTIPART_XML = new MediaType("multipart", "related",
            Map.of("type", "application/dicom+xml"));
    private static final List<MediaType> OFFERS = List.of(DICOM_JSON, JSON, MULTIPART_XML);
    private static final String MORE_RESULTS = "The number of results exceeded the maximum supported by the server. "
            + "Additional results can be requested.";

    private final QueryEngine engine;
    private final AuditLog auditLog;
    private final DicomWebSettings settings;
    private final QidoSettings qido;

    public QidoRsHandler(QueryEngine engine, AuditLog auditLog, DicomWebSettings settings, QidoSettings qido) {
        this.engine = engine;
        this.auditLog = auditLog;
        this.settings = settings;
        this.qido = qido;
    }

    public void studies(ServerRequest request, ServerResponse response) {
        search(request, response, QueryLevel.STUDY);
    }

    public void series(ServerRequest request, ServerResponse response) {
        search(request, response, QueryLevel.SERIES);
    }

    public void instances(ServerRequest request, ServerResponse response) {
        search(request, response, QueryLevel.INSTANCE);
    }

    private void search(ServerRequest request, ServerResponse response, QueryLevel level) {
        MediaType type = AcceptHeader.of(request).choose(OFFERS).orElseThrow(() -> DicomWebException.notAcceptable(
                "QIDO-RS answers application/dicom+json or multipart/related; type=\"application/dicom+xml\""));
        var path = request.path().pathParameters();
        Query query = QidoRequest.parse(level, path.first("study").orElse(null), path.first("series").orElse(null),
                parameters(request), qido);
        QueryPage page;
        try {
            page = engine.search(query);
        } catch (QueryException e) {
            throw DicomWebException.badRequest(e.getMessage());
        }
        ResourceUrls urls = ResourceUrls.of(request, settings);
        response.status(200);
        if (page.hasMore()) {
            response.header(HeaderNames.WARNING, "299 " + urls.base() + ": \"" + MORE_RESULTS + "\"");
        }
        if (type == MULTIPART_XML) {
            sendMultipartXml(page, urls, response);
        } else {
            // A client asking for plain application/json (Orthanc accepts it too) gets that label.
            response.header(HeaderNames.CONTENT_TYPE, type == JSON ? "application/json" : "application/dicom+json");
            response.send(QidoResponse.json(page.results(), urls).getBytes(StandardCharsets.UTF_8));
        }
        auditLog.record(RequestOrigin.of(request), "QIDO_RS", request.path().path() + queryText(request),
                AuditLog.Outcome.SUCCESS, "200", page.results().size() + " result(s)" + (page.hasMore() ? ", more" : ""));
    }

    private static void sendMultipartXml(QueryPage page, ResourceUrls urls, ServerResponse response) {
        String boundary = MultipartWriter.newBoundary();
        response.header(HeaderNames.CONTENT_TYPE, "multipart/related; type=\"application/dicom+xml\"; boundary=" + boundary);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            MultipartWriter writer = new MultipartWriter(body, boundary);
            for (var result : page.results()) {
                byte[] part = QidoResponse.xml(result, urls).getBytes(StandardCharsets.UTF_8);
                writer.writePart(Map.of("Content-Type", "application/dicom+xml"), new ByteArrayInputStream(part));
            }
            writer.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        response.send(body.toByteArray());
    }

    /** The decoded query parameters, each name with its values in order. */
    private static Map<String, List<String>> parameters(ServerRequest request) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (String name : request.query().names()) {
            parameters.put(name, request.query().all(name));
        }
        return parameters;
    }

    private static String queryText(ServerRequest request) {
        String raw = request.query().rawValue();
        return raw.isEmpty() ? "" : "?" + raw;
    }
}
