package org.vesalius.dimse.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.pixelmed.dicom.SetOfDicomFiles;
import com.pixelmed.network.MultipleInstanceTransferStatusHandlerWithFileName;
import com.pixelmed.network.StorageSOPClassSCU;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.dimse.DimseSettings;
import org.vesalius.storage.index.IndexedInstance;
import org.vesalius.storage.testing.Dcmtk;
import org.vesalius.storage.testing.SampleDicom;

/**
 * The DIMSE server against real peers: DCMTK's echoscu and storescu as processes (and PixelMed's
 * SCU where a peer must send malformed data sets, which storescu refuses to read), storing into a
 * real IngestService on H2 and a blob folder.
 */
class DimseServerTest {
    private static final String AET = "VESALIUS";
    private static final String LOCALHOST = "127.0.0.1";
    private static final Path PYDICOM_FILES = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

    @TempDir
    Path dir;
    private Archive archive;
    private DimseServer server;

    @BeforeAll
    static void requireDcmtk() {
        assumeTrue(Dcmtk.isInstalled("storescu") && Dcmtk.isInstalled("echoscu"), "DCMTK is not installed");
    }

    @BeforeEach
    void start() throws IOException {
        archive = new Archive(dir.resolve("archive"));
        server = startServer(DimseSettings.defaults(LOCALHOST, 0, dir.resolve("spool")));
    }

