package org.vesalius.dicomweb.wado;

import com.pixelmed.dicom.AttributeList;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vesalius.dicomweb.DicomWebSettings;
import org.vesalius.dicomweb.RequestOrigin;
import org.vesalius.dicomweb.ResourceUrls;
import org.vesalius.dicomweb.http.AcceptHeader;
import org.vesalius.dicomweb.http.DicomWebException;
import org.vesalius.dicomweb.http.MediaType;
import org.vesalius.dicomweb.multipart.MultipartWriter;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.blob.BlobNotFoundException;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.dicom.BulkLocations;
import org.vesalius.storage.dicom.BulkLocations.Range;
import org.vesalius.storage.dicom.TagPath;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.index.InstanceIndex.LocatedInstance;

/**
 * WADO-RS frames and bulk data (PS3.18 10.4.1.1.3 and 10.4.1.1.5):
 * {@code .../instances/{i}/frames/{list}} and {@code .../instances/{i}/bulkdata/{tagpath}}, the
 * targets of the BulkDataURIs in the metadata.
 *
 * <p>One index read finds the instance and where its values lie; each frame or value is then one
 * ranged read of the stored object ({@link BlobStore#openRange}), streamed. Compressed frames go
 * out as stored, in their own media type (image/jpeg, image/jls, image/jp2, image/dicom-rle ...),
 * or as {@code application/octet-stream} with their transfer syntax when the client accepts
 * {@code transfer-syntax=*} (what OHIF asks for); decompressed only when the client accepts
 * nothing but Explicit VR Little Endian. Objects that are deflated or big endian are read whole
 * and decoded instead (see {@link Transcoder}).
 *
 * <p>Frame numbers: a malformed list, 0 or a negative number is a 400; a number beyond Number of
 * Frames a 404 (the resource does not exist), as dcm4chee answers.
 */
public final class FrameHandler {
    private static final System.Logger LOG = System.getLogger(FrameHandler.class.getName());
    private static final String PIXEL_DATA = "7FE00010";
    private static final int MAX_FRAMES_IN_LIST = 100_000;

    private final InstanceIndex index;
    private final BlobStore blobStore;
    private final Transcoder transcoder;
    private final AuditLog auditLog;
    private final DicomWebSettings settings;

    FrameHandler(InstanceIndex index, BlobStore blobStore, Transcoder transcoder, AuditLog auditLog,
                 DicomWebSettings settings) {
        this.index = index;
        this.blobStore = blobStore;
        this.transcoder = transcoder;
        this.auditLog = auditLog;
        this.settings = settings;
    }

    public void frames(ServerRequest request, ServerResponse response) {
        LocatedInstance located = locate(request);
        List<Integer> numbers = frameNumbers(request.path().pathParameters().get("frames"));
        sendFrames(request, response, located, numbers, "frames/" + request.path().pathParameters().get("frames"));
    }

    public void bulkData(ServerRequest request, ServerResponse response) {
        LocatedInstance located = locate(request);
        String path = request.path().pathParameters().get("path");
        if (!TagPath.isValid(path)) {
            throw DicomWebException.badRequest("not a bulk data path of this server");
        }
        if (path.equals(PIXEL_DATA)) {
            // PS3.18 10.4.1.1.5: pixel data bulk data comes as its frames.
            BulkLocations.Pixels pixels = pixels(located);
            List<Integer> all = new ArrayList<>();
            for (int i = 1; i <= pixels.numberOfFrames(); i++) {
                all.add(i);
            }
            sendFrames(request, response, located, all, "bulkdata/" + path);
            return;
        }
        sendValue(request, response, located, path);
    }

    private LocatedInstance locate(ServerRequest request) {
        String study = WadoRsHandler.uid(request, "study", "Study Instance UID");
        String series = WadoRsHandler.uid(request, "series", "Series Instance UID");
        String sop = WadoRsHandler.uid(request, "instance", "SOP Instance UID");
        return index.findLocated(study, series, sop).orElseThrow(() -> DicomWebException.notFound(
                "no instance " + sop + " in series " + series + " of study " + study));
    }

