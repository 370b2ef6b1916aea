package org.vesalius.server.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.server.VesaliusNode;
import org.vesalius.server.config.ConfigLoader;
import org.vesalius.storage.testing.SampleDicom;

/**
 * The OHIF viewer against a running Vesalius, in a real headless Chromium: the study list shows a
 * study stored through STOW-RS, opening it makes OHIF fetch series metadata and frames, and, once
 * the server has WADO-RS {@code /metadata}, an image is displayed. Screenshots go to
 * /tmp/ohif-*.png.
 *
 * <p>What the check needs is installed when missing: Debian's chromium (apt-get), playwright-core
 * and the OHIF build (npm) under target/viewer-test. Only when that is impossible on this machine
 * (no npm, no registry, no apt) is the test skipped, saying why.
 */
class OhifViewerTest {
    private static final String PLAYWRIGHT = "playwright-core@1.65.1";
    private static final Path WORK = Path.of("target", "viewer-test").toAbsolutePath();
    private static final Path OHIF = WORK.resolve("ohif");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path temp;

    @BeforeAll
    static void installWhatTheCheckNeeds() throws Exception {
        Assumptions.assumeTrue(run(WORK.getParent(), Duration.ofSeconds(10), "node", "--version").exitCode == 0,
                "node is not installed (apt-get install nodejs npm)");
        if (!Files.isExecutable(CHROMIUM)) {
            Result apt = run(WORK.getParent(), Duration.ofMinutes(10), "bash", "-c",
                    "export DEBIAN_FRONTEND=noninteractive; S=$([ \"$(id -u)\" = 0 ] || echo 'sudo -n');"
                            + " $S apt-get install -y -q --no-install-recommends chromium"
                            + " || { $S apt-get update -q && $S apt-get install -y -q --no-install-recommends chromium; }");
            Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "cannot install Debian's chromium: " + apt.tail());
        }
        Files.createDirectories(WORK);
        if (!Files.isDirectory(WORK.resolve("node_modules/playwright-core"))) {
            Files.writeString(WORK.resolve("package.json"), "{\"private\": true}\n");
            Result npm = run(WORK, Duration.ofMinutes(5), "npm", "install", "--no-save", "--no-package-lock",
                    "--no-audit", "--no-fund", PLAYWRIGHT);
            Assumptions.assumeTrue(npm.exitCode == 0, "cannot install " + PLAYWRIGHT + " with npm: " + npm.tail());
        }
        if (!Files.isRegularFile(OHIF.resolve("index.html"))) {
            Result build = run(WORK, Duration.ofMinutes(5), "bash",
                    Path.of("src/main/viewer/build-ohif.sh").toAbsolutePath().toString(), OHIF.toString());
            // 3: the package cannot be downloaded here; anything else is a failure of the build script.
            Assumptions.assumeFalse(build.exitCode == 3, "cannot download the OHIF build: " + build.tail());
            assertThat(build.exitCode).as(build.tail()).isZero();
        }
        Files.copy(Path.of("src/test/viewer/ohif-check.mjs"), WORK.resolve("ohif-check.mjs"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void ohifShowsTheStudyListOpensAStudyAndDisplaysItsImages() throws Exception {
        try (VesaliusNode node = VesaliusNode.start(ConfigLoader.load(Map.of(
                "vesalius.http.port", "0",
                "vesalius.dicom.port", "0",
                "vesalius.data.dir", temp.resolve("data").toString(),
                "vesalius.viewer.enabled", "true",
                "vesalius.viewer.dir", OHIF.toString()), null, Map.of()))) {
            String base = "http://127.0.0.1:" + node.httpPort();
            List<SampleDicom.Instance> images = SampleDicom.generate(temp.resolve("in"), 3,
                    SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN);
            String study = images.getFirst().studyInstanceUid();
            String series = images.getFirst().seriesInstanceUid();
            stow(base, images);

            // The viewer's own routes: the generated configuration and SPA deep links.
            HttpResponse<String> config = get(base + "/viewer/app-config.js");
            assertThat(config.statusCode()).isEqualTo(200);
            assertThat(config.body()).contains("routerBasename: '/viewer'", "window.location.origin + '/dicomweb'");
            HttpResponse<String> deepLink = get(base + "/viewer/viewer?StudyInstanceUIDs=" + study);
            assertThat(deepLink.statusCode()).isEqualTo(200);
            assertThat(deepLink.body()).contains("/viewer/app.bundle.");
            assertThat(get(base + "/viewer/no-such-file.js").statusCode()).isEqualTo(404);

            // Images can only be displayed once WADO-RS /metadata exists (and /frames with it).
            boolean metadataServed = get(base + "/dicomweb/studies/" + study + "/series/" + series + "/metadata")
                    .statusCode() == 200;
            Result check = run(WORK, Duration.ofMinutes(3), "node", WORK.resolve("ohif-check.mjs").toString(),
                    base, study, "Sample", "/tmp/ohif", String.valueOf(metadataServed));
            System.out.println("OHIF check (images expected: " + metadataServed + "): " + check.tail());
            assertThat(check.exitCode).as(check.tail()).isZero();
            assertThat(check.output).contains("\"studyList\":true", "\"metadataRequested\":true");
            if (metadataServed) {
                assertThat(check.output).contains("\"framesRequested\":true", "\"imageRendered\":true");
            }
        }
    }

    /** Stores the images through STOW-RS, as a viewer's upload would. */
    private static void stow(String base, List<SampleDicom.Instance> images) throws Exception {
        String boundary = "ohif-test";
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (SampleDicom.Instance image : images) {
            body.writeBytes(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(Files.readAllBytes(image.file()));
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/dicomweb/studies"))
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private record Result(int exitCode, String output) {
        String tail() {
            return output.length() > 3000 ? "…" + output.substring(output.length() - 3000) : output;
        }
    }

    /** Runs a command with a deadline; its output and error output together. */
    private static Result run(Path dir, Duration timeout, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("ohif-test-", ".log");
        try {
            Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                return new Result(-1, String.join(" ", command) + " timed out after " + timeout + ":\n"
                        + Files.readString(log));
            }
            return new Result(process.exitValue(), Files.readString(log));
        } catch (IOException e) {
            return new Result(-2, String.join(" ", command) + ": " + e.getMessage());
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
