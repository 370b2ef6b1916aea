package org.vesalius.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.server.VesaliusNode;
import org.vesalius.server.config.ConfigLoader;
import org.vesalius.storage.testing.SampleDicom;

/** The REST API on the embedded default: H2 and a blob folder. */
class RestApiFileSystemTest extends RestApiContract {
    @TempDir
    static Path temp;
    static VesaliusNode node;

    static VesaliusNode start(Path dataDir, Map<String, String> extra) throws Exception {
        Map<String, String> flags = new HashMap<>(Map.of(
                "vesalius.http.port", "0",
                "vesalius.dicom.port", "0",
                "vesalius.data.dir", dataDir.toString(),
                "vesalius.ingest.maxbytes", String.valueOf(MAX_BYTES)));
        flags.putAll(extra);
        return VesaliusNode.start(ConfigLoader.load(flags, null, Map.of()));
    }

    @BeforeAll
    static void startNode() throws Exception {
        node = start(temp.resolve("data"), Map.of());
    }

    @AfterAll
    static void stopNode() throws Exception {
        node.close();
    }

    @Override
    VesaliusNode node() {
        return node;
    }

    @Override
    Path temp() {
        return temp;
    }

    /** A second node: subject mismatches rejected, uploads expiring after 2 s. */
    @Test
    void rejectsSubjectMismatchesWhenConfiguredAndSweepsExpiredUploads() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("strict"));
        try (VesaliusNode strict = start(dir.resolve("data"), Map.of("vesalius.api.subjectmismatch", "reject",
                "vesalius.api.uploadttl", "PT2S"))) {
            String base = "http://127.0.0.1:" + strict.httpPort() + "/api";
            SampleDicom.Instance instance = SampleDicom.generate(dir.resolve("in"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);
            byte[] bytes = Files.readAllBytes(instance.file());
            refused(send("POST", base + "/subjects/someone-else/images", "application/dicom", bytes), 409, "PatientID");
            assertThat(strict.archive().index().findInstance(instance.sopInstanceUid())).isEmpty();
            // SampleDicom's PatientID: "SAMPLE-" and the study UID's last six characters.
            String patientId = "SAMPLE-" + instance.studyInstanceUid().substring(instance.studyInstanceUid().length() - 6);
            assertThat(send("POST", base + "/subjects/" + patientId + "/images", "application/dicom", bytes).status())
                    .isEqualTo(201);

            var upload = json("POST", base + "/uploads", "{\"subjectId\":\"late\"}").json();
            String id = upload.getString("id");
            assertThat(send("PUT", upload.getString("url"), "application/octet-stream", nifti()).status()).isEqualTo(204);
            assertThat(strict.archive().blobStore().size("uploads/" + id)).isPresent();
            // Wait for the upload to expire (a point in time, not a readiness guess).
            Instant expires = Instant.parse(upload.getString("expiresAt"));
            while (!Instant.now().isAfter(expires)) {
                Thread.sleep(50);
            }
            refused(send("POST", base + "/uploads/" + id + "/complete", null, null), 404, "expired");
            json("POST", base + "/uploads", "{\"subjectId\":\"next\"}"); // sweeps the expired one
            assertThat(strict.archive().blobStore().size("uploads/" + id)).isEmpty();
        }
    }
}