    private static BulkLocations.Pixels pixels(LocatedInstance located) {
        if (located.locations() == null || located.locations().pixels() == null) {
            throw DicomWebException.notFound("instance " + located.instance().sopInstanceUid() + " has no pixel data");
        }
        return located.locations().pixels();
    }

    /** Parses "1,3,5": 1-based frame numbers, in the order asked. */
    static List<Integer> frameNumbers(String list) {
        List<Integer> numbers = new ArrayList<>();
        for (String item : list.split(",", -1)) {
            String trimmed = item.trim();
            if (!trimmed.matches("-?[0-9]{1,9}")) {
                throw DicomWebException.badRequest("bad frame list: frame numbers are positive integers separated by commas");
            }
            int number = Integer.parseInt(trimmed);
            if (number < 1) {
                throw DicomWebException.badRequest("bad frame list: frame numbers start at 1");
            }
            numbers.add(number);
            if (numbers.size() > MAX_FRAMES_IN_LIST) {
                throw DicomWebException.badRequest("too many frames in one request");
            }
        }
        return numbers;
    }

    /** A representation we can send the frames in, and whether it needs decoding. */
    private record Offer(MediaType multipart, String partType, String syntax, boolean decode) {
        static Offer of(String partType, String syntax, boolean decode) {
            return new Offer(new MediaType("multipart", "related", Map.of("type", partType, "transfer-syntax", syntax)),
                    partType, syntax, decode);
        }
    }

    private void sendFrames(ServerRequest request, ServerResponse response, LocatedInstance located,
                            List<Integer> numbers, String what) {
        BulkLocations.Pixels pixels = pixels(located);
        for (int number : numbers) {
            if (number > pixels.numberOfFrames()) {
                throw DicomWebException.notFound("no frame " + number + ": the instance has "
                        + pixels.numberOfFrames() + " frame(s)");
            }
        }
        String stored = located.instance().transferSyntaxUid();
        boolean ranged = located.locations().addressable();
        List<Offer> offers = new ArrayList<>();
        if (TransferSyntaxes.isNative(stored)) {
            offers.add(Offer.of("application/octet-stream", TransferSyntaxes.EXPLICIT_LE, !ranged));
        } else {
            TransferSyntaxes.frameMediaType(stored).ifPresent(type -> {
                offers.add(Offer.of(type, stored, false));
                offers.add(Offer.of("application/octet-stream", stored, false));
            });
            if (TransferSyntaxes.canDecode(stored)) {
                offers.add(Offer.of("application/octet-stream", TransferSyntaxes.EXPLICIT_LE, true));
            }
        }
        AcceptHeader accept = withDefaultSyntaxes(request);
        List<MediaType> types = offers.stream().map(Offer::multipart).toList();
        Offer chosen = offers.get(types.indexOf(accept.choose(types).orElseThrow(() ->
                DicomWebException.notAcceptable("available: " + (types.isEmpty() ? "none (video: retrieve the instance)"
                        : types.toString())))));
        if (!chosen.decode() && (pixels.encapsulated() && pixels.frames().isEmpty())) {
            throw new DicomWebException(500, "the frames of instance " + located.instance().sopInstanceUid()
                    + " cannot be told apart (more fragments than frames, no offset table)");
        }
        AttributeList decoded = null;
        if (chosen.decode()) {
            try {
                decoded = transcoder.read(located.instance(), !TransferSyntaxes.isNative(stored));
            } catch (IOException e) {
                throw unavailable(e);
            }
        }
        ResourceUrls urls = ResourceUrls.of(request, settings);
        String instanceUrl = urls.instance(located.instance().studyInstanceUid(),
                located.instance().seriesInstanceUid(), located.instance().sopInstanceUid());
        String boundary = MultipartWriter.newBoundary();
        List<InputStream> first = new ArrayList<>();
        if (decoded == null) {
            first.add(openFrame(located, pixels, numbers.getFirst()));
        }
        response.status(200);
        response.header(HeaderNames.CONTENT_TYPE, "multipart/related; type=\"" + chosen.partType()
                + "\"; transfer-syntax=" + chosen.syntax() + "; boundary=" + boundary);
        try (OutputStream out = response.outputStream()) {
            MultipartWriter writer = new MultipartWriter(out, boundary);
            for (int i = 0; i < numbers.size(); i++) {
                int number = numbers.get(i);
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Content-Type", chosen.partType() + "; transfer-syntax=" + chosen.syntax());
                headers.put("Content-Location", instanceUrl + "/frames/" + number);
                InputStream content = decoded != null
                        ? new ByteArrayInputStream(Transcoder.frame(decoded, number - 1))
                        : i == 0 ? first.getFirst() : openFrame(located, pixels, number);
                try (content) {
                    writer.writePart(headers, content);
                }
            }
            writer.finish();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "WADO-RS " + what + " of " + located.instance().sopInstanceUid() + " cut short: "
                    + e.getMessage());
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        auditLog.record(RequestOrigin.of(request), "WADO_RS", "instances/" + located.instance().sopInstanceUid()
                + "/" + what, AuditLog.Outcome.SUCCESS, "200", numbers.size() + " frame(s) as " + chosen.partType());
    }

