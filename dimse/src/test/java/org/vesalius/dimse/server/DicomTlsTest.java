package org.vesalius.dimse.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.dimse.DimseSettings;
import org.vesalius.dimse.tls.TlsSettings;
import org.vesalius.storage.testing.Dcmtk;
import org.vesalius.storage.testing.SampleDicom;

/**
 * DICOM TLS against DCMTK's echoscu and storescu (built with OpenSSL): a server key pair made with
 * keytool, a client key pair made with openssl and trusted by the server's trust store, client
 * certificates required.
 */
class DicomTlsTest {
    private static final String AET = "VESALIUS";
    private static final String LOCALHOST = "127.0.0.1";
    private static final String PASSWORD = "test-only-password";

    @TempDir
    static Path keys;
    @TempDir
    Path dir;
    private Archive archive;
    private DimseServer server;

    @BeforeAll
    static void makeKeys() {
        assumeTrue(Dcmtk.isInstalled("echoscu") && Dcmtk.isInstalled("storescu") && Dcmtk.isInstalled("openssl")
                && Dcmtk.isInstalled("keytool"), "DCMTK, openssl or keytool is not installed");
        // The server's key pair, and its certificate in PEM for DCMTK to trust.
        Dcmtk.run("keytool", "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keys.resolve("server.p12").toString(), "-storepass", PASSWORD, "-keypass", PASSWORD).requireSuccess();
        Dcmtk.run("keytool", "-exportcert", "-rfc", "-alias", "server", "-keystore", keys.resolve("server.p12").toString(),
                "-storepass", PASSWORD, "-file", keys.resolve("server.pem").toString()).requireSuccess();
        // The client's key pair (DCMTK reads a PEM private key, which keytool cannot write), trusted by the server.
        Dcmtk.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=MODALITY",
                "-keyout", keys.resolve("client.key").toString(), "-out", keys.resolve("client.pem").toString()).requireSuccess();
        Dcmtk.run("keytool", "-importcert", "-noprompt", "-alias", "client", "-file", keys.resolve("client.pem").toString(),
                "-storetype", "PKCS12", "-keystore", keys.resolve("trust.p12").toString(), "-storepass", PASSWORD).requireSuccess();
    }

    @BeforeEach
    void start() throws IOException {
        archive = new Archive(dir.resolve("archive"));
        server = archive.server(DimseSettings.defaults(LOCALHOST, 0, dir.resolve("spool")).withTls(Optional.of(tls(PASSWORD))))
                .start();
    }

    private static TlsSettings tls(String keyStorePassword) {
        return new TlsSettings(0, keys.resolve("server.p12"), keyStorePassword, Optional.of(keys.resolve("trust.p12")),
                PASSWORD, true);
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (archive != null) {
            archive.close();
        }
    }

    @Test
    void echoesAndStoresOverTls() throws Exception {
        Dcmtk.Result echo = overTls(List.of("echoscu", "-v", "-aet", "MODALITY", "-aec", AET), List.of());
        assertThat(echo.exitCode()).as(echo.output()).isZero();
        assertThat(echo.output()).contains("Received Echo Response (Success)");

        SampleDicom.Instance instance = SampleDicom.generate(dir.resolve("in"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);
        Dcmtk.Result store = overTls(List.of("storescu", "-v", "-aet", "MODALITY", "-aec", AET),
                List.of(instance.file().toString()));
        assertThat(store.exitCode()).as(store.output()).isZero();
        assertThat(archive.index.findInstance(instance.sopInstanceUid())).isPresent();

        // The plain listener goes on beside it.
        assertThat(Dcmtk.echo(AET, LOCALHOST, server.port()).exitCode()).isZero();
    }

    @Test
    void refusesAClientWithoutACertificate() {
        Dcmtk.Result echo = Dcmtk.run("echoscu", "-v", "+tla", "+cf", keys.resolve("server.pem").toString(),
                "-aet", "MODALITY", "-aec", AET, LOCALHOST, String.valueOf(server.tlsPort()));

        assertThat(echo.exitCode()).isNotZero();
        assertThat(echo.output()).doesNotContain("Echo Response");
        // The refused handshake ended that connection only.
        assertThat(overTls(List.of("echoscu", "-aet", "MODALITY", "-aec", AET), List.of()).exitCode()).isZero();
    }

    @Test
    void refusesPlainDicomOnTheTlsPort() {
        Dcmtk.Result echo = Dcmtk.run("echoscu", "-to", "5", "-aet", "MODALITY", "-aec", AET, LOCALHOST,
                String.valueOf(server.tlsPort()));

        assertThat(echo.exitCode()).isNotZero();
        assertThat(echo.output()).doesNotContain("Echo Response");
    }

    @Test
    void aWrongKeyStorePasswordFailsTheStart() throws IOException {
        server.close();
        server = null;

        assertThatThrownBy(() -> archive.server(DimseSettings.defaults(LOCALHOST, 0, dir.resolve("spool2"))
                .withTls(Optional.of(tls("wrong")))).start())
                .isInstanceOf(IOException.class).hasMessageContaining("server.p12");
    }

    /** Runs the tool with our client key pair, trusting the server's certificate, against the TLS port. */
    private Dcmtk.Result overTls(List<String> toolAndOptions, List<String> files) {
        List<String> command = new ArrayList<>(toolAndOptions);
        command.addAll(List.of("+tls", keys.resolve("client.key").toString(), keys.resolve("client.pem").toString(),
                "+cf", keys.resolve("server.pem").toString(), LOCALHOST, String.valueOf(server.tlsPort())));
        command.addAll(files);
        return Dcmtk.run(Dcmtk.DEFAULT_TIMEOUT, command);
    }
}
