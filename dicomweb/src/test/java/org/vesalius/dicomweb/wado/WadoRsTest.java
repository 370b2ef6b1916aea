package org.vesalius.dicomweb.wado;

import static org.assertj.core.api.Assertions.assertThat;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.TagFromName;
import io.helidon.webserver.WebServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.dicomweb.DicomWebService;
import org.vesalius.dicomweb.DicomWebSettings;
import org.vesalius.dicomweb.http.MediaType;
import org.vesalius.dicomweb.multipart.MultipartPart;
import org.vesalius.dicomweb.multipart.MultipartReader;
import org.vesalius.dicomweb.testing.Http;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.audit.Origin;
import org.vesalius.storage.blob.FileSystemBlobStore;
import org.vesalius.storage.dicom.DicomHeaderReader;
import org.vesalius.storage.dicom.InstanceMetadataReader;
import org.vesalius.storage.index.Database;
import org.vesalius.storage.index.DatabaseSettings;
import org.vesalius.storage.index.IndexedInstance;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.ingest.IngestRequest;
import org.vesalius.storage.ingest.IngestService;
import org.vesalius.storage.ingest.IngestSettings;
import org.vesalius.storage.testing.SampleDicom;

/**
 * WADO-RS metadata, frames, bulk data and transcoding over real HTTP against a real archive (the
 * ingest path, an H2 index, a folder blob store counted by {@link CountingBlobStore}), with the
 * real files pydicom ships, compared with what PixelMed reads from the same files.
 */
class WadoRsTest {
    private static final Path FILES = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
    private static final String OHIF_FRAMES = "multipart/related; type=application/octet-stream; transfer-syntax=*";
    private static final String UNCOMPRESSED_FRAMES = "multipart/related; type=\"application/octet-stream\"";
    private static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";

    @TempDir
    static Path root;
    private static Database database;
    private static AuditLog auditLog;
    private static CountingBlobStore blobStore;
    private static IngestService ingest;
    private static WebServer web;

