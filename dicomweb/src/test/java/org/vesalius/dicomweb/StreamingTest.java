package org.vesalius.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.dicomweb.testing.DicomWebServer;
import org.vesalius.dicomweb.testing.DicomWebServerMain;
import org.vesalius.dicomweb.testing.Http;
import org.vesalius.dicomweb.testing.LargeDicom;
import org.vesalius.dicomweb.testing.MultipartBody;
import org.vesalius.storage.testing.SampleDicom;

/**
 * Requests and responses stream: a 200 MiB STOW-RS upload and its WADO-RS download go through a
 * server whose heap is far smaller than the object, and "Expect: 100-continue" is answered at once.
 */
class StreamingTest {
    /** 200 frames of 1 MiB: 200 MiB, three times the server's heap below. */
    private static final int FRAMES = 200;
    private static final String SERVER_HEAP = "-Xmx64m";

    @TempDir
    Path root;

    @Test
    void aLargeInstanceStreamsThroughAServerWithASmallHeap() throws Exception {
        LargeDicom.Written large = LargeDicom.write(root.resolve("large.dcm"), FRAMES);
        String sha256;
        try (InputStream in = Files.newInputStream(large.file())) {
            sha256 = Http.sha256(in);
        }
        Process server = startServerWithSmallHeap(root.resolve("server"));
        try {
            URI base = URI.create("http://127.0.0.1:" + readPort(server) + "/dicomweb");
            String boundary = "large-upload";
            HttpRequest upload = HttpRequest.newBuilder(URI.create(base + "/studies/" + large.studyUid()))
                    .timeout(Duration.ofMinutes(2))
                    .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.concat(
                            HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n"),
                            HttpRequest.BodyPublishers.ofFile(large.file()),
                            HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n")))
                    .build();
            HttpResponse<String> stored = Http.CLIENT.send(upload, HttpResponse.BodyHandlers.ofString());
            assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
            assertThat(stored.body()).contains(large.sopUid());

            HttpResponse<InputStream> retrieved = Http.get(URI.create(base + "/studies/" + large.studyUid() + "/series/"
                    + large.seriesUid() + "/instances/" + large.sopUid()), null);
            assertThat(retrieved.statusCode()).isEqualTo(200);
            List<Http.ReceivedPart> parts = Http.readParts(retrieved);
            assertThat(parts).hasSize(1);
            assertThat(parts.getFirst().size()).isEqualTo(Files.size(large.file()));
            assertThat(parts.getFirst().sha256()).isEqualTo(sha256);
            assertThat(server.isAlive()).as("the server survived with " + SERVER_HEAP).isTrue();
        } finally {
            server.getOutputStream().close();
            if (!server.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    @Test
    void expectContinueIsAnsweredAtOnce() throws Exception {
        SampleDicom.Instance image = SampleDicom.generate(root.resolve("images"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN)
                .getFirst();
        byte[] body = new MultipartBody("b").part(image.file()).close("");
        try (DicomWebServer server = new DicomWebServer(root.resolve("server"));
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000); // the deadline for each answer below; a missing one fails the test
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            // The first request warms the server up (class loading, JIT); the second is measured.
            for (int request = 1; request <= 2; request++) {
                long start = System.nanoTime();
                out.write(("POST /dicomweb/studies HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
                        + "Content-Type: multipart/related; type=\"application/dicom\"; boundary=b\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                assertThat(in.readLine()).isEqualTo("HTTP/1.1 100 Continue");
                long waitedMillis = (System.nanoTime() - start) / 1_000_000;
                assertThat(in.readLine()).isEmpty();
                if (request == 2) {
                    // curl gives up waiting after 1 s and sends anyway: that stall must not happen.
                    assertThat(waitedMillis).as("100 Continue came after %d ms", waitedMillis).isLessThan(500);
                }

                out.write(body);
                out.flush();
                assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
                skipRestOfResponse(in);
            }
        }
    }

    /** Reads the headers and the Content-Length body of a response, leaving the connection at the next one. */
    private static void skipRestOfResponse(BufferedReader in) throws IOException {
        int length = 0;
        for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        for (int i = 0; i < length; i++) {
            in.read();
        }
    }

    @Test
    void aRefusedRequestWithExpectContinueIsAnsweredWithoutTheBody() throws Exception {
        try (DicomWebServer server = new DicomWebServer(root.resolve("server"));
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out.write(("POST /dicomweb/studies HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 415 Unsupported Media Type");
        }
    }

    private static Process startServerWithSmallHeap(Path dir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, SERVER_HEAP, "-cp", System.getProperty("java.class.path"),
                DicomWebServerMain.class.getName(), dir.toString())
                .redirectError(dir.resolveSibling("server-stderr.log").toFile())
                .start();
    }

    /** Waits for the server's "PORT n" line; readLine returns null (failing the test) if it dies first. */
    private static int readPort(Process server) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.startsWith("PORT ")) {
                return Integer.parseInt(line.substring(5));
            }
        }
        throw new IllegalStateException("the server process ended before listening, see server-stderr.log; JVM args "
                + ManagementFactory.getRuntimeMXBean().getInputArguments());
    }
}
