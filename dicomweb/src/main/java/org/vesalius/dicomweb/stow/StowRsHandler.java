package org.vesalius.dicomweb.stow;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.vesalius.dicomweb.DicomWebSettings;
import org.vesalius.dicomweb.RequestOrigin;
import org.vesalius.dicomweb.ResourceUrls;
import org.vesalius.dicomweb.http.AcceptHeader;
import org.vesalius.dicomweb.http.DicomWebException;
import org.vesalius.dicomweb.http.MediaType;
import org.vesalius.dicomweb.json.DataSet;
import org.vesalius.dicomweb.json.DicomJsonWriter;
import org.vesalius.dicomweb.json.DicomXmlWriter;
import org.vesalius.dicomweb.multipart.MalformedMultipartException;
import org.vesalius.dicomweb.multipart.MultipartPart;
import org.vesalius.dicomweb.multipart.MultipartReader;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.audit.Origin;
import org.vesalius.storage.dicom.Uids;
import org.vesalius.storage.ingest.IngestRequest;
import org.vesalius.storage.ingest.IngestService;

/**
 * STOW-RS (PS3.18 10.5): {@code POST /studies} and {@code POST /studies/{study}} with a
 * {@code multipart/related; type="application/dicom"} body, or a single {@code application/dicom}
 * body. Each part is spooled to a temp file as it streams in, handed to the one ingest path in
 * batches ({@link PartBatches}: a batch is stored while the next is spooled), and its file deleted;
 * nothing holds a part in memory, and at most two batches of parts are on the temp disk.
 *
 * <p>An instance is listed as stored only once the ingest path returned, that is once its blob is
 * durable and its index row committed (invariant 1). A refused instance fails alone; the others
 * are stored. A body that breaks the multipart grammar ends the request with 400: the parts read
 * before the fault stay stored (each was complete and acknowledged by the archive on its own).
 */
public final class StowRsHandler {
    private static final System.Logger LOG = System.getLogger(StowRsHandler.class.getName());

    private static final MediaType DICOM_JSON = MediaType.parse("application/dicom+json");
    private static final MediaType DICOM_XML = MediaType.parse("application/dicom+xml");
    /** What a response may be, in our order of preference (a tie in the client's q goes to JSON). */
    private static final List<MediaType> RESPONSE_TYPES = List.of(DICOM_JSON, MediaType.parse("application/json"),
            DICOM_XML, MediaType.parse("multipart/related; type=\"application/dicom+xml\""));

    private final IngestService ingest;
    private final AuditLog auditLog;
    private final DicomWebSettings settings;

    public StowRsHandler(IngestService ingest, AuditLog auditLog, DicomWebSettings settings) {
        this.ingest = ingest;
        this.auditLog = auditLog;
        this.settings = settings;
    }

