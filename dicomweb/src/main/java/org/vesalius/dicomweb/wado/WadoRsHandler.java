package org.vesalius.dicomweb.wado;

import com.pixelmed.dicom.AttributeList;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.vesalius.dicomweb.DicomWebSettings;
import org.vesalius.dicomweb.RequestOrigin;
import org.vesalius.dicomweb.ResourceUrls;
import org.vesalius.dicomweb.http.AcceptHeader;
import org.vesalius.dicomweb.http.DicomWebException;
import org.vesalius.dicomweb.http.MediaType;
import org.vesalius.dicomweb.multipart.MultipartWriter;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.dicom.Uids;
import org.vesalius.storage.index.IndexedInstance;
import org.vesalius.storage.index.InstanceIndex;

/**
 * WADO-RS retrieve of whole instances (PS3.18 10.4): a study, a series or one instance as
 * {@code multipart/related; type="application/dicom"}, each object streamed from the blob store
 * exactly as stored, one part after another, never held in memory.
 *
 * <p>Objects are served in their stored transfer syntax when the client accepts it (no
 * transfer-syntax parameter, {@code *}, or the stored one), as Orthanc and dcm4chee do. A client
 * that asks for Explicit VR Little Endian gets every object not stored so transcoded (decompressed
 * by {@link Transcoder}: one object in memory at a time, parts without Content-Length); 406 when
 * some object cannot be (video, unknown syntaxes) or another syntax is asked for.
 *
 * <p>Also holds the {@link #metadata() metadata} and {@link #frames() frames and bulk data} handlers.
 */
public final class WadoRsHandler {
    private static final System.Logger LOG = System.getLogger(WadoRsHandler.class.getName());

    private final InstanceIndex index;
    private final BlobStore blobStore;
    private final AuditLog auditLog;
    private final DicomWebSettings settings;
    private final Transcoder transcoder;
    private final MetadataHandler metadata;
    private final FrameHandler frames;

    public WadoRsHandler(InstanceIndex index, BlobStore blobStore, AuditLog auditLog, DicomWebSettings settings) {
        this.index = index;
        this.blobStore = blobStore;
        this.auditLog = auditLog;
        this.settings = settings;
        this.transcoder = new Transcoder(blobStore, settings.tempDir());
        this.metadata = new MetadataHandler(index, auditLog, settings);
        this.frames = new FrameHandler(index, blobStore, transcoder, auditLog, settings);
    }

    /** {@code .../metadata} at study, series and instance level. */
    public MetadataHandler metadata() {
        return metadata;
    }

    /** {@code .../frames/{list}} and {@code .../bulkdata/{path}}. */
    public FrameHandler frames() {
        return frames;
    }

    public void retrieveStudy(ServerRequest request, ServerResponse response) {
        String study = uid(request, "study", "Study Instance UID");
        List<IndexedInstance> instances = index.instancesInStudy(study);
        if (instances.isEmpty()) {
            throw DicomWebException.notFound("no study " + study);
        }
        send(request, response, instances, "studies/" + study);
    }

    public void retrieveSeries(ServerRequest request, ServerResponse response) {
        String study = uid(request, "study", "Study Instance UID");
        String series = uid(request, "series", "Series Instance UID");
        List<IndexedInstance> instances = index.instancesInSeries(study, series);
        if (instances.isEmpty()) {
            throw DicomWebException.notFound("no series " + series + " in study " + study);
        }
        send(request, response, instances, "studies/" + study + "/series/" + series);
    }

    public void retrieveInstance(ServerRequest request, ServerResponse response) {
        String study = uid(request, "study", "Study Instance UID");
        String series = uid(request, "series", "Series Instance UID");
        String sop = uid(request, "instance", "SOP Instance UID");
        IndexedInstance instance = index.findInstance(sop)
                .filter(found -> found.studyInstanceUid().equals(study) && found.seriesInstanceUid().equals(series))
                .orElseThrow(() -> DicomWebException.notFound("no instance " + sop + " in series " + series
                        + " of study " + study));
        send(request, response, List.of(instance), "studies/" + study + "/series/" + series + "/instances/" + sop);
    }

