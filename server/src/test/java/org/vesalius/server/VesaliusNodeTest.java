package org.vesalius.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.server.config.ConfigLoader;
import org.vesalius.server.config.ServerConfig;
import org.vesalius.storage.index.DatabaseSettings;
import org.vesalius.storage.index.IndexedInstance;
import org.vesalius.storage.testing.Dcmtk;
import org.vesalius.storage.testing.PostgresFixture;
import org.vesalius.storage.testing.S3ProxyFixture;
import org.vesalius.storage.testing.SampleDicom;

/**
 * The whole server as a user runs it: DCMTK's echoscu and storescu against a started node, on
 * the embedded default and on PostgreSQL + S3, with restarts and failures of its parts.
 */
class VesaliusNodeTest {
    static final Path PYDICOM = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Where the pydicom files are copied, relative to the temp folder. */
    static final Path PYDICOM_COPIES = Path.of("pydicom");

    @TempDir
    Path temp;

    private ServerConfig config(Map<String, String> extra) {
        Map<String, String> flags = new HashMap<>(Map.of(
                "vesalius.http.port", "0",
                "vesalius.dicom.port", "0",
                "vesalius.data.dir", temp.resolve("data").toString()));
        flags.putAll(extra);
        return ConfigLoader.load(flags, null, Map.of());
    }

    /** Generated instances in several transfer syntaxes plus real files of other SOP classes. */
    private List<Path> mixedSet() throws Exception {
        List<Path> files = new ArrayList<>();
        for (String syntax : List.of(SampleDicom.IMPLICIT_VR_LITTLE_ENDIAN, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN,
                SampleDicom.EXPLICIT_VR_BIG_ENDIAN, SampleDicom.DEFLATED, SampleDicom.JPEG_BASELINE,
                SampleDicom.JPEG_LOSSLESS_SV1, SampleDicom.JPEG_LS_LOSSLESS, SampleDicom.RLE)) {
            SampleDicom.generate(temp.resolve("in"), 2, syntax).forEach(i -> files.add(i.file()));
        }
        // Real files of other SOP classes and encoders, with distinct SOP Instance UIDs: CT, MR (RLE),
        // JPEG 2000, SR, waveform.
        for (String name : List.of("CT_small.dcm", "MR_small_RLE.dcm", "JPEG2000.dcm", "test-SR.dcm", "waveform_ecg.dcm")) {
            Path copy = temp.resolve(PYDICOM_COPIES).resolve(name);
            Files.createDirectories(copy.getParent());
            files.add(Files.copy(PYDICOM.resolve(name), copy));
        }
        return files;
    }

    @Test
    void storesOverDimseBitExactAndKeepsEverythingAcrossARestart() throws Exception {
        ServerConfig config = config(Map.of());
        List<Path> files = mixedSet();
        Map<String, String> dataSetDigestBySop = new HashMap<>();

        try (VesaliusNode node = VesaliusNode.start(config)) {
            Dcmtk.echo("VESALIUS", "127.0.0.1", node.dicomPort()).requireSuccess();
            assertThat(health(node).statusCode()).isEqualTo(200);

            Dcmtk.store("MODALITY", "VESALIUS", "127.0.0.1", node.dicomPort(), files).requireSuccess();

            for (Path file : files) {
                String sop = SampleDicom.describe(file).sopInstanceUid();
                IndexedInstance indexed = node.archive().index().findInstance(sop)
                        .orElseThrow(() -> new AssertionError("not indexed: " + file));
                try (InputStream stored = node.archive().blobStore().open(indexed.blobKey())) {
                    boolean deflated = indexed.transferSyntaxUid().equals(SampleDicom.DEFLATED);
                    String digest = deflated ? SampleDicom.inflatedDataSetSha256(stored) : SampleDicom.dataSetSha256(stored);
                    if (!file.startsWith(temp.resolve(PYDICOM_COPIES))) {
                        // storescu re-encodes what it reads (drops group lengths, re-deflates with its
                        // own flushes), so only files it wrote itself travel byte for byte: the
                        // generated ones (deflated ones compared after inflating).
                        assertThat(digest).as("data set of %s stored bit-exact", file.getFileName())
                                .isEqualTo(deflated ? SampleDicom.inflatedDataSetSha256(file) : SampleDicom.dataSetSha256(file));
                    }
                    dataSetDigestBySop.put(sop, digest);
                }
            }
            assertThat(node.archive().index().countInstances()).isEqualTo(files.size());
        }

        try (VesaliusNode restarted = VesaliusNode.start(config)) {
            assertThat(health(restarted).statusCode()).isEqualTo(200);
            assertThat(restarted.archive().index().countInstances()).isEqualTo(files.size());
            for (Map.Entry<String, String> entry : dataSetDigestBySop.entrySet()) {
                IndexedInstance indexed = restarted.archive().index().findInstance(entry.getKey()).orElseThrow();
                try (InputStream stored = restarted.archive().blobStore().open(indexed.blobKey())) {
                    assertThat(indexed.transferSyntaxUid().equals(SampleDicom.DEFLATED)
                            ? SampleDicom.inflatedDataSetSha256(stored) : SampleDicom.dataSetSha256(stored))
                            .isEqualTo(entry.getValue());
                }
            }
        }
    }

