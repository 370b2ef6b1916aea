package org.vesalius.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.server.config.ConfigLoader;
import org.vesalius.dimse.aes.RemoteAe;
import org.vesalius.server.config.ServerConfig;
import org.vesalius.storage.ingest.DuplicatePolicy;

class ConfigLoaderTest {
    @TempDir
    Path temp;

    @Test
    void defaultsAreTheEmbeddedArchiveOnLoopback() {
        ServerConfig config = ConfigLoader.load(Map.of(), null, Map.of());

        assertThat(config.httpHost()).isEqualTo("127.0.0.1");
        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.dicomPort()).isEqualTo(11112);
        assertThat(config.dicomHost()).isEqualTo("127.0.0.1");
        assertThat(config.aeTitle()).isEqualTo("VESALIUS");
        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.blobStore()).isEqualTo(ServerConfig.BlobStoreKind.FILESYSTEM);
        assertThat(config.s3()).isEmpty();
        assertThat(config.blobDir()).isEqualTo(Path.of("./data/blobs"));
        assertThat(config.database().jdbcUrl()).startsWith("jdbc:h2:file:").contains("data");
        assertThat(config.ingest().duplicatePolicy()).isEqualTo(DuplicatePolicy.REPLACE);
        assertThat(config.subjectAttribute()).isEqualTo("PatientID");
        assertThat(config.loopbackOnly()).isTrue();
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheConfigFileWhichBeatsDefaults() throws Exception {
        Path file = temp.resolve("vesalius.yaml");
        Files.writeString(file, """
                vesalius:
                  http:
                    port: 7001
                  dicom:
                    port: 7002
                  aet: FROMFILE
                  ingest:
                    duplicates: reject
                  aes:
                    - {title: WORKSTATION, host: 10.0.0.12, port: 104}
                    - {title: PACS, host: pacs.example.org, port: 2762, tls: true}
                """);
        Map<String, String> environment = Map.of("VESALIUS_DICOM_PORT", "7102", "VESALIUS_AET", "FROMENV",
                "VESALIUS_BLOB_STORE", "s3", "VESALIUS_BLOB_S3_BUCKET", "my-bucket", "PATH", "/usr/bin");
        Map<String, String> flags = Map.of("vesalius.aet", "FROMFLAG");

        ServerConfig config = ConfigLoader.load(flags, file, environment);

        assertThat(config.httpPort()).isEqualTo(7001);
        assertThat(config.dicomPort()).isEqualTo(7102);
        assertThat(config.aeTitle()).isEqualTo("FROMFLAG");
        assertThat(config.s3().orElseThrow().bucket()).isEqualTo("my-bucket");
        assertThat(config.ingest().duplicatePolicy()).isEqualTo(DuplicatePolicy.REJECT);
        assertThat(config.remoteAes()).containsExactly(
                new RemoteAe("WORKSTATION", "10.0.0.12", 104, false),
                new RemoteAe("PACS", "pacs.example.org", 2762, true));
    }

    @Test
    void aNonLoopbackAddressIsNotLoopbackOnly() {
        ServerConfig config = ConfigLoader.load(Map.of("vesalius.http.host", "0.0.0.0"), null, Map.of());
        assertThat(config.loopbackOnly()).isFalse();
    }

    @Test
    void helpListsTheCommandsAndUnknownOptionsAreRefused() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertThat(Main.run(new String[]{"--help"}, outStream, errStream)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("serve", "import DIR", "reconcile", "--http-port",
                "--dicom-port", "--aet", "--data-dir", "--config");

        assertThat(Main.run(new String[]{"serve", "--bogus"}, outStream, errStream)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --bogus");
    }
}