    /** One frame's stored bytes: a range of native pixel data, or its fragments one after the other. */
    private InputStream openFrame(LocatedInstance located, BulkLocations.Pixels pixels, int number) {
        String key = located.instance().blobKey();
        try {
            if (!pixels.encapsulated()) {
                long frameBits = pixels.frameBits();
                Range data = pixels.nativeRange();
                if (frameBits % 8 == 0) {
                    return blobStore.openRange(key, data.offset() + (number - 1) * (frameBits / 8), frameBits / 8);
                }
                long firstByte = (number - 1) * frameBits / 8;
                long lastByte = ((long) number * frameBits + 7) / 8;
                byte[] bytes;
                try (InputStream in = blobStore.openRange(key, data.offset() + firstByte, lastByte - firstByte)) {
                    bytes = in.readAllBytes();
                }
                return new ByteArrayInputStream(FrameBits.slice(bytes, firstByte * 8, number - 1, frameBits));
            }
            List<InputStream> fragments = new ArrayList<>();
            for (Range fragment : pixels.frames().get(number - 1)) {
                fragments.add(new LazyRange(blobStore, key, fragment));
            }
            return new SequenceInputStream(Collections.enumeration(fragments));
        } catch (BlobNotFoundException e) {
            LOG.log(Level.ERROR, "instance " + located.instance().sopInstanceUid() + " is indexed but its blob "
                    + key + " is missing; run reconcile");
            throw new DicomWebException(500, "the stored object of instance " + located.instance().sopInstanceUid()
                    + " is missing");
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    private void sendValue(ServerRequest request, ServerResponse response, LocatedInstance located, String path) {
        List<MediaType> offers = List.of(
                new MediaType("multipart", "related",
                        Map.of("type", "application/octet-stream", "transfer-syntax", TransferSyntaxes.EXPLICIT_LE)),
                new MediaType("application", "octet-stream", Map.of("transfer-syntax", TransferSyntaxes.EXPLICIT_LE)));
        MediaType chosen = withDefaultSyntaxes(request).choose(offers).orElseThrow(() ->
                DicomWebException.notAcceptable("available: multipart/related; type=\"application/octet-stream\", "
                        + "application/octet-stream"));
        BulkLocations locations = located.locations();
        InputStream content;
        long length;
        try {
            Range range = locations == null || !locations.addressable() ? null : locations.value(path).orElse(null);
            if (range != null) {
                content = blobStore.openRange(located.instance().blobKey(), range.offset(), range.length());
                length = range.length();
            } else {
                // Not located at ingest (deflated, big endian, or inside an implicit VR sequence): read whole.
                byte[] value = Transcoder.value(transcoder.read(located.instance(), false), path);
                if (value == null) {
                    throw DicomWebException.notFound("no bulk data " + path + " in instance "
                            + located.instance().sopInstanceUid());
                }
                content = new ByteArrayInputStream(value);
                length = value.length;
            }
        } catch (IOException e) {
            throw unavailable(e);
        }
        String instanceUrl = ResourceUrls.of(request, settings).instance(located.instance().studyInstanceUid(),
                located.instance().seriesInstanceUid(), located.instance().sopInstanceUid());
        response.status(200);
        try (content) {
            if (chosen.essence().equals("application/octet-stream")) {
                response.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
                response.header(HeaderNames.CONTENT_LENGTH, String.valueOf(length));
                try (OutputStream out = response.outputStream()) {
                    content.transferTo(out);
                }
            } else {
                String boundary = MultipartWriter.newBoundary();
                response.header(HeaderNames.CONTENT_TYPE,
                        "multipart/related; type=\"application/octet-stream\"; boundary=" + boundary);
                try (OutputStream out = response.outputStream()) {
                    MultipartWriter writer = new MultipartWriter(out, boundary);
                    writer.writePart(Map.of("Content-Type", "application/octet-stream",
                            "Content-Location", instanceUrl + "/bulkdata/" + path,
                            "Content-Length", String.valueOf(length)), content);
                    writer.finish();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        auditLog.record(RequestOrigin.of(request), "WADO_RS", "instances/" + located.instance().sopInstanceUid()
                + "/bulkdata/" + path, AuditLog.Outcome.SUCCESS, "200", length + " bytes");
    }

    /**
     * The Accept header with each frame media type that names no transfer syntax given its default
     * (PS3.18 Table 8.7.3-5: application/octet-stream means Explicit VR Little Endian, image/jpeg
     * baseline ...), so that {@code type=application/octet-stream} alone does not accept compressed
     * bytes while {@code transfer-syntax=*} does.
     */
    static AcceptHeader withDefaultSyntaxes(ServerRequest request) {
        List<String> values = request.headers().all(HeaderNames.ACCEPT, List::of);
        if (values.isEmpty()) {
            return AcceptHeader.parse(null);
        }
        String header = String.join(",", values);
        try {
            List<String> ranges = new ArrayList<>();
            for (MediaType range : MediaType.parseList(header)) {
                String type = range.essence().equals("multipart/related")
                        ? range.parameter("type").orElse(null) : range.essence();
                String syntax = type == null ? null
                        : TransferSyntaxes.defaultSyntax(type.toLowerCase(Locale.ROOT)).orElse(null);
                if (syntax != null && range.parameter("transfer-syntax").isEmpty()) {
                    Map<String, String> parameters = new LinkedHashMap<>(range.parameters());
                    parameters.put("transfer-syntax", syntax);
                    range = new MediaType(range.type(), range.subtype(), parameters);
                }
                ranges.add(range.toString());
            }
            return AcceptHeader.parse(String.join(",", ranges));
        } catch (IllegalArgumentException e) {
            throw DicomWebException.badRequest("bad Accept header: " + e.getMessage());
        }
    }

    private static DicomWebException unavailable(IOException e) {
        LOG.log(Level.ERROR, "blob store unavailable: " + e.getMessage(), e);
        return new DicomWebException(503, "the blob store is unavailable, try again later");
    }

    /** A fragment's range, opened only when the frame's stream reaches it (one open stream at a time). */
    private static final class LazyRange extends InputStream {
        private final BlobStore store;
        private final String key;
        private final Range range;
        private InputStream in;

        LazyRange(BlobStore store, String key, Range range) {
            this.store = store;
            this.key = key;
            this.range = range;
        }

        private InputStream in() throws IOException {
            if (in == null) {
                in = store.openRange(key, range.offset(), range.length());
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            return in().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in().read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }
}