    @BeforeAll
    static void start() throws IOException {
        Clock clock = Clock.systemUTC();
        blobStore = new CountingBlobStore(new FileSystemBlobStore(root.resolve("blobs")));
        database = Database.open(new DatabaseSettings("jdbc:h2:mem:wado-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "sa", "", 4));
        InstanceIndex index = new InstanceIndex(database);
        auditLog = new AuditLog(database, clock);
        ingest = new IngestService(blobStore, index, new DicomHeaderReader("PatientID"), IngestSettings.defaults(),
                auditLog, clock);
        DicomWebService service = new DicomWebService(ingest, index, database, blobStore, auditLog,
                new DicomWebSettings(root.resolve("tmp"), null));
        web = WebServer.builder().host("127.0.0.1").port(0)
                .routing(routing -> routing.register("/dicomweb", service)).build().start();
    }

    @AfterAll
    static void stop() throws IOException {
        web.stop();
        auditLog.close();
        database.close();
        blobStore.close();
    }

    private static IndexedInstance store(Path file) throws Exception {
        return ingest.ingest(file, IngestRequest.from(Origin.cli("test"))).instance();
    }

    private static IndexedInstance store(String pydicomFile) throws Exception {
        return store(FILES.resolve(pydicomFile));
    }

    private static String url(IndexedInstance i) {
        return "http://127.0.0.1:" + web.port() + "/dicomweb/studies/" + i.studyInstanceUid() + "/series/"
                + i.seriesInstanceUid() + "/instances/" + i.sopInstanceUid();
    }

    private static AttributeList pixelMed(Path file, boolean decompress) throws Exception {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(decompress);
        list.read(file.toFile());
        return list;
    }

    private static byte[] pixelBytes(AttributeList list) throws Exception {
        Attribute pixels = list.getPixelData();
        return InstanceMetadataReader.littleEndianBytes(pixels, pixels.getVRAsString());
    }

    private record Part(String contentType, byte[] body) {
    }

    private static List<Part> parts(HttpResponse<InputStream> response) throws IOException {
        assertThat(response.statusCode()).isEqualTo(200);
        MediaType type = MediaType.parse(response.headers().firstValue("Content-Type").orElseThrow());
        assertThat(type.essence()).isEqualTo("multipart/related");
        List<Part> parts = new ArrayList<>();
        byte[] all;
        try (InputStream body = response.body()) {
            all = body.readAllBytes();
        }
        // Objects as stored come with the exact length of the whole body, transcoded ones chunked.
        response.headers().firstValueAsLong("Content-Length").ifPresent(length -> assertThat(all).hasSize((int) length));
        try (InputStream body = new java.io.ByteArrayInputStream(all)) {
            MultipartReader reader = new MultipartReader(body, type.parameter("boundary").orElseThrow());
            for (MultipartPart part = reader.next(); part != null; part = reader.next()) {
                parts.add(new Part(part.contentType().orElse(null), part.body().readAllBytes()));
            }
        }
        return parts;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> metadata(String url) throws Exception {
        HttpResponse<InputStream> response = Http.get(URI.create(url + "/metadata"), "application/dicom+json");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/dicom+json");
        try (InputStream body = response.body()) {
            return (List<Map<String, Object>>) Json.parse(new String(body.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> values(Map<String, Object> dataSet, String tag) {
        Map<String, Object> element = (Map<String, Object>) dataSet.get(tag);
        return element == null ? null : (List<Object>) element.get("Value");
    }

    @SuppressWarnings("unchecked")
    private static String bulkDataUri(Map<String, Object> dataSet, String tag) {
        return (String) ((Map<String, Object>) dataSet.get(tag)).get("BulkDataURI");
    }

    @Test
    @SuppressWarnings("unchecked")
    void metadataAtThreeLevelsMatchesPixelMedWithResolvableBulkData() throws Exception {
        IndexedInstance ct = store("CT_small.dcm");
        AttributeList expected = pixelMed(FILES.resolve("CT_small.dcm"), false);

        String instanceUrl = url(ct);
        String seriesUrl = instanceUrl.substring(0, instanceUrl.indexOf("/instances/"));
        String studyUrl = seriesUrl.substring(0, seriesUrl.indexOf("/series/"));
        for (String level : List.of(instanceUrl, seriesUrl, studyUrl)) {
            List<Map<String, Object>> array = metadata(level);
            assertThat(array).hasSize(1);
            Map<String, Object> json = array.getFirst();
            assertThat(values(json, "00080018")).containsExactly(ct.sopInstanceUid());
            assertThat(values(json, "0020000D")).containsExactly(ct.studyInstanceUid());
            assertThat(values(json, "00100020")).containsExactly(Attribute.getSingleStringValueOrNull(expected, TagFromName.PatientID));
            Map<String, Object> name = (Map<String, Object>) values(json, "00100010").getFirst();
            assertThat(name.get("Alphabetic")).isEqualTo(Attribute.getSingleStringValueOrNull(expected, TagFromName.PatientName));
            assertThat(values(json, "00280010")).containsExactly(new BigDecimal(Attribute.getSingleIntegerValueOrDefault(expected, TagFromName.Rows, -1)));
            double[] spacing = Attribute.getDoubleValues(expected, TagFromName.PixelSpacing);
            assertThat(values(json, "00280030")).extracting(v -> ((BigDecimal) v).doubleValue())
                    .containsExactly(Arrays.stream(spacing).boxed().toArray(Double[]::new));
            double[] position = Attribute.getDoubleValues(expected, TagFromName.ImagePositionPatient);
            assertThat(values(json, "00200032")).extracting(v -> ((BigDecimal) v).doubleValue())
                    .containsExactly(Arrays.stream(position).boxed().toArray(Double[]::new));
            assertThat(json).doesNotContainKey("00020010"); // file meta information is not metadata
            assertThat(bulkDataUri(json, "7FE00010")).isEqualTo(instanceUrl + "/bulkdata/7FE00010");
        }

        // The pixel data BulkDataURI resolves to the pixel data, as its one frame.
        String pixelUri = bulkDataUri(metadata(instanceUrl).getFirst(), "7FE00010");
        List<Part> pixels = parts(Http.get(URI.create(pixelUri), UNCOMPRESSED_FRAMES));
        assertThat(pixels).hasSize(1);
        assertThat(pixels.getFirst().body()).isEqualTo(pixelBytes(expected));
    }

    @Test
    void largeBinaryValuesBecomeBulkDataThatResolvesToTheirBytes() throws Exception {
        // waveform_ecg.dcm holds its samples in an OB/OW value inside a sequence.
        IndexedInstance ecg = store("waveform_ecg.dcm");
        AttributeList expected = pixelMed(FILES.resolve("waveform_ecg.dcm"), false);
        Map<String, Object> json = metadata(url(ecg)).getFirst();
        String uri = bulkDataUriAnywhere(json);
        assertThat(uri).as("some bulk data URI in the waveform").isNotNull();
        assertThat(uri).startsWith(url(ecg) + "/bulkdata/");
        String path = uri.substring(uri.lastIndexOf('/') + 1);
        byte[] expectedBytes = Transcoder.value(expected, path);

        blobStore.wholeReads.set(0);
        List<Part> parts = parts(Http.get(URI.create(uri), null));
        assertThat(parts).hasSize(1);
        assertThat(parts.getFirst().body()).isEqualTo(expectedBytes);
        assertThat(blobStore.wholeReads.get()).as("served by a ranged read").isZero();

        HttpResponse<InputStream> single = Http.get(URI.create(uri), "application/octet-stream");
        assertThat(single.statusCode()).isEqualTo(200);
        assertThat(single.body().readAllBytes()).isEqualTo(expectedBytes);
    }

    @SuppressWarnings("unchecked")
    private static String bulkDataUriAnywhere(Object node) {
        if (node instanceof Map<?, ?> map) {
            if (map.get("BulkDataURI") instanceof String uri && !uri.endsWith("7FE00010")) {
                return uri;
            }
            for (Object value : map.values()) {
                String found = bulkDataUriAnywhere(value);
                if (found != null) {
                    return found;
                }
            }
        } else if (node instanceof List<?> list) {
            for (Object value : list) {
                String found = bulkDataUriAnywhere(value);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    @Test
    void studyMetadataOf50InstancesOpensNoStoredObject() throws Exception {
        List<SampleDicom.Instance> files = SampleDicom.generate(root.resolve("fifty"), 50, EXPLICIT_LE);
        IndexedInstance last = null;
        for (SampleDicom.Instance file : files) {
            last = store(file.file());
        }
        String studyUrl = url(last).substring(0, url(last).indexOf("/series/"));
        blobStore.reads.set(0);
        long[] nanos = new long[21];
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            List<Map<String, Object>> array = metadata(studyUrl);
            nanos[i] = System.nanoTime() - start;
            assertThat(array).hasSize(50);
            // Instance number order.
            assertThat(values(array.get(i % 50), "00200013")).containsExactly(new BigDecimal(i % 50 + 1));
        }
        assertThat(blobStore.reads.get()).as("blob reads for metadata").isZero();
        Arrays.sort(nanos);
        System.out.printf("study /metadata, 50 instances: median %.1f ms%n", nanos[nanos.length / 2] / 1e6);
    }

    @Test
    void uncompressedFramesAreThePixelBytesPixelMedReads() throws Exception {
        for (String name : List.of("CT_small.dcm", "rtdose.dcm", "MR_small_implicit.dcm",
                "MR_small_bigendian.dcm", "image_dfl.dcm")) {
            IndexedInstance stored = store(name);
            AttributeList expected = pixelMed(FILES.resolve(name), true);
            byte[] all = pixelBytes(expected);
            int frames = Attribute.getSingleIntegerValueOrDefault(expected, TagFromName.NumberOfFrames, 1);
            int frameLength = all.length / frames;
            StringBuilder list = new StringBuilder();
            for (int f = frames; f >= 1; f--) {
                list.append(f).append(f > 1 ? "," : "");
            }
            List<Part> parts = parts(Http.get(URI.create(url(stored) + "/frames/" + list), OHIF_FRAMES));
            assertThat(parts).as(name).hasSize(frames);
            for (int i = 0; i < frames; i++) {
                int frame = frames - i;
                assertThat(parts.get(i).contentType()).as(name)
                        .isEqualTo("application/octet-stream; transfer-syntax=" + EXPLICIT_LE);
                assertThat(parts.get(i).body()).as(name + " frame " + frame)
                        .isEqualTo(Arrays.copyOfRange(all, (frame - 1) * frameLength, frame * frameLength));
            }
        }
    }

    @Test
    void compressedFramesAreTheStoredFragmentsForOhif() throws Exception {
        Map<String, String> files = Map.of(
                "MR_small_RLE.dcm", "1.2.840.10008.1.2.5",
                "SC_rgb_rle_2frame.dcm", "1.2.840.10008.1.2.5",
                "JPEG-lossy.dcm", "1.2.840.10008.1.2.4.51",
                "SC_rgb_jpeg_dcmtk.dcm", "1.2.840.10008.1.2.4.50",
                "JPEG2000.dcm", "1.2.840.10008.1.2.4.91",
                "MR_small_jpeg_ls_lossless.dcm", "1.2.840.10008.1.2.4.80");
        for (var file : files.entrySet()) {
            IndexedInstance stored = store(file.getKey());
            AttributeList list = pixelMed(FILES.resolve(file.getKey()), false);
            byte[][] expected = ((OtherByteAttributeMultipleCompressedFrames) list.getPixelData()).getFrames();
            StringBuilder frames = new StringBuilder("1");
            for (int f = 2; f <= expected.length; f++) {
                frames.append(',').append(f);
            }
            blobStore.wholeReads.set(0);
            List<Part> parts = parts(Http.get(URI.create(url(stored) + "/frames/" + frames), OHIF_FRAMES));
            assertThat(blobStore.wholeReads.get()).as("ranged reads only").isZero();
            assertThat(parts).as(file.getKey()).hasSize(expected.length);
            for (int f = 0; f < expected.length; f++) {
                assertThat(parts.get(f).contentType()).isEqualTo("application/octet-stream; transfer-syntax=" + file.getValue());
                assertThat(stripPadding(parts.get(f).body())).as(file.getKey() + " frame " + (f + 1))
                        .isEqualTo(stripPadding(expected[f]));
            }
        }
        // Asked in their own media type, they come in it.
        IndexedInstance jpeg = store("SC_rgb_jpeg_dcmtk.dcm");
        List<Part> parts = parts(Http.get(URI.create(url(jpeg) + "/frames/1"),
                "multipart/related; type=\"image/jpeg\"; transfer-syntax=1.2.840.10008.1.2.4.50"));
        assertThat(parts.getFirst().contentType()).isEqualTo("image/jpeg; transfer-syntax=1.2.840.10008.1.2.4.50");
        assertThat(parts.getFirst().body()[0] & 0xFF).isEqualTo(0xFF);
        assertThat(parts.getFirst().body()[1] & 0xFF).isEqualTo(0xD8);
    }

    /**
     * PixelMed drops the padding byte that makes a fragment's length even (0x00, or 0xFF after a
     * JPEG EOI marker); we serve the fragment as stored, padding included.
     */
    private static byte[] stripPadding(byte[] bytes) {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        if (end >= 3 && (bytes[end - 1] & 0xFF) == 0xFF && (bytes[end - 2] & 0xFF) == 0xD9
                && (bytes[end - 3] & 0xFF) == 0xFF) {
            end--;
        }
        return Arrays.copyOf(bytes, end);
    }

    @Test
    void compressedFramesAskedAsOctetStreamAreDecompressed() throws Exception {
        byte[] expected = pixelBytes(pixelMed(FILES.resolve("MR_small.dcm"), false));
        for (String name : List.of("MR_small_RLE.dcm", "MR_small_jp2klossless.dcm", "MR_small_jpeg_ls_lossless.dcm")) {
            IndexedInstance stored = store(name);
            List<Part> parts = parts(Http.get(URI.create(url(stored) + "/frames/1"), UNCOMPRESSED_FRAMES));
            assertThat(parts.getFirst().contentType()).isEqualTo("application/octet-stream; transfer-syntax=" + EXPLICIT_LE);
            assertThat(parts.getFirst().body()).as(name).isEqualTo(expected);
        }
    }

    @Test
    void transcodesCompressedObjectsToExplicitVrLittleEndian() throws Exception {
        AttributeList original = pixelMed(FILES.resolve("MR_small.dcm"), false);
        for (String name : List.of("MR_small_jpeg_ls_lossless.dcm", "MR_small_RLE.dcm", "MR_small_jp2klossless.dcm")) {
            IndexedInstance stored = store(name);
            List<Part> parts = parts(Http.get(URI.create(url(stored)),
                    "multipart/related; type=\"application/dicom\"; transfer-syntax=" + EXPLICIT_LE));
            assertThat(parts).hasSize(1);
            assertThat(parts.getFirst().contentType()).isEqualTo("application/dicom; transfer-syntax=" + EXPLICIT_LE);
            AttributeList received = new AttributeList();
            received.read(new DicomInputStream(new ByteArrayInputStream(parts.getFirst().body())));
            assertThat(Attribute.getSingleStringValueOrNull(received, TagFromName.TransferSyntaxUID)).isEqualTo(EXPLICIT_LE);
            assertThat(Attribute.getSingleStringValueOrNull(received, TagFromName.SOPInstanceUID)).isEqualTo(stored.sopInstanceUid());
            assertThat(pixelBytes(received)).as(name).isEqualTo(pixelBytes(original));
        }
        // Without a transfer syntax asked, objects come as stored.
        IndexedInstance rle = store("MR_small_RLE.dcm");
        HttpResponse<InputStream> asStoredResponse = Http.get(URI.create(url(rle)), "multipart/related; type=\"application/dicom\"");
        assertThat(asStoredResponse.headers().firstValue("Content-Length")).as("length known up front").isPresent();
        List<Part> asStored = parts(asStoredResponse);
        assertThat(asStored.getFirst().body()).isEqualTo(Files.readAllBytes(FILES.resolve("MR_small_RLE.dcm")));
    }

    @Test
    void refusesWhatCannotBeServed() throws Exception {
        IndexedInstance ct = store("CT_small.dcm");
        assertThat(Http.get(URI.create(url(ct) + "/frames/0"), OHIF_FRAMES).statusCode()).isEqualTo(400);
        assertThat(Http.get(URI.create(url(ct) + "/frames/-1"), OHIF_FRAMES).statusCode()).isEqualTo(400);
        assertThat(Http.get(URI.create(url(ct) + "/frames/1,x"), OHIF_FRAMES).statusCode()).isEqualTo(400);
        assertThat(Http.get(URI.create(url(ct) + "/frames/2"), OHIF_FRAMES).statusCode()).isEqualTo(404);
        assertThat(Http.get(URI.create(url(ct) + "/frames/1"), "multipart/related; type=\"image/png\"").statusCode())
                .isEqualTo(406);
        assertThat(Http.get(URI.create(url(ct) + "/metadata"), "application/dicom+xml").statusCode()).isEqualTo(406);
        assertThat(Http.get(URI.create(url(ct) + "/bulkdata/nonsense"), null).statusCode()).isEqualTo(400);
        assertThat(Http.get(URI.create(url(ct) + "/bulkdata/00091010"), null).statusCode()).isEqualTo(404);
        String missing = url(ct).replace(ct.sopInstanceUid(), "1.2.3.4");
        assertThat(Http.get(URI.create(missing + "/metadata"), null).statusCode()).isEqualTo(404);
        assertThat(Http.get(URI.create(missing + "/frames/1"), null).statusCode()).isEqualTo(404);
        String noStudy = "http://127.0.0.1:" + web.port() + "/dicomweb/studies/1.2.3.4.5/metadata";
        assertThat(Http.get(URI.create(noStudy), null).statusCode()).isEqualTo(404);

        IndexedInstance video = store(SampleDicom.generate(root.resolve("video"), 1, SampleDicom.MPEG2_MAIN_LEVEL)
                .getFirst().file());
        assertThat(Http.get(URI.create(url(video)),
                "multipart/related; type=\"application/dicom\"; transfer-syntax=" + EXPLICIT_LE).statusCode())
                .isEqualTo(406);
        assertThat(Http.get(URI.create(url(video) + "/frames/1"), UNCOMPRESSED_FRAMES).statusCode()).isEqualTo(406);
    }
}
