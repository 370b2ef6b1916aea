package org.vesalius.dimse.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.dimse.DimseSettings;
import org.vesalius.dimse.aes.RemoteAe;
import org.vesalius.storage.testing.Dcmtk;
import org.vesalius.storage.testing.SampleDicom;

/** C-MOVE with DCMTK movescu and storescp as the destination, C-GET with getscu, on H2. */
class RetrieveTest {
    @TempDir
    Path dir;
    private Archive archive;
    private DimseServer server;

    @BeforeEach
    void start() throws IOException {
        assumeTrue(Dcmtk.isInstalled("movescu") && Dcmtk.isInstalled("storescp") && Dcmtk.isInstalled("getscu"),
                "DCMTK is not installed");
        archive = new Archive(dir.resolve("archive"));
        server = archive.server(DimseSettings.defaults(QrFixture.LOCALHOST, 0, dir.resolve("spool"))).start();
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

    /** A study of one series: a few images in each syntax given, stored through C-STORE. */
    private List<SampleDicom.Instance> storeStudy(String study, List<String> syntaxes) throws IOException {
        String series = SampleDicom.newUid();
        List<SampleDicom.Instance> instances = new ArrayList<>();
        int number = 1;
        for (String syntax : syntaxes) {
            String sop = SampleDicom.newUid();
            Path file = Files.createDirectories(dir.resolve("files")).resolve(sop + ".dcm");
            instances.add(SampleDicom.writeImage(file, study, series, sop, number++, syntax));
        }
        Dcmtk.store("MODALITY", QrFixture.AET, QrFixture.LOCALHOST, server.port(),
                instances.stream().map(SampleDicom.Instance::file).toList()).requireSuccess();
        return instances;
    }

    private Dcmtk.Result move(String destination, String study, String... options) {
        List<String> command = new ArrayList<>(List.of("movescu", "-v", "-S", "-aec", QrFixture.AET, "-aem", destination,
                "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study));
        command.addAll(List.of(options));
        command.add(QrFixture.LOCALHOST);
        command.add(String.valueOf(server.port()));
        return Dcmtk.run(Dcmtk.DEFAULT_TIMEOUT, command);
    }

    private static Map<String, String> dataSetHashesBySop(List<Path> files) throws IOException {
        Map<String, String> hashes = new HashMap<>();
        for (Path file : files) {
            hashes.put(SampleDicom.describe(file).sopInstanceUid(), SampleDicom.dataSetSha256(file));
        }
        return hashes;
    }

    @Test
    void moveSendsEveryInstanceBitExact() throws IOException {
        String study = SampleDicom.newUid();
        List<SampleDicom.Instance> sent = storeStudy(study, List.of(SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN,
                SampleDicom.IMPLICIT_VR_LITTLE_ENDIAN, SampleDicom.JPEG_BASELINE, SampleDicom.RLE));
        try (QrFixture.StoreScp destination = new QrFixture.StoreScp(dir.resolve("dest"), "DEST", true)) {
            archive.aes.put(new RemoteAe("DEST", QrFixture.LOCALHOST, destination.port, false));

            Dcmtk.Result move = move("DEST", study);

            assertThat(move.exitCode()).as(move.output()).isZero();
            assertThat(move.output()).contains("Received Final Move Response (Success)");
            Map<String, String> received = dataSetHashesBySop(destination.files());
            assertThat(received).hasSize(sent.size());
            for (SampleDicom.Instance instance : sent) {
                assertThat(received.get(instance.sopInstanceUid())).as(instance.transferSyntaxUid())
                        .isEqualTo(SampleDicom.dataSetSha256(instance.file()));
            }
        }
    }

    @Test
    void moveDecompressesWhenTheDestinationTakesOnlyUncompressed() throws IOException {
        String study = SampleDicom.newUid();
        List<SampleDicom.Instance> sent = storeStudy(study, List.of(SampleDicom.JPEG_BASELINE, SampleDicom.RLE));
        try (QrFixture.StoreScp destination = new QrFixture.StoreScp(dir.resolve("dest"), "PLAIN", false)) {
            archive.aes.put(new RemoteAe("PLAIN", QrFixture.LOCALHOST, destination.port, false));

            Dcmtk.Result move = move("PLAIN", study);

            assertThat(move.output()).as(move.output()).contains("Received Final Move Response (Success)");
            List<Path> files = destination.files();
            assertThat(files).hasSize(sent.size());
            for (Path file : files) {
                assertThat(SampleDicom.describe(file).transferSyntaxUid())
                        .isIn(SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN, SampleDicom.IMPLICIT_VR_LITTLE_ENDIAN);
                Dcmtk.Result dump = Dcmtk.run("dcmdump", "+P", "PixelData", file.toString());
                assertThat(dump.output()).as("pixel data present").contains("(7fe0,0010)");
            }
        }
    }

    @Test
    void unknownDestinationIsA801() throws IOException {
        String study = SampleDicom.newUid();
        storeStudy(study, List.of(SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN));

        Dcmtk.Result move = move("NOBODY", study);

        assertThat(move.output()).contains("MoveDestinationUnknown");
    }

    @Test
    void unreachableDestinationFailsQuicklyAndTheServerGoesOn() throws IOException {
        String study = SampleDicom.newUid();
        storeStudy(study, List.of(SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN));
        archive.aes.put(new RemoteAe("GONE", QrFixture.LOCALHOST, QrFixture.freePort(), false));

        Instant start = Instant.now();
        Dcmtk.Result move = move("GONE", study);

        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
        assertThat(move.output()).contains("Received Final Move Response (Refused: OutOfResourcesSubOperations)");
        assertThat(Dcmtk.echo(QrFixture.AET, QrFixture.LOCALHOST, server.port()).succeeded()).isTrue();
    }

    @Test
    void getReturnsTheInstancesOverTheRequestingAssociation() throws IOException {
        String study = SampleDicom.newUid();
        List<SampleDicom.Instance> sent = storeStudy(study, List.of(SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN,
                SampleDicom.IMPLICIT_VR_LITTLE_ENDIAN));
        Path out = Files.createDirectories(dir.resolve("got"));

        Dcmtk.Result get = Dcmtk.run("getscu", "-v", "-S", "-aec", QrFixture.AET, "-od", out.toString(),
                "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study,
                QrFixture.LOCALHOST, String.valueOf(server.port()));

        assertThat(get.exitCode()).as(get.output()).isZero();
        assertThat(get.output()).contains("Received C-GET Response (Success)");
        List<Path> files;
        try (var list = Files.list(out)) {
            files = list.toList();
        }
        Map<String, String> received = dataSetHashesBySop(files);
        assertThat(received).containsOnlyKeys(sent.get(0).sopInstanceUid(), sent.get(1).sopInstanceUid());
        // getscu accepted Explicit VR Little Endian for the SOP class: that one travels bit-exact,
        // the Implicit VR one is converted (checked by the move tests' decompression case).
        assertThat(received.get(sent.get(0).sopInstanceUid())).isEqualTo(SampleDicom.dataSetSha256(sent.get(0).file()));
    }

    @Test
    void moveOfAStudyOrOfASeriesSendsExactlyItsInstances() throws IOException {
        String study = SampleDicom.newUid();
        // Two series of 4 and 2: the index rows come by study, by series and by instance.
        List<SampleDicom.Instance> first = storeStudy(study, Collections.nCopies(4, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN));
        List<SampleDicom.Instance> second = storeStudy(study, Collections.nCopies(2, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN));
        storeStudy(SampleDicom.newUid(), List.of(SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN)); // another study, not sent
        List<SampleDicom.Instance> all = new ArrayList<>(first);
        all.addAll(second);

        for (List<SampleDicom.Instance> wanted : List.of(all, first, second)) {
            Path into = dir.resolve("dest-" + wanted.size());
            try (QrFixture.StoreScp destination = new QrFixture.StoreScp(into, "DEST", true)) {
                archive.aes.put(new RemoteAe("DEST", QrFixture.LOCALHOST, destination.port, false));
                Dcmtk.Result move = wanted == all ? move("DEST", study)
                        : Dcmtk.run("movescu", "-v", "-S", "-aec", QrFixture.AET, "-aem", "DEST",
                                "-k", "QueryRetrieveLevel=SERIES", "-k", "StudyInstanceUID=" + study,
                                "-k", "SeriesInstanceUID=" + wanted.getFirst().seriesInstanceUid(),
                                QrFixture.LOCALHOST, String.valueOf(server.port()));

                assertThat(move.output()).as(move.output()).contains("Received Final Move Response (Success)");
                Map<String, String> received = dataSetHashesBySop(destination.files());
                assertThat(received).containsOnlyKeys(wanted.stream().map(SampleDicom.Instance::sopInstanceUid).toList());
                for (SampleDicom.Instance instance : wanted) {
                    assertThat(received.get(instance.sopInstanceUid())).isEqualTo(SampleDicom.dataSetSha256(instance.file()));
                }
            }
        }
    }

    @Test
    void cancelStopsAMove() throws IOException {
        String study = SampleDicom.newUid();
        List<String> syntaxes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            syntaxes.add(SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN);
        }
        storeStudy(study, syntaxes);
        try (QrFixture.StoreScp destination = new QrFixture.StoreScp(dir.resolve("dest"), "DEST", true)) {
            archive.aes.put(new RemoteAe("DEST", QrFixture.LOCALHOST, destination.port, false));

            Dcmtk.Result move = move("DEST", study, "--cancel", "1");

            assertThat(move.output()).as(move.output()).contains("Cancel");
            assertThat(destination.files().size()).isLessThan(12);
        }
    }
}
