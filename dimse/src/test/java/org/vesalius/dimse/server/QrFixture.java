package org.vesalius.dimse.server;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.vesalius.storage.testing.Dcmtk;
import org.vesalius.storage.testing.SampleDicom;

/** Test data and DCMTK peers for the query/retrieve tests. */
final class QrFixture {
    static final String AET = "VESALIUS";
    static final String LOCALHOST = "127.0.0.1";

    private QrFixture() {
    }

    /** One image of a new or given study/series with patient and study attributes set by dcmodify. */
    static SampleDicom.Instance image(Path dir, String study, String series, int number, String transferSyntax,
                                      String patientName, String patientId, String studyDate, String modality) throws IOException {
        Files.createDirectories(dir);
        String sop = SampleDicom.newUid();
        Path file = dir.resolve(sop + ".dcm");
        SampleDicom.Instance instance = SampleDicom.writeImage(file, study, series, sop, number, transferSyntax);
        Dcmtk.run("dcmodify", "-nb", "-m", "PatientName=" + patientName, "-m", "PatientID=" + patientId,
                "-m", "StudyDate=" + studyDate, "-m", "Modality=" + modality, "-m", "SeriesNumber=" + number,
                file.toString()).requireSuccess();
        return instance;
    }

    /** findscu with the responses extracted as files; returns their identifiers in order. */
    record FindResult(Dcmtk.Result run, List<AttributeList> responses) {
    }

    static FindResult find(Path outputDir, int port, String model, List<String> keys, String... options) throws IOException {
        Files.createDirectories(outputDir);
        List<String> command = new ArrayList<>(List.of("findscu", "-v", model, "-aec", AET, "-X", "-od", outputDir.toString()));
        command.addAll(List.of(options));
        for (String key : keys) {
            command.add("-k");
            command.add(key);
        }
        command.add(LOCALHOST);
        command.add(String.valueOf(port));
        Dcmtk.Result run = Dcmtk.run(Dcmtk.DEFAULT_TIMEOUT, command);
        List<AttributeList> responses = new ArrayList<>();
        try (Stream<Path> files = Files.list(outputDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("rsp")).sorted().toList()) {
                AttributeList list = new AttributeList();
                list.read(file.toFile());
                responses.add(list);
                Files.delete(file);
            }
        } catch (DicomException e) {
            throw new IOException(e);
        }
        return new FindResult(run, responses);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** DCMTK's storescp as a move destination / export target, ready when returned. */
    static final class StoreScp implements AutoCloseable {
        final Path dir;
        final int port;
        private final Process process;

        StoreScp(Path dir, String aeTitle, boolean acceptAllSyntaxes) throws IOException {
            this.dir = Files.createDirectories(dir);
            this.port = freePort();
            List<String> command = new ArrayList<>(List.of("storescp", "-aet", aeTitle, "-od", dir.toString(), "-fe", ".dcm"));
            if (acceptAllSyntaxes) {
                command.add("+xa");
            }
            command.add(String.valueOf(port));
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolveSibling(dir.getFileName() + ".log").toFile()).start();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (!Dcmtk.echo(aeTitle, LOCALHOST, port).succeeded()) {
                if (Instant.now().isAfter(deadline) || !process.isAlive()) {
                    close();
                    throw new IOException("storescp did not come up on port " + port);
                }
            }
        }

        List<Path> files() throws IOException {
            try (Stream<Path> files = Files.list(dir)) {
                return files.filter(f -> f.toString().endsWith(".dcm")).sorted().toList();
            }
        }

        @Override
        public void close() {
            process.destroy();
        }
    }
}
