package org.vesalius.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.dimse.access.DimseService;
import org.vesalius.server.VesaliusNode;
import org.vesalius.storage.testing.Dcmtk;

/** dicom.allow and dicom.tls from a configuration file, and the node's rule for non-loopback DICOM. */
class DicomAccessConfigTest {
    private static final String CONFIG = """
            vesalius:
              dicom:
                allow:
                  - {aet: MODALITY1, hosts: ["10.0.0.0/24", "127.0.0.1"], services: [store]}
                  - {aet: WORKSTATION, services: [find, MOVE]}
                tls:
                  port: 2762
                  keystore: /etc/vesalius/dicom.p12
                  keystorepassword: secret
                  requireclientauth: false
            """;

    @TempDir
    Path temp;

    private ServerConfig load(String yaml, Map<String, String> extra) throws Exception {
        Path file = Files.writeString(temp.resolve("config.yaml"), yaml);
        Map<String, String> flags = new HashMap<>(Map.of("vesalius.http.port", "0", "vesalius.dicom.port", "0",
                "vesalius.data.dir", temp.resolve("data").toString()));
        flags.putAll(extra);
        return ConfigLoader.load(flags, file, Map.of());
    }

    @Test
    void readsTheAllowListAndTls() throws Exception {
        ServerConfig config = load(CONFIG, Map.of());

        assertThat(config.dicomCallers().servicesFor("MODALITY1", InetAddress.getByName("10.0.0.77")))
                .containsExactly(DimseService.STORE);
        assertThat(config.dicomCallers().servicesFor("MODALITY1", InetAddress.getByName("10.0.1.77"))).isEmpty();
        assertThat(config.dicomCallers().servicesFor("WORKSTATION", InetAddress.getByName("192.168.1.2")))
                .isEqualTo(EnumSet.of(DimseService.FIND, DimseService.MOVE));
        assertThat(config.dicomCallers().servicesFor("OTHER", InetAddress.getByName("127.0.0.1"))).isEmpty();
        assertThat(config.dicomTls()).hasValueSatisfying(tls -> {
            assertThat(tls.port()).isEqualTo(2762);
            assertThat(tls.keyStore()).isEqualTo(Path.of("/etc/vesalius/dicom.p12"));
            assertThat(tls.toString()).doesNotContain("secret");
        });
    }

    @Test
    void refusesHostNamesAndUnknownServices() {
        assertThatThrownBy(() -> load("vesalius: {dicom: {allow: [{aet: A, hosts: [pacs.example.org]}]}}", Map.of()))
                .hasMessageContaining("host names are not accepted");
        assertThatThrownBy(() -> load("vesalius: {dicom: {allow: [{aet: A, services: [print]}]}}", Map.of()))
                .hasMessageContaining("unknown DICOM service 'print'");
    }

    @Test
    void dicomBeyondLoopbackNeedsTheAllowListAndThenEnforcesIt() throws Exception {
        assumeTrue(Dcmtk.isInstalled("echoscu"), "DCMTK is not installed");
        Map<String, String> anyAddress = Map.of("vesalius.dicom.host", "0.0.0.0");
        assertThatThrownBy(() -> VesaliusNode.start(load("vesalius: {}", anyAddress)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("dicom.allow");

        String allowLoopback = "vesalius: {dicom: {allow: [{aet: MODALITY1, hosts: [\"127.0.0.0/8\"]}]}}";
        try (VesaliusNode node = VesaliusNode.start(load(allowLoopback, anyAddress))) {
            String port = String.valueOf(node.dicomPort());
            Dcmtk.run("echoscu", "-aet", "MODALITY1", "-aec", "VESALIUS", "127.0.0.1", port).requireSuccess();
            Dcmtk.Result stranger = Dcmtk.run("echoscu", "-v", "-aet", "STRANGER", "-aec", "VESALIUS", "127.0.0.1", port);
            assertThat(stranger.exitCode()).isNotZero();
            assertThat(stranger.output()).contains("Calling AE Title Not Recognized");
        }
    }
}