    @Test
    void runsOnPostgresqlAndS3AndSaysOutOfResourcesWhenS3IsGone() throws Exception {
        DatabaseSettings postgres = PostgresFixture.createDatabase();
        S3ProxyFixture s3 = S3ProxyFixture.start();
        Map<String, String> production = Map.of(
                "vesalius.index.url", postgres.jdbcUrl(),
                "vesalius.index.user", postgres.user(),
                "vesalius.index.password", postgres.password(),
                "vesalius.blob.store", "s3",
                "vesalius.blob.s3.bucket", s3.bucket(),
                "vesalius.blob.s3.endpoint", s3.endpoint().toString(),
                "vesalius.blob.s3.pathstyle", "true",
                "vesalius.blob.s3.accesskey", s3.accessKey(),
                "vesalius.blob.s3.secretkey", s3.secretKey());
        List<SampleDicom.Instance> instances = SampleDicom.generate(temp.resolve("in"), 5, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN);

        try (VesaliusNode node = VesaliusNode.start(config(production))) {
            Dcmtk.store("MODALITY", "VESALIUS", "127.0.0.1", node.dicomPort(),
                    instances.stream().map(SampleDicom.Instance::file).toList()).requireSuccess();
            for (SampleDicom.Instance instance : instances) {
                IndexedInstance indexed = node.archive().index().findInstance(instance.sopInstanceUid()).orElseThrow();
                try (InputStream stored = node.archive().blobStore().open(indexed.blobKey())) {
                    assertThat(SampleDicom.dataSetSha256(stored)).isEqualTo(SampleDicom.dataSetSha256(instance.file()));
                }
            }

            s3.close();
            HttpResponse<String> health = health(node);
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"blobStore\":{\"status\":\"DOWN\"");

            Path another = SampleDicom.generate(temp.resolve("late"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0).file();
            Dcmtk.Result refused = Dcmtk.store("MODALITY", "VESALIUS", "127.0.0.1", node.dicomPort(), List.of(another));
            assertThat(refused.output()).as(refused.output()).contains("Refused: OutOfResources");
            assertThat(node.archive().index().countInstances()).isEqualTo(instances.size());
        } finally {
            s3.close();
        }
    }

    @Test
    void givesUpWhenItsHttpPortIsTakenAndLeavesThePortsFree() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> VesaliusNode.start(config(Map.of("vesalius.http.port",
                    String.valueOf(taken.getLocalPort())))))
                    .isInstanceOf(java.io.IOException.class)
                    .hasMessageContaining(String.valueOf(taken.getLocalPort()));
        }
        // Nothing was left open: a node starts on the same data folder at once.
        try (VesaliusNode node = VesaliusNode.start(config(Map.of()))) {
            assertThat(node.httpPort()).isPositive();
        }
    }

    @Test
    void refusesToListenBeyondLoopbackWithoutSignInUnlessInsecure() {
        assertThatThrownBy(() -> VesaliusNode.start(config(Map.of("vesalius.http.host", "0.0.0.0"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--insecure");
    }

    @Test
    void importStoresAFolderAndReconcileFindsAndFixesDanglingRowsAndOrphans() throws Exception {
        List<SampleDicom.Instance> instances = SampleDicom.generate(temp.resolve("in"), 4, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN);
        Files.writeString(temp.resolve("in").resolve("notes.txt"), "not DICOM");
        String[] storageFlags = {"--data-dir", temp.resolve("data").toString()};

        Output imported = run("import", temp.resolve("in").toString(), storageFlags[0], storageFlags[1]);
        assertThat(imported.exitCode).isEqualTo(1);
        assertThat(imported.out).contains("imported 4 of 5 files, 1 failed", "notes.txt");

        // Behind the archive's back: one blob lost, one stray object added, and one index row lost
        // (as when the embedded H2 database loses its last commits in a power cut).
        ServerConfig config = config(Map.of());
        String lostKey;
        String unindexedKey;
        try (Archive archive = Archive.open(config)) {
            lostKey = archive.index().findInstance(instances.get(0).sopInstanceUid()).orElseThrow().blobKey();
            archive.blobStore().delete(lostKey);
            archive.blobStore().put("dicom/1.2.3/4.5.6/7.8.9_" + "0".repeat(64), InputStream.nullInputStream(), 0);
            unindexedKey = archive.index().findInstance(instances.get(1).sopInstanceUid()).orElseThrow().blobKey();
            archive.index().delete(instances.get(1).sopInstanceUid());
        }

        Output report = run("reconcile", storageFlags[0], storageFlags[1]);
        assertThat(report.exitCode).isEqualTo(1);
        assertThat(report.out).contains("1 index rows without blob, 2 orphan blobs", lostKey, unindexedKey);

        Output fixed = run("reconcile", "--fix", storageFlags[0], storageFlags[1]);
        assertThat(fixed.exitCode).isZero();
        assertThat(fixed.out).contains(unindexedKey + ": indexed as " + instances.get(1).sopInstanceUid(),
                "7.8.9_" + "0".repeat(64) + ": removed");
        Output clean = run("reconcile", storageFlags[0], storageFlags[1]);
        assertThat(clean.exitCode).isZero();
        assertThat(clean.out).contains("0 index rows without blob, 0 orphan blobs");
        try (Archive archive = Archive.open(config)) {
            assertThat(archive.index().findInstance(instances.get(1).sopInstanceUid())).isPresent();
            assertThat(archive.index().findInstance(instances.get(0).sopInstanceUid())).isEmpty();
            assertThat(archive.index().countInstances()).isEqualTo(3);
        }
    }

    private record Output(int exitCode, String out) {
    }

    private static Output run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code = Main.run(args, print, print);
        return new Output(code, out.toString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> health(VesaliusNode node) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
