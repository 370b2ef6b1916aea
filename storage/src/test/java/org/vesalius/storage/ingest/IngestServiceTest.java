package org.vesalius.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vesalius.schema.jooq.Tables.AUDIT_EVENT;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.audit.Origin;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.blob.FileSystemBlobStore;
import org.vesalius.storage.blob.S3BlobStore;
import org.vesalius.storage.dicom.DicomHeaderReader;
import org.vesalius.storage.index.Database;
import org.vesalius.storage.index.DatabaseSettings;
import org.vesalius.storage.index.IndexedInstance;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.testing.S3ProxyFixture;
import org.vesalius.storage.testing.SampleDicom;

/** The one ingest path on a real blob folder and H2 index: outcomes, duplicates, refusals, failures. */
class IngestServiceTest {
    static final Origin ORIGIN = Origin.dimse("TESTSCU", "127.0.0.1");

    @TempDir
    Path temp;
    Database database;
    AuditLog auditLog;
    FileSystemBlobStore blobs;
    InstanceIndex index;

    @BeforeEach
    void open() throws IOException {
        database = Database.open(DatabaseSettings.embeddedH2(temp.resolve("data")));
        blobs = new FileSystemBlobStore(temp.resolve("blobs"));
        index = new InstanceIndex(database);
        auditLog = new AuditLog(database, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        auditLog.close();
        database.close();
    }

    IngestService service(BlobStore store, DuplicatePolicy policy) {
        return new IngestService(store, index, new DicomHeaderReader("PatientID"),
                new IngestSettings(policy, 1L << 30), auditLog, Clock.systemUTC());
    }

    @Test
    void storesTheFileBitExactAndIndexesIt() throws Exception {
        SampleDicom.Instance sample = SampleDicom.generate(temp.resolve("in"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);

        IngestOutcome outcome = service(blobs, DuplicatePolicy.REPLACE).ingest(sample.file(), IngestRequest.from(ORIGIN));

        assertThat(outcome.result()).isEqualTo(IngestOutcome.Result.STORED);
        IndexedInstance indexed = index.findInstance(sample.sopInstanceUid()).orElseThrow();
        assertThat(indexed.blobKey()).startsWith("dicom/" + sample.studyInstanceUid() + "/" + sample.seriesInstanceUid()
                + "/" + sample.sopInstanceUid() + "_");
        try (InputStream stored = blobs.open(indexed.blobKey())) {
            assertThat(stored.readAllBytes()).isEqualTo(Files.readAllBytes(sample.file()));
        }
        assertThat(indexed.sizeBytes()).isEqualTo(Files.size(sample.file()));
    }

    @Test
    void identicalBytesTwiceIsANoOpAndDifferentBytesReplaceAndRemoveTheOldBlob() throws Exception {
        IngestService service = service(blobs, DuplicatePolicy.REPLACE);
        SampleDicom.Instance first = SampleDicom.generate(temp.resolve("a"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);
        service.ingest(first.file(), IngestRequest.from(ORIGIN));
        String firstKey = index.findInstance(first.sopInstanceUid()).orElseThrow().blobKey();

        assertThat(service.ingest(first.file(), IngestRequest.from(ORIGIN)).result())
                .isEqualTo(IngestOutcome.Result.ALREADY_STORED);

        // Same UIDs, other pixels: different bytes.
        Path changed = temp.resolve("changed.dcm");
        SampleDicom.writeImage(changed, first.studyInstanceUid(), first.seriesInstanceUid(), first.sopInstanceUid(), 7,
                SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN);
        assertThat(service.ingest(changed, IngestRequest.from(ORIGIN)).result()).isEqualTo(IngestOutcome.Result.REPLACED);

        IndexedInstance now = index.findInstance(first.sopInstanceUid()).orElseThrow();
        assertThat(now.blobKey()).isNotEqualTo(firstKey);
        assertThat(blobs.size(firstKey)).isEmpty();
        assertThat(allKeys(blobs)).containsExactly(now.blobKey());
        assertThat(index.countInstances()).isEqualTo(1);
        auditLog.flush();
        assertThat(database.dsl().fetchCount(AUDIT_EVENT, AUDIT_EVENT.ACTION.eq("INSTANCE_REPLACED"))).isEqualTo(1);
    }

    @Test
    void rejectPolicyRefusesDifferentBytesAndKeepsTheFirst() throws Exception {
        IngestService service = service(blobs, DuplicatePolicy.REJECT);
        SampleDicom.Instance first = SampleDicom.generate(temp.resolve("a"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);
        service.ingest(first.file(), IngestRequest.from(ORIGIN));
        String key = index.findInstance(first.sopInstanceUid()).orElseThrow().blobKey();
        Path changed = temp.resolve("changed.dcm");
        SampleDicom.writeImage(changed, first.studyInstanceUid(), first.seriesInstanceUid(), first.sopInstanceUid(), 9,
                SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN);

        assertThatThrownBy(() -> service.ingest(changed, IngestRequest.from(ORIGIN)))
                .isInstanceOfSatisfying(IngestException.class,
                        e -> assertThat(e.failure()).isEqualTo(IngestException.Failure.DUPLICATE_REJECTED));
        assertThat(allKeys(blobs)).containsExactly(key);
    }

    @Test
    void aBatchStoresEachGoodObjectRefusesTheBadOnesAloneAndTakesARepeatAfterItsFirst() throws Exception {
        IngestService service = service(blobs, DuplicatePolicy.REPLACE);
        List<SampleDicom.Instance> samples = SampleDicom.generate(temp.resolve("a"), 3, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN);
        Path truncated = SampleDicom.truncatedCopy(samples.get(1).file(), temp.resolve("truncated.dcm"), 0.5);
        Path changed = temp.resolve("changed.dcm");
        SampleDicom.Instance first = samples.get(0);
        SampleDicom.writeImage(changed, first.studyInstanceUid(), first.seriesInstanceUid(), first.sopInstanceUid(), 7,
                SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN);

        List<IngestResult> results = service.ingestAll(List.of(first.file(), truncated, samples.get(2).file(),
                first.file(), changed), IngestRequest.from(ORIGIN));

        assertThat(results).extracting(result -> result.outcome() == null ? null : result.outcome().result())
                .containsExactly(IngestOutcome.Result.STORED, null, IngestOutcome.Result.STORED,
                        IngestOutcome.Result.ALREADY_STORED, IngestOutcome.Result.REPLACED);
        assertThat(results.get(1).failure().failure()).isEqualTo(IngestException.Failure.CANNOT_UNDERSTAND);
        assertThat(index.countInstances()).isEqualTo(2);
        IndexedInstance replaced = index.findInstance(first.sopInstanceUid()).orElseThrow();
        try (InputStream stored = blobs.open(replaced.blobKey())) {
            assertThat(stored.readAllBytes()).isEqualTo(Files.readAllBytes(changed));
        }
        assertThat(allKeys(blobs)).containsExactlyInAnyOrder(replaced.blobKey(),
                index.findInstance(samples.get(2).sopInstanceUid()).orElseThrow().blobKey());
    }

    @Test
    void refusesWhatDoesNotMatchItsChannelAndStoresNothing() throws Exception {
        IngestService service = service(blobs, DuplicatePolicy.REPLACE);
        SampleDicom.Instance sample = SampleDicom.generate(temp.resolve("a"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);

        expectFailure(service, sample.file(), IngestRequest.cStore(ORIGIN, sample.sopClassUid(), "1.2.3.4"),
                IngestException.Failure.DATA_SET_DOES_NOT_MATCH);
        expectFailure(service, sample.file(), IngestRequest.cStore(ORIGIN, "1.2.840.10008.5.1.4.1.1.2", sample.sopInstanceUid()),
                IngestException.Failure.DATA_SET_DOES_NOT_MATCH);
        expectFailure(service, sample.file(), new IngestRequest(ORIGIN, null, null, "1.2.3", null),
                IngestException.Failure.WRONG_STUDY);
        expectFailure(service, SampleDicom.truncatedCopy(sample.file(), temp.resolve("cut.dcm"), 0.6), IngestRequest.from(ORIGIN),
                IngestException.Failure.CANNOT_UNDERSTAND);
        expectFailure(service, SampleDicom.writeGarbageDataSet(temp.resolve("garbage.dcm"), 5000).file(), IngestRequest.from(ORIGIN),
                IngestException.Failure.CANNOT_UNDERSTAND);
        Path invalidUid = temp.resolve("invalid-uid.dcm");
        SampleDicom.writeImage(invalidUid, sample.studyInstanceUid(), sample.seriesInstanceUid(), "1.2.abc", 1,
                SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN);
        expectFailure(service, invalidUid, IngestRequest.from(ORIGIN), IngestException.Failure.DATA_SET_DOES_NOT_MATCH);

        assertThat(index.countInstances()).isZero();
        assertThat(allKeys(blobs)).isEmpty();
    }

    @Test
    void anUnreachableBlobStoreIsOutOfResourcesAndLeavesNoIndexRow() throws Exception {
        SampleDicom.Instance sample = SampleDicom.generate(temp.resolve("a"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);
        S3ProxyFixture s3 = S3ProxyFixture.start();
        try (S3BlobStore store = new S3BlobStore(s3.settings())) {
            s3.close();
            expectFailure(service(store, DuplicatePolicy.REPLACE), sample.file(), IngestRequest.from(ORIGIN),
                    IngestException.Failure.OUT_OF_RESOURCES);
        }
        assertThat(index.countInstances()).isZero();
    }

    @Test
    void anUnreachableIndexIsOutOfResourcesAndLeavesNoBlob() throws Exception {
        SampleDicom.Instance sample = SampleDicom.generate(temp.resolve("a"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);
        IngestService service = service(blobs, DuplicatePolicy.REPLACE);
        database.close();

        expectFailure(service, sample.file(), IngestRequest.from(ORIGIN), IngestException.Failure.OUT_OF_RESOURCES);
        assertThat(allKeys(blobs)).isEmpty();
        database = Database.open(DatabaseSettings.embeddedH2(temp.resolve("data")));
    }

    private static void expectFailure(IngestService service, Path file, IngestRequest request, IngestException.Failure failure) {
        assertThatThrownBy(() -> service.ingest(file, request))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.failure()).isEqualTo(failure));
    }

    private static List<String> allKeys(BlobStore store) throws IOException {
        List<String> keys = new ArrayList<>();
        store.forEachKey("", keys::add);
        return keys;
    }
}
