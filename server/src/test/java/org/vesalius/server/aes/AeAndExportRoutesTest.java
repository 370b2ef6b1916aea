package org.vesalius.server.aes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.dimse.aes.AeRegistry;
import org.vesalius.dimse.export.Exporter;
import org.vesalius.dimse.export.InstanceResolver;
import org.vesalius.dimse.export.InstanceSender;
import org.vesalius.dimse.export.StoreScu;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.audit.Origin;
import org.vesalius.storage.blob.FileSystemBlobStore;
import org.vesalius.storage.dicom.DicomHeaderReader;
import org.vesalius.storage.index.Database;
import org.vesalius.storage.index.DatabaseSettings;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.ingest.IngestRequest;
import org.vesalius.storage.ingest.IngestService;
import org.vesalius.storage.ingest.IngestSettings;
import org.vesalius.storage.query.QueryEngine;
import org.vesalius.storage.testing.Dcmtk;
import org.vesalius.storage.testing.SampleDicom;

/** {@code /api/aes} and {@code /api/.../export} over real HTTP, exporting to DCMTK's storescp. */
class AeAndExportRoutesTest {
    @TempDir
    Path dir;
    private Database database;
    private FileSystemBlobStore blobs;
    private IngestService ingest;
    private WebServer web;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        database = Database.open(DatabaseSettings.embeddedH2(dir.resolve("db")));
        blobs = new FileSystemBlobStore(dir.resolve("blobs"));
        Clock clock = Clock.systemUTC();
        InstanceIndex index = new InstanceIndex(database);
        ingest = new IngestService(blobs, index, new DicomHeaderReader("PatientID"), IngestSettings.defaults(),
                new AuditLog(database, clock), clock);
        AeRegistry aes = new AeRegistry(database, clock);
        QueryEngine queries = new QueryEngine(database);
        Exporter exporter = new Exporter("VESALIUS", new InstanceResolver(queries, index), new InstanceSender(blobs), aes,
                StoreScu.Timeouts.DEFAULT);
        web = WebServer.builder().host("127.0.0.1").port(0)
                .routing(routing -> routing.register("/api/aes", new AeRoutes(aes)).register("/api", new ExportRoutes(exporter)))
                .build().start();
    }

    @AfterEach
    void stop() throws IOException {
        if (web != null) {
            web.stop();
        }
        database.close();
        blobs.close();
    }

    private HttpResponse<String> call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + path));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void registryIsEditableAndEffectiveAtOnce() throws Exception {
        assertThat(call("GET", "/api/aes", null).body()).isEqualTo("[]");
        HttpResponse<String> created = call("PUT", "/api/aes/PACS1", "{\"host\": \"pacs.example.org\", \"port\": 104}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(call("PUT", "/api/aes/PACS1", "{\"host\": \"10.0.0.2\", \"port\": 11112, \"tls\": true}").statusCode())
                .isEqualTo(200);
        HttpResponse<String> shown = call("GET", "/api/aes/PACS1", null);
        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(shown.body()).isEqualTo("{\"aet\":\"PACS1\",\"host\":\"10.0.0.2\",\"port\":11112,\"tls\":true}");
        assertThat(call("GET", "/api/aes", null).body()).contains("PACS1");
        assertThat(call("DELETE", "/api/aes/PACS1", null).statusCode()).isEqualTo(204);
        assertThat(call("GET", "/api/aes/PACS1", null).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "/api/aes/PACS1", null).statusCode()).isEqualTo(404);
    }

    @Test
    void badInputGets400WithAReason() throws Exception {
        HttpResponse<String> noPort = call("PUT", "/api/aes/PACS1", "{\"host\": \"pacs\"}");
        assertThat(noPort.statusCode()).isEqualTo(400);
        assertThat(noPort.body()).contains("port");
        assertThat(call("PUT", "/api/aes/PACS1", "{\"host\": \"pacs\", \"port\": 70000}").statusCode()).isEqualTo(400);
        assertThat(call("PUT", "/api/aes/PACS1", "{\"host\": \"a/b\", \"port\": 104}").statusCode()).isEqualTo(400);
        assertThat(call("PUT", "/api/aes/PACS1", "not json").statusCode()).isEqualTo(400);
        assertThat(call("PUT", "/api/aes/WAY_TOO_LONG_AE_TITLE", "{\"host\": \"pacs\", \"port\": 104}").statusCode())
                .isEqualTo(400);
        assertThat(call("POST", "/api/studies/1.2.3/export?ae=NOBODY", null).statusCode()).isEqualTo(404);
        assertThat(call("POST", "/api/studies/1.2.x/export?ae=NOBODY", null).statusCode()).isEqualTo(400);
    }

    @Test
    void exportsAStudyToARegisteredAeBitExact() throws Exception {
        assumeTrue(Dcmtk.isInstalled("storescp"), "DCMTK is not installed");
        List<SampleDicom.Instance> instances = SampleDicom.generate(dir.resolve("files"), 3, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN);
        for (SampleDicom.Instance instance : instances) {
            ingest.ingest(instance.file(), IngestRequest.from(Origin.cli("test")));
        }
        Path received = Files.createDirectories(dir.resolve("received"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process storescp = new ProcessBuilder("storescp", "-aet", "DEST", "-od", received.toString(), "-fe", ".dcm",
                String.valueOf(port)).redirectErrorStream(true).redirectOutput(dir.resolve("storescp.log").toFile()).start();
        try {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (!Dcmtk.echo("DEST", "127.0.0.1", port).succeeded()) {
                assertThat(Instant.now()).as("storescp up").isBefore(deadline);
            }
            assertThat(call("PUT", "/api/aes/DEST", "{\"host\": \"127.0.0.1\", \"port\": " + port + "}").statusCode()).isEqualTo(201);

            HttpResponse<String> export = call("POST", "/api/studies/" + instances.getFirst().studyInstanceUid()
                    + "/export?ae=DEST", null);

            assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
            assertThat(export.body()).contains("\"sent\":3", "\"failed\":0");
            List<String> hashes = new ArrayList<>();
            try (Stream<Path> files = Files.list(received)) {
                for (Path file : files.toList()) {
                    hashes.add(SampleDicom.dataSetSha256(file));
                }
            }
            List<String> expected = new ArrayList<>();
            for (SampleDicom.Instance instance : instances) {
                expected.add(SampleDicom.dataSetSha256(instance.file()));
            }
            assertThat(hashes).containsExactlyInAnyOrderElementsOf(expected);
        } finally {
            storescp.destroy();
        }

        HttpResponse<String> unreachable = call("POST", "/api/instances/" + instances.getFirst().sopInstanceUid()
                + "/export?ae=DEST", null);
        assertThat(unreachable.statusCode()).isEqualTo(502);
    }
}