    private void send(ServerRequest request, ServerResponse response, List<IndexedInstance> instances, String resource) {
        boolean transcode = negotiate(AcceptHeader.of(request), instances);
        ResourceUrls urls = ResourceUrls.of(request, settings);
        // The first object is opened before the status is sent, so a store failure can still be
        // answered properly; a failure after that can only cut the response short.
        InputStream first = transcode ? null : open(instances.getFirst());
        String boundary = MultipartWriter.newBoundary();
        response.status(200);
        response.header(HeaderNames.CONTENT_TYPE, "multipart/related; type=\"application/dicom\"; boundary=" + boundary);
        if (!transcode) {
            // Objects as stored have the sizes the index recorded: the whole length is known.
            response.header(HeaderNames.CONTENT_LENGTH, String.valueOf(MultipartWriter.bodyLength(boundary,
                    instances.stream().map(i -> new MultipartWriter.PartSize(partHeaders(i, urls), i.sizeBytes())).toList())));
        }
        long bytes = 0;
        try (OutputStream out = response.outputStream()) {
            MultipartWriter writer = new MultipartWriter(out, boundary);
            for (int i = 0; i < instances.size(); i++) {
                IndexedInstance instance = instances.get(i);
                if (transcode && !instance.transferSyntaxUid().equals(TransferSyntaxes.EXPLICIT_LE)) {
                    // Decoded before its part starts, so a failure to decode cuts the response between parts.
                    AttributeList decoded = transcoder.read(instance, true);
                    // The part's content follows its headers directly: the writer copies nothing itself.
                    writer.writePart(transcodedPartHeaders(instance, urls), InputStream.nullInputStream());
                    Transcoder.writeExplicitLittleEndian(decoded, out);
                    continue;
                }
                try (InputStream content = i == 0 && first != null ? first : open(instance)) {
                    writer.writePart(partHeaders(instance, urls), content);
                }
                bytes += instance.sizeBytes();
            }
            writer.finish();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "WADO-RS " + resource + " to " + RequestOrigin.of(request).address()
                    + " cut short after " + bytes + " bytes: " + e.getMessage());
            auditLog.record(RequestOrigin.of(request), "WADO_RS", resource, AuditLog.Outcome.FAILURE, "200",
                    "cut short after " + bytes + " bytes: " + e.getMessage());
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        auditLog.record(RequestOrigin.of(request), "WADO_RS", resource, AuditLog.Outcome.SUCCESS, "200",
                instances.size() + " instance(s), " + bytes + " bytes");
    }

    /**
     * Chooses between the objects as stored (multipart/related of application/dicom in the stored
     * transfer syntax, or "*" when they are stored in several; preferred on a tie) and transcoded
     * to Explicit VR Little Endian (offered when every object can be decoded). True for the latter.
     */
    private static boolean negotiate(AcceptHeader accept, List<IndexedInstance> instances) {
        Set<String> syntaxes = instances.stream().map(IndexedInstance::transferSyntaxUid).collect(Collectors.toSet());
        String syntax = syntaxes.size() == 1 ? syntaxes.iterator().next() : "*";
        MediaType asStored = new MediaType("multipart", "related",
                Map.of("type", "application/dicom", "transfer-syntax", syntax));
        MediaType transcoded = new MediaType("multipart", "related",
                Map.of("type", "application/dicom", "transfer-syntax", TransferSyntaxes.EXPLICIT_LE));
        boolean decodable = syntaxes.stream().allMatch(TransferSyntaxes::canDecode);
        MediaType chosen = accept.choose(decodable ? List.of(asStored, transcoded) : List.of(asStored))
                .orElseThrow(() -> DicomWebException.notAcceptable("available: multipart/related; "
                        + "type=\"application/dicom\" in the stored transfer syntax (" + String.join(", ", syntaxes)
                        + ")" + (decodable ? " or " + TransferSyntaxes.EXPLICIT_LE
                                : "; some cannot be decompressed (video or unsupported compression)")));
        return chosen == transcoded && !syntax.equals(TransferSyntaxes.EXPLICIT_LE);
    }

    private static Map<String, String> transcodedPartHeaders(IndexedInstance instance, ResourceUrls urls) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/dicom; transfer-syntax=" + TransferSyntaxes.EXPLICIT_LE);
        headers.put("Content-Location", urls.instance(instance.studyInstanceUid(), instance.seriesInstanceUid(),
                instance.sopInstanceUid()));
        return headers;
    }

    private InputStream open(IndexedInstance instance) {
        return StoredObjects.open(blobStore, instance);
    }

    private static Map<String, String> partHeaders(IndexedInstance instance, ResourceUrls urls) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/dicom; transfer-syntax=" + instance.transferSyntaxUid());
        headers.put("Content-Length", String.valueOf(instance.sizeBytes()));
        headers.put("Content-Location", urls.instance(instance.studyInstanceUid(), instance.seriesInstanceUid(),
                instance.sopInstanceUid()));
        return headers;
    }

    static String uid(ServerRequest request, String parameter, String what) {
        String uid = request.path().pathParameters().get(parameter);
        if (!Uids.isValid(uid)) {
            throw DicomWebException.badRequest("not a valid " + what + " in the path");
        }
        return uid;
    }
}
