package org.vesalius.dicomweb.wado;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.vesalius.dicomweb.DicomWebSettings;
import org.vesalius.dicomweb.RequestOrigin;
import org.vesalius.dicomweb.ResourceUrls;
import org.vesalius.dicomweb.http.AcceptHeader;
import org.vesalius.dicomweb.http.DicomWebException;
import org.vesalius.dicomweb.http.MediaType;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.dicom.InstanceMetadata;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.index.InstanceIndex.MetadataRow;

/**
 * WADO-RS metadata (PS3.18 10.4.1.1.2) of a study, a series or an instance: a DICOM JSON array,
 * one object per instance, straight from the index (the JSON computed at ingest), never reading a
 * stored object. The BulkDataURIs stored relative to their instance are made absolute here, so
 * they follow the server's public address. Large answers are streamed as the index pages arrive.
 *
 * <p>Only {@code application/dicom+json} (and {@code application/json}) is offered; the XML
 * multipart form of PS3.18 is not (406).
 */
public final class MetadataHandler {
    private static final System.Logger LOG = System.getLogger(MetadataHandler.class.getName());
    private static final List<MediaType> OFFERS = List.of(
            new MediaType("application", "dicom+json", Map.of()),
            new MediaType("application", "json", Map.of()));

    private final InstanceIndex index;
    private final AuditLog auditLog;
    private final DicomWebSettings settings;

    MetadataHandler(InstanceIndex index, AuditLog auditLog, DicomWebSettings settings) {
        this.index = index;
        this.auditLog = auditLog;
        this.settings = settings;
    }

    public void study(ServerRequest request, ServerResponse response) {
        String study = WadoRsHandler.uid(request, "study", "Study Instance UID");
        send(request, response, study, null, null, "no study " + study);
    }

    public void series(ServerRequest request, ServerResponse response) {
        String study = WadoRsHandler.uid(request, "study", "Study Instance UID");
        String series = WadoRsHandler.uid(request, "series", "Series Instance UID");
        send(request, response, study, series, null, "no series " + series + " in study " + study);
    }

    public void instance(ServerRequest request, ServerResponse response) {
        String study = WadoRsHandler.uid(request, "study", "Study Instance UID");
        String series = WadoRsHandler.uid(request, "series", "Series Instance UID");
        String sop = WadoRsHandler.uid(request, "instance", "SOP Instance UID");
        send(request, response, study, series, sop, "no instance " + sop + " in series " + series + " of study " + study);
    }

    private void send(ServerRequest request, ServerResponse response, String study, String series, String sop,
                      String notFound) {
        MediaType type = AcceptHeader.of(request).choose(OFFERS).orElseThrow(() ->
                DicomWebException.notAcceptable("available: application/dicom+json"));
        ResourceUrls urls = ResourceUrls.of(request, settings);
        JsonArrayOut out = new JsonArrayOut(response, type.essence());
        boolean found = index.forEachMetadata(study, series, sop, row -> out.write(row, urls));
        if (!found) {
            throw DicomWebException.notFound(notFound);
        }
        out.finish();
        String resource = "studies/" + study + (series == null ? "" : "/series/" + series)
                + (sop == null ? "" : "/instances/" + sop) + "/metadata";
        auditLog.record(RequestOrigin.of(request), "WADO_RS_METADATA", resource, AuditLog.Outcome.SUCCESS, "200",
                out.count + " instance(s)");
    }

    /**
     * The response body, gathered in memory up to {@link #STREAM_ABOVE} bytes and then streamed:
     * most studies are answered in one write with a Content-Length (many small chunked writes
     * meet TCP's delayed acknowledgements and cost tens of milliseconds), a huge one never sits
     * in memory whole. Nothing is sent before the first instance, so "none found" is still a 404.
     */
    private static final class JsonArrayOut {
        private static final int STREAM_ABOVE = 4 * 1024 * 1024;

        private final ServerResponse response;
        private final String contentType;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);
        private final Writer writer = new OutputStreamWriter(buffer, StandardCharsets.UTF_8);
        private OutputStream streaming;
        private int count;

        JsonArrayOut(ServerResponse response, String contentType) {
            this.response = response;
            this.contentType = contentType;
        }

        void write(MetadataRow row, ResourceUrls urls) {
            try {
                writer.write(count == 0 ? '[' : ',');
                String instanceUrl = urls.instance(row.studyInstanceUid(), row.seriesInstanceUid(), row.sopInstanceUid());
                writer.write(row.dicomJson() != null
                        ? row.dicomJson().replace(InstanceMetadata.RELATIVE_BULK_DATA_URI,
                                "\"BulkDataURI\":\"" + instanceUrl + "/bulkdata/")
                        : withoutMetadata(row));
                writer.flush();
                count++;
                if (buffer.size() > STREAM_ABOVE) {
                    if (streaming == null) {
                        response.status(200);
                        response.header(HeaderNames.CONTENT_TYPE, contentType + "; charset=utf-8");
                        streaming = response.outputStream();
                    }
                    buffer.writeTo(streaming);
                    buffer.reset();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void finish() {
            try {
                writer.write(']');
                writer.flush();
                if (streaming == null) {
                    response.status(200);
                    response.header(HeaderNames.CONTENT_TYPE, contentType + "; charset=utf-8");
                    response.send(buffer.toByteArray());
                } else {
                    buffer.writeTo(streaming);
                    streaming.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** An instance indexed without metadata (not by the ingest path): its UIDs at least. */
        private static String withoutMetadata(MetadataRow row) {
            LOG.log(Level.WARNING, "instance {0} has no stored metadata", row.sopInstanceUid());
            return "{\"00080018\":{\"vr\":\"UI\",\"Value\":[\"" + row.sopInstanceUid() + "\"]},"
                    + "\"0020000D\":{\"vr\":\"UI\",\"Value\":[\"" + row.studyInstanceUid() + "\"]},"
                    + "\"0020000E\":{\"vr\":\"UI\",\"Value\":[\"" + row.seriesInstanceUid() + "\"]}}";
        }
    }
}