    public void store(ServerRequest request, ServerResponse response) {
        String studyUid = request.path().pathParameters().contains("study")
                ? request.path().pathParameters().get("study") : null;
        if (studyUid != null && !Uids.isValid(studyUid)) {
            throw DicomWebException.badRequest("not a valid Study Instance UID in the path");
        }
        // Everything that can refuse the request is checked before the body is read: with
        // "Expect: 100-continue" a refused client never sends it.
        boolean xml = responseIsXml(request);
        MediaType contentType = contentType(request);
        Origin origin = RequestOrigin.of(request);
        StowResponse result = new StowResponse(ResourceUrls.of(request, settings), studyUid);
        IngestRequest ingestRequest = new IngestRequest(origin, null, null, studyUid, null);

        // Reading the content is what makes the web server answer "100 Continue" (when asked).
        PartBatches batches = new PartBatches(ingest, ingestRequest, result);
        try (InputStream body = request.content().inputStream()) {
            try {
                if (contentType.essence().equals("application/dicom")) {
                    spoolPart(body, 1, batches);
                } else {
                    storeParts(new MultipartReader(body, contentType.parameter("boundary").orElseThrow()),
                            batches, ingestRequest);
                }
            } finally {
                // Also when the body broke off: the parts received whole are stored and counted.
                batches.finish();
            }
        } catch (MalformedMultipartException e) {
            LOG.log(Level.INFO, "STOW-RS from {0}: malformed multipart after {1} stored and {2} failed part(s): {3}",
                    origin.address(), result.storedCount(), result.failedCount(), e.getMessage());
            audit(origin, studyUid, 400, result);
            throw DicomWebException.badRequest("malformed multipart body: " + e.getMessage()
                    + (result.storedCount() > 0 ? " (" + result.storedCount() + " instance(s) before it were stored)" : ""));
        } catch (IOException e) {
            // The client went away or the connection broke: nobody is left to answer.
            LOG.log(Level.INFO, "STOW-RS from {0}: request body broken off: {1}", origin.address(), e.getMessage());
            throw new UncheckedIOException(e);
        }

        int status = result.httpStatus();
        audit(origin, studyUid, status, result);
        DataSet dataSet = result.toDataSet();
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, xml ? "application/dicom+xml" : "application/dicom+json");
        response.send((xml ? DicomXmlWriter.write(dataSet) : DicomJsonWriter.write(dataSet)).getBytes(StandardCharsets.UTF_8));
    }

    private void storeParts(MultipartReader reader, PartBatches batches, IngestRequest ingestRequest) throws IOException {
        for (MultipartPart part = reader.next(); part != null; part = reader.next()) {
            String partType = part.contentType().orElse("application/dicom");
            if (!isDicom(partType)) {
                // Metadata-and-bulk-data STOW (application/dicom+json parts) is not supported.
                LOG.log(Level.INFO, "STOW-RS from {0}: part {1} refused: Content-Type {2} is not application/dicom",
                        ingestRequest.origin().address(), part.number(), partType);
                batches.refused(part.number(), StowResponse.CANNOT_UNDERSTAND);
                continue;
            }
            spoolPart(part.body(), part.number(), batches);
        }
        if (reader.partCount() == 0) {
            throw new MalformedMultipartException("the body holds no part");
        }
    }

    private void spoolPart(InputStream content, int number, PartBatches batches) throws IOException {
        SpoolFile spool;
        try {
            spool = SpoolFile.copy(content, settings.tempDir());
        } catch (SpoolFile.DiskException e) {
            LOG.log(Level.ERROR, "STOW-RS: cannot spool part " + number + " to " + settings.tempDir() + ": " + e.getMessage(), e);
            batches.refused(number, StowResponse.OUT_OF_RESOURCES);
            return; // the reader skips the rest of the part
        }
        batches.add(number, spool);
    }

    private static boolean responseIsXml(ServerRequest request) {
        MediaType chosen = AcceptHeader.of(request).choose(RESPONSE_TYPES).orElseThrow(() -> DicomWebException.notAcceptable(
                "a STOW-RS response is application/dicom+json or application/dicom+xml"));
        return !chosen.subtype().contains("json");
    }

    /** The request's media type: application/dicom, or multipart/related of it with a boundary. */
    private static MediaType contentType(ServerRequest request) {
        String header = request.headers().first(HeaderNames.CONTENT_TYPE).orElseThrow(() ->
                DicomWebException.unsupportedMediaType("no Content-Type: STOW-RS takes multipart/related; "
                        + "type=\"application/dicom\""));
        MediaType type;
        try {
            type = MediaType.parse(header);
        } catch (IllegalArgumentException e) {
            throw DicomWebException.badRequest("bad Content-Type: " + e.getMessage());
        }
        if (type.essence().equals("application/dicom")) {
            return type;
        }
        if (!type.essence().equals("multipart/related")) {
            throw DicomWebException.unsupportedMediaType("STOW-RS takes multipart/related; type=\"application/dicom\" "
                    + "or application/dicom, not " + type.essence());
        }
        String partType = type.parameter("type").orElse("application/dicom");
        if (!isDicom(partType)) {
            throw DicomWebException.unsupportedMediaType("only multipart/related; type=\"application/dicom\" is "
                    + "supported (no metadata and bulk data STOW-RS)");
        }
        if (type.parameter("boundary").isEmpty()) {
            throw DicomWebException.badRequest("malformed multipart body: the Content-Type has no boundary parameter");
        }
        return type;
    }

    private static boolean isDicom(String mediaType) {
        try {
            return MediaType.parse(mediaType).essence().equals("application/dicom");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void audit(Origin origin, String studyUid, int status, StowResponse result) {
        auditLog.record(origin, "STOW_RS", studyUid == null ? "studies" : "studies/" + studyUid,
                status == 200 ? AuditLog.Outcome.SUCCESS : AuditLog.Outcome.FAILURE, String.valueOf(status),
                "stored " + result.storedCount() + ", failed " + result.failedCount());
    }
}