    private DimseServer startServer(DimseSettings settings) throws IOException {
        return archive.server(settings).start();
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
    void answersEcho() {
        Dcmtk.Result echo = Dcmtk.echo(AET, LOCALHOST, server.port());
        assertThat(echo.exitCode()).as(echo.output()).isZero();
        assertThat(echo.output()).contains("Received Echo Response (Success)");
    }

    @Test
    void refusesAnotherCalledAeTitle() {
        Dcmtk.Result echo = Dcmtk.echo("SOMEONE_ELSE", LOCALHOST, server.port());
        assertThat(echo.exitCode()).isNotZero();
        assertThat(echo.output()).containsIgnoringCase("Called AE Title Not Recognized");
    }

    @Test
    void storesEveryTransferSyntaxBitExact() throws Exception {
        Path generated = dir.resolve("generated");
        List<SampleDicom.Instance> instances = new ArrayList<>();
        for (String ts : List.of(SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN, SampleDicom.IMPLICIT_VR_LITTLE_ENDIAN,
                SampleDicom.EXPLICIT_VR_BIG_ENDIAN, SampleDicom.DEFLATED, SampleDicom.JPEG_BASELINE,
                SampleDicom.JPEG_EXTENDED, SampleDicom.JPEG_LOSSLESS, SampleDicom.JPEG_LOSSLESS_SV1,
                SampleDicom.JPEG_LS_LOSSLESS, SampleDicom.JPEG_LS_NEAR_LOSSLESS, SampleDicom.RLE,
                SampleDicom.MPEG2_MAIN_LEVEL, SampleDicom.H264_HIGH_41, SampleDicom.HEVC_MAIN)) {
            instances.addAll(SampleDicom.generate(generated, 1, ts));
        }
        List<Path> files = instances.stream().map(SampleDicom.Instance::file).toList();

        Dcmtk.Result store = Dcmtk.store("MODALITY", AET, LOCALHOST, server.port(), files);

        assertThat(store.exitCode()).as(store.output()).isZero();
        assertThat(store.output()).doesNotContain("Error");
        for (SampleDicom.Instance instance : instances) {
            assertStoredBitExact(instance.file());
            assertThat(archive.index.findInstance(instance.sopInstanceUid()).orElseThrow().transferSyntaxUid())
                    .as("received as sent, without conversion").isEqualTo(instance.transferSyntaxUid());
        }
        assertThat(archive.index.countInstances()).isEqualTo(files.size());
    }

    @Test
    void storesRealWorldObjectsOfManySopClasses() throws Exception {
        // pydicom's test files: other SOP classes and encoders, each with its own SOP Instance UID
        // (rtplan.dcm and rtdose.dcm are left out: their meta information and data set disagree).
        // storescu re-encodes foreign data sets, so here we check arrival and syntax, not bytes.
        List<SampleDicom.Instance> instances = new ArrayList<>();
        for (String name : List.of("CT_small.dcm", "ExplVR_BigEnd.dcm", "693_J2KI.dcm", "GDCMJ2K_TextGBR.dcm",
                "JPEG-lossy.dcm", "JPEG2000.dcm", "SC_rgb_dcmtk_+eb+cr.dcm", "SC_rgb_rle.dcm", "image_dfl.dcm",
                "MR_small_jpeg_ls_lossless.dcm", "reportsi.dcm", "waveform_ecg.dcm", "liver_1frame.dcm")) {
            Path file = PYDICOM_FILES.resolve(name);
            assumeTrue(Files.exists(file), "pydicom's test files are not installed");
            instances.add(SampleDicom.describe(file));
        }

        Dcmtk.Result store = Dcmtk.store("MODALITY", AET, LOCALHOST, server.port(),
                instances.stream().map(SampleDicom.Instance::file).toList());

        assertThat(store.exitCode()).as(store.output()).isZero();
        assertThat(store.output()).doesNotContain("Error");
        for (SampleDicom.Instance instance : instances) {
            assertThat(archive.index.findInstance(instance.sopInstanceUid())).as(instance.file().getFileName().toString())
                    .hasValueSatisfying(stored -> assertThat(stored.transferSyntaxUid()).isEqualTo(instance.transferSyntaxUid()));
        }
    }

    @Test
    void storesSyntaxesUnknownToDcmtkAndPixelMed() throws Exception {
        // storescu 3.6.7 cannot propose HTJ2K; PixelMed's SCU proposes whatever the meta header says.
        SampleDicom.Instance htj2k = SampleDicom.generate(dir.resolve("htj2k"), 1, SampleDicom.HTJ2K).get(0);

        assertThat(sendWithPixelMed(List.of(htj2k))).containsEntry(htj2k.sopInstanceUid(), true);
        assertStoredBitExact(htj2k.file());
        assertThat(archive.index.findInstance(htj2k.sopInstanceUid()).orElseThrow().transferSyntaxUid())
                .isEqualTo(SampleDicom.HTJ2K);
    }

    @Test
    void refusesMalformedDataSetsAndKeepsTheAssociationWorking() throws Exception {
        SampleDicom.Instance good = SampleDicom.generate(dir.resolve("good"), 2, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);
        SampleDicom.Instance other = SampleDicom.generate(dir.resolve("other"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);
        Path truncatedFile = SampleDicom.truncatedCopy(other.file(), dir.resolve("truncated.dcm"), 0.8);
        SampleDicom.Instance truncated = new SampleDicom.Instance(truncatedFile, null, null, other.sopInstanceUid(),
                other.sopClassUid(), other.transferSyntaxUid());
        SampleDicom.Instance garbage = SampleDicom.writeGarbageDataSet(dir.resolve("garbage.dcm"), 3000);

        // One association: truncated, garbage, then a good object.
        Map<String, Boolean> succeeded = sendWithPixelMed(List.of(truncated, garbage, good));

        assertThat(succeeded).containsExactlyInAnyOrderEntriesOf(Map.of(
                truncated.sopInstanceUid(), false, garbage.sopInstanceUid(), false, good.sopInstanceUid(), true));
        assertThat(archive.index.findInstance(truncated.sopInstanceUid())).isEmpty();
        assertThat(archive.index.findInstance(garbage.sopInstanceUid())).isEmpty();
        assertStoredBitExact(good.file());
        assertThat(archive.index.countInstances()).isEqualTo(1);
        assertThat(blobCount()).isEqualTo(1);
        assertThat(spoolFiles()).isEmpty();
    }

    @Test
    void refusesADataSetWhoseSopInstanceUidDiffersFromTheCommand() throws Exception {
        // storescu takes the command's UIDs from the data set, so it cannot send this; PixelMed's SCU
        // takes them from the meta information, as a modality with a stale header would.
        SampleDicom.Instance mismatched = SampleDicom.writeMismatchedSopInstanceUid(dir.resolve("mismatch.dcm"));
        SampleDicom.Instance good = SampleDicom.generate(dir.resolve("good"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);

        Map<String, Boolean> succeeded = sendWithPixelMed(List.of(mismatched, good));

        assertThat(succeeded).containsExactlyInAnyOrderEntriesOf(Map.of(
                mismatched.sopInstanceUid(), false, good.sopInstanceUid(), true));
        assertThat(archive.index.countInstances()).isEqualTo(1);
        assertStoredBitExact(good.file());
        assertThat(spoolFiles()).isEmpty();
    }

    @Test
    void answersAFailureStatusThatStorescuReports() throws Exception {
        // A data set without Study Instance UID: storescu reads and sends it, ingest refuses it.
        SampleDicom.Instance good = SampleDicom.generate(dir.resolve("good"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);
        Path incomplete = dir.resolve("no-study-uid.dcm");
        Files.copy(good.file(), incomplete);
        Dcmtk.run("dcmodify", "-nb", "-ea", "(0020,000d)", incomplete.toString()).requireSuccess();
        SampleDicom.Instance other = SampleDicom.generate(dir.resolve("other"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);

        Dcmtk.Result store = Dcmtk.store("MODALITY", AET, LOCALHOST, server.port(), List.of(incomplete, other.file()));

        assertThat(store.output()).as(store.output()).contains("Received Store Response (Error: DataSetDoesNotMatchSOPClass)");
        assertThat(store.output()).containsOnlyOnce("Received Store Response (Success)");
        assertThat(archive.index.findInstance(good.sopInstanceUid())).isEmpty();
        assertStoredBitExact(other.file());
    }

    @Test
    void servesManyAssociationsAtOnce() throws Exception {
        int senders = 4;
        int perSender = 10;
        List<List<Path>> batches = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            batches.add(SampleDicom.generate(dir.resolve("batch" + i), perSender, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN)
                    .stream().map(SampleDicom.Instance::file).toList());
        }
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            List<Future<Dcmtk.Result>> results = new ArrayList<>();
            for (int i = 0; i < senders; i++) {
                List<Path> batch = batches.get(i);
                String callingAe = "SENDER" + i;
                results.add(pool.submit(() -> Dcmtk.store(callingAe, AET, LOCALHOST, server.port(), batch)));
            }
            for (Future<Dcmtk.Result> result : results) {
                Dcmtk.Result store = result.get();
                assertThat(store.exitCode()).as(store.output()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(archive.index.countInstances()).isEqualTo(senders * perSender);
        for (List<Path> batch : batches) {
            assertStoredBitExact(batch.get(perSender - 1));
        }
    }

    @Test
    void rejectsAssociationsBeyondTheLimitAndRecovers() throws Exception {
        server.close();
        server = startServer(DimseSettings.defaults(LOCALHOST, 0, dir.resolve("spool")).withMaxAssociations(1));
        try (Socket idle = new Socket(LOCALHOST, server.port())) {
            awaitTrue(() -> server.activeAssociations() == 1, "the idle connection holds the only slot");
            Dcmtk.Result refused = Dcmtk.echo(AET, LOCALHOST, server.port());
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.output()).containsIgnoringCase("Local limit exceeded");
        }
        awaitTrue(() -> server.activeAssociations() == 0, "the slot is free once the idle peer left");
        assertThat(Dcmtk.echo(AET, LOCALHOST, server.port()).exitCode()).isZero();
    }

    @Test
    void survivesAForgedHugePdu() throws Exception {
        try (Socket attacker = new Socket(LOCALHOST, server.port())) {
            OutputStream out = attacker.getOutputStream();
            // An A-ASSOCIATE-RQ header claiming 2 GB: PixelMed alone would try to allocate it.
            out.write(new byte[] {0x01, 0, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0});
            out.flush();
            InputStream in = attacker.getInputStream();
            attacker.setSoTimeout(10_000);
            assertThat(in.read()).as("the server closes the connection").isEqualTo(-1);
        }
        assertThat(Dcmtk.echo(AET, LOCALHOST, server.port()).exitCode()).isZero();
    }

    @Test
    void keepsEverythingAcrossARestart() throws Exception {
        List<SampleDicom.Instance> instances = SampleDicom.generate(dir.resolve("restart"), 3, SampleDicom.JPEG_LS_LOSSLESS);
        Dcmtk.Result store = Dcmtk.store("MODALITY", AET, LOCALHOST, server.port(),
                instances.stream().map(SampleDicom.Instance::file).toList());
        assertThat(store.exitCode()).as(store.output()).isZero();

        server.close();
        archive.close();
        archive = new Archive(dir.resolve("archive"));
        server = startServer(DimseSettings.defaults(LOCALHOST, 0, dir.resolve("spool")));

        assertThat(archive.index.countInstances()).isEqualTo(3);
        for (SampleDicom.Instance instance : instances) {
            assertStoredBitExact(instance.file());
        }
        SampleDicom.Instance after = SampleDicom.generate(dir.resolve("after"), 1, SampleDicom.RLE).get(0);
        assertThat(Dcmtk.store("MODALITY", AET, LOCALHOST, server.port(), List.of(after.file())).exitCode()).isZero();
        assertThat(archive.index.countInstances()).isEqualTo(4);
    }

    /** The index has the file's instance, and its blob holds the same data set bytes. */
    private void assertStoredBitExact(Path sent) throws IOException {
        String sopInstanceUid = sopInstanceUidOf(sent);
        IndexedInstance stored = archive.index.findInstance(sopInstanceUid)
                .orElseThrow(() -> new AssertionError("not in the index: " + sent.getFileName() + " " + sopInstanceUid));
        try (InputStream blob = archive.blobs.open(stored.blobKey())) {
            if (stored.transferSyntaxUid().equals(SampleDicom.DEFLATED)) {
                // storescu re-deflates with its own flushes: same content, other compressed bytes.
                assertThat(SampleDicom.inflatedDataSetSha256(blob)).as("inflated data set of " + sent.getFileName())
                        .isEqualTo(SampleDicom.inflatedDataSetSha256(sent));
            } else {
                assertThat(SampleDicom.dataSetSha256(blob)).as("data set bytes of " + sent.getFileName())
                        .isEqualTo(SampleDicom.dataSetSha256(sent));
            }
        }
    }

    private static String sopInstanceUidOf(Path file) {
        String dump = Dcmtk.run("dcmdump", "-q", "+P", "0002,0003", file.toString()).requireSuccess().output();
        return dump.substring(dump.indexOf('[') + 1, dump.indexOf(']')).trim();
    }

    private long blobCount() throws IOException {
        long[] count = {0};
        archive.blobs.forEachKey("", key -> count[0]++);
        return count[0];
    }

    private List<Path> spoolFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("spool"))) {
            return files.toList();
        }
    }

    /**
     * Sends over one association with PixelMed's SCU, which reads only the meta information and
     * copies the rest of each file as it is (malformed or not); returns success per SOP Instance UID.
     */
    private Map<String, Boolean> sendWithPixelMed(List<SampleDicom.Instance> instances) throws Exception {
        SetOfDicomFiles set = new SetOfDicomFiles();
        for (SampleDicom.Instance instance : instances) {
            set.add(instance.file().toString(), instance.sopClassUid(), instance.sopInstanceUid(), instance.transferSyntaxUid());
        }
        Map<String, Boolean> succeeded = new ConcurrentHashMap<>();
        new StorageSOPClassSCU(LOCALHOST, server.port(), AET, "PIXELMED", set, 0,
                new MultipleInstanceTransferStatusHandlerWithFileName() {
                    @Override
                    public void updateStatus(int remaining, int completed, int failed, int warning,
                                             String sopInstanceUid, String fileName, boolean success) {
                        succeeded.put(sopInstanceUid, success);
                    }
                });
        return succeeded;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
