package org.vesalius.storage.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vesalius.schema.jooq.Tables.INSTANCE;
import static org.vesalius.schema.jooq.Tables.PATIENT;
import static org.vesalius.schema.jooq.Tables.SERIES;
import static org.vesalius.schema.jooq.Tables.STUDY;
import static org.vesalius.schema.jooq.Tables.SUBJECT;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.schema.jooq.tables.records.PatientRecord;
import org.vesalius.schema.jooq.tables.records.StudyRecord;
import org.vesalius.storage.audit.Origin;

/**
 * The behaviour of {@link InstanceIndex}, run once per supported database by the subclasses.
 * Each test gets a fresh, freshly migrated database.
 */
abstract class InstanceIndexContract {
    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
    private static final int THREADS = 8;
    private static final int SAVES_PER_THREAD = 50;

    @TempDir
    Path tempDir;

    private DatabaseSettings settings;
    private Database database;
    private InstanceIndex index;
    /** A second node on the same database: its saves race with the first's in the database, not in a group commit. */
    private Database otherNodeDatabase;
    private InstanceIndex otherNode;

    /** A new, empty database of the kind under test. */
    protected abstract DatabaseSettings freshDatabase(Path tempDir);

    @BeforeEach
    void openFreshDatabase() {
        settings = freshDatabase(tempDir);
        database = Database.open(settings);
        index = new InstanceIndex(database);
        otherNodeDatabase = Database.open(settings);
        otherNode = new InstanceIndex(otherNodeDatabase);
    }

    @AfterEach
    void closeDatabase() {
        otherNodeDatabase.close();
        database.close();
    }

    /** Half the threads of a concurrency test save through each node. */
    private InstanceIndex node(int thread) {
        return thread % 2 == 0 ? index : otherNode;
    }

    @Test
    void savedInstanceIsFound() {
        InstanceEntry entry = TestEntry.instance("1.2.3.1").blobKey("k1").sha256("ab".repeat(32)).size(99).build();

        SaveResult result = index.save(entry);

        assertThat(result).isEqualTo(new SaveResult(false, Optional.empty()));
        assertThat(index.findInstance("1.2.3.1")).contains(new IndexedInstance(
                entry.header().study().studyInstanceUid(), entry.header().series().seriesInstanceUid(), "1.2.3.1",
                entry.header().instance().sopClassUid(), entry.header().instance().transferSyntaxUid(),
                99, "ab".repeat(32), "k1", entry.receivedAt()));
        assertThat(index.findInstance("1.2.3.999")).isEmpty();
        assertThat(index.countInstances()).isEqualTo(1);
        assertThat(index.isBlobReferenced("k1")).isTrue();
        assertThat(index.isBlobReferenced("k2")).isFalse();
    }

    @Test
    void hierarchyRowsAreCreatedOnceForManyInstances() {
        for (int study = 1; study <= 2; study++) {
            for (int series = 1; series <= 2; series++) {
                for (int i = 1; i <= 5; i++) {
                    index.save(TestEntry.instance("1.2.3." + study + "." + series + "." + i)
                            .study("1.2.3." + study).series("1.2.3." + study + "." + series).build());
                }
            }
        }
        // Same PatientID, other issuer: another patient.
        index.save(TestEntry.instance("1.2.4.1.1.1").issuer("OTHER").study("1.2.4.1").series("1.2.4.1.1").build());

        DSLContext dsl = database.dsl();
        assertThat(dsl.fetchCount(PATIENT)).isEqualTo(2);
        assertThat(dsl.fetchCount(STUDY)).isEqualTo(3);
        assertThat(dsl.fetchCount(SERIES)).isEqualTo(5);
        assertThat(index.countInstances()).isEqualTo(21);
        assertThat(dsl.fetchCount(PATIENT, PATIENT.ISSUER_OF_PATIENT_ID.eq(""))).isEqualTo(1);
    }

    @Test
    void instancesWithoutPatientIdShareTheEmptyPatient() {
        index.save(TestEntry.instance("1.2.3.1").patient(null, "Anon").study("1.2.3").build());
        index.save(TestEntry.instance("1.2.4.1").patient(null, "Anon").study("1.2.4").series("1.2.4.1").build());

        PatientRecord patient = database.dsl().fetchSingle(PATIENT);
        assertThat(patient.getPatientId()).isEmpty();
        assertThat(patient.getIssuerOfPatientId()).isEmpty();
        assertThat(database.dsl().fetchCount(STUDY)).isEqualTo(2);
    }

    @Test
    void patientAttributesFollowTheNewestInstance() {
        index.save(TestEntry.instance("1.2.3.1").patient("P1", "Doe^Jane").birthDate("19700101")
                .referringPhysician("welby^marcus").receivedAt(T0).build());
        index.save(TestEntry.instance("1.2.3.2").patient("P1", "Smith^Jane").birthDate("19700102")
                .referringPhysician("Kildare^James").receivedAt(T0.plusSeconds(60)).build());
        // Arrives later but was received earlier (another node's slower transaction): does not win.
        index.save(TestEntry.instance("1.2.3.3").patient("P1", "Older^Name").receivedAt(T0.plusSeconds(30)).build());
        // The newest instance lacks names and birth date: they are kept, not erased.
        index.save(TestEntry.instance("1.2.3.4").patient("P1", null).birthDate(null).referringPhysician(null)
                .receivedAt(T0.plusSeconds(90)).build());

        PatientRecord patient = database.dsl().fetchSingle(PATIENT);
        assertThat(patient.getPatientName()).isEqualTo("Smith^Jane");
        assertThat(patient.getPatientNameUpper()).isEqualTo("SMITH^JANE");
        assertThat(patient.getPatientBirthDate()).isEqualTo("19700102");
        assertThat(patient.getCreatedAt().toInstant()).isEqualTo(T0);
        assertThat(patient.getUpdatedAt().toInstant()).isEqualTo(T0.plusSeconds(60));
        StudyRecord study = database.dsl().fetchSingle(STUDY);
        assertThat(study.getReferringPhysicianName()).isEqualTo("Kildare^James");
        assertThat(study.getReferringPhysicianNameUpper()).isEqualTo("KILDARE^JAMES");
    }

    @Test
    void aStudyStaysWithThePatientItWasFiledUnder() {
        index.save(TestEntry.instance("1.2.3.1").patient("P1", "Doe^Jane").build());
        index.save(TestEntry.instance("1.2.3.2").patient("P2", "Roe^Richard").build());

        DSLContext dsl = database.dsl();
        long firstPatient = dsl.fetchSingle(PATIENT, PATIENT.PATIENT_ID.eq("P1")).getPk();
        assertThat(dsl.fetchSingle(STUDY).getPatientFk()).isEqualTo(firstPatient);
        assertThat(index.countInstances()).isEqualTo(2);
    }

    @Test
    void subjectIsCreatedOnceByTheFirstSender() {
        index.save(TestEntry.instance("1.2.3.1").subject("SUBJ-1").origin(Origin.http("alice", "10.0.0.1")).build());
        index.save(TestEntry.instance("1.2.3.2").subject("SUBJ-1").origin(Origin.http("bob", "10.0.0.2")).build());
        index.save(TestEntry.instance("1.2.3.3").build());

        DSLContext dsl = database.dsl();
        assertThat(dsl.fetchSingle(SUBJECT).getCreatedBy()).isEqualTo("alice");
        long subjectPk = dsl.fetchSingle(SUBJECT).getPk();
        assertThat(dsl.fetchCount(INSTANCE, INSTANCE.SUBJECT_FK.eq(subjectPk))).isEqualTo(2);
        assertThat(dsl.fetchSingle(INSTANCE, INSTANCE.SOP_INSTANCE_UID.eq("1.2.3.3")).getSubjectFk()).isNull();
        assertThat(dsl.fetchSingle(INSTANCE, INSTANCE.SOP_INSTANCE_UID.eq("1.2.3.2")).getSourceName()).isEqualTo("bob");
    }

    @Test
    void replacingReturnsThePreviousBlobKey() {
        index.save(TestEntry.instance("1.2.3.1").blobKey("old").build());

        SaveResult result = index.save(TestEntry.instance("1.2.3.1").blobKey("new").sha256("cd".repeat(32)).build());

        assertThat(result).isEqualTo(new SaveResult(true, Optional.of("old")));
        assertThat(index.findInstance("1.2.3.1").orElseThrow().blobKey()).isEqualTo("new");
        assertThat(index.findInstance("1.2.3.1").orElseThrow().sha256Hex()).isEqualTo("cd".repeat(32));
        assertThat(index.countInstances()).isEqualTo(1);
        assertThat(index.isBlobReferenced("old")).isFalse();
    }

    @Test
    void savingTheSameBlobKeyTwiceReportsNoKeyToRemove() {
        index.save(TestEntry.instance("1.2.3.1").blobKey("same").build());

        assertThat(index.save(TestEntry.instance("1.2.3.1").blobKey("same").build()))
                .isEqualTo(new SaveResult(true, Optional.empty()));
        assertThat(index.countInstances()).isEqualTo(1);
    }

    @Test
    void replacementIntoAnotherSeriesRemovesTheSeriesLeftEmpty() {
        index.save(TestEntry.instance("1.2.3.1").study("1.2.3").series("1.2.3.1").build());

        index.save(TestEntry.instance("1.2.3.1").study("1.2.3").series("1.2.3.2").build());

        assertThat(database.dsl().fetchSingle(SERIES).getSeriesInstanceUid()).isEqualTo("1.2.3.2");
        assertThat(index.findInstance("1.2.3.1").orElseThrow().seriesInstanceUid()).isEqualTo("1.2.3.2");
    }

    @Test
    void deleteRemovesParentsLeftEmpty() {
        index.save(TestEntry.instance("1.2.3.1.1").study("1.2.3").series("1.2.3.1").subject("S1").build());
        index.save(TestEntry.instance("1.2.3.2.1").study("1.2.3").series("1.2.3.2").subject("S1").build());
        index.save(TestEntry.instance("1.2.3.2.2").study("1.2.3").series("1.2.3.2").subject("S1").build());
        DSLContext dsl = database.dsl();

        assertThat(index.delete("1.2.3.2.1")).isTrue();
        assertThat(dsl.fetchCount(SERIES)).isEqualTo(2);

        assertThat(index.delete("1.2.3.2.2")).isTrue();
        assertThat(dsl.fetchCount(SERIES)).isEqualTo(1);
        assertThat(dsl.fetchCount(STUDY)).isEqualTo(1);

        assertThat(index.delete("1.2.3.1.1")).isTrue();
        assertThat(dsl.fetchCount(SERIES)).isZero();
        assertThat(dsl.fetchCount(STUDY)).isZero();
        assertThat(dsl.fetchCount(PATIENT)).isZero();
        assertThat(dsl.fetchCount(SUBJECT)).as("subjects are managed on their own").isEqualTo(1);
        assertThat(index.countInstances()).isZero();

        assertThat(index.delete("1.2.3.1.1")).isFalse();
    }

    @Test
    void overlongDescriptiveValuesAreShortenedAndOverlongUidsRefused() {
        index.save(TestEntry.instance("1.2.3.1").institutionName("x".repeat(100)).patient("P1", "ß".repeat(324)).build());

        assertThat(database.dsl().fetchSingle(SERIES).getInstitutionName()).hasSize(64);
        assertThat(database.dsl().fetchSingle(PATIENT).getPatientNameUpper()).isEqualTo("S".repeat(324));

        assertThatThrownBy(() -> index.save(TestEntry.instance("1." + "2".repeat(70)).study("1.2.9").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sop_instance_uid");
        assertThat(index.countInstances()).isEqualTo(1);
        assertThat(database.dsl().fetchCount(STUDY)).as("the refused save left nothing behind").isEqualTo(1);
    }

    @Test
    void aBatchIsSavedInOrderAndAnEntryRefusedForItselfFailsAlone() {
        List<SaveOutcome> outcomes = index.saveAll(List.of(
                TestEntry.instance("1.2.3.1").blobKey("a").build(),
                TestEntry.instance("1." + "2".repeat(70)).build(),
                TestEntry.instance("1.2.3.2").series("1.2.3.9.2").build(),
                TestEntry.instance("1.2.3.1").blobKey("b").build()));

        assertThat(outcomes.get(0).result()).isEqualTo(new SaveResult(false, Optional.empty()));
        assertThat(outcomes.get(1).failure()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sop_instance_uid");
        assertThat(outcomes.get(2).result()).isEqualTo(new SaveResult(false, Optional.empty()));
        assertThat(outcomes.get(3).result()).as("the later entry replaces the earlier")
                .isEqualTo(new SaveResult(true, Optional.of("a")));
        assertThat(index.countInstances()).isEqualTo(2);
        assertThat(index.findInstance("1.2.3.1").orElseThrow().blobKey()).isEqualTo("b");
        assertThat(database.dsl().fetchCount(SERIES)).isEqualTo(2);
    }

    @Test
    void aBatchIntoOneSeriesTakesTheNewestAttributes() {
        index.save(TestEntry.instance("1.2.3.1").institutionName("Old").receivedAt(T0).build());

        index.saveAll(List.of(
                TestEntry.instance("1.2.3.2").institutionName("Old").receivedAt(T0.plusSeconds(1)).build(),
                TestEntry.instance("1.2.3.3").institutionName("New").receivedAt(T0.plusSeconds(2)).build(),
                TestEntry.instance("1.2.3.4").institutionName("New").receivedAt(T0.plusSeconds(3)).build()));

        assertThat(database.dsl().fetchSingle(SERIES).getInstitutionName()).isEqualTo("New");
        assertThat(index.countInstances()).isEqualTo(4);
        assertThat(index.findInstances(List.of("1.2.3.1", "1.2.3.4", "1.2.3.9"))).containsOnlyKeys("1.2.3.1", "1.2.3.4");
    }

    @Test
    void concurrentSavesOfDifferentInstancesShareTheirParents() throws Exception {
        List<SaveResult> results = runConcurrently(thread -> {
            List<SaveResult> mine = new ArrayList<>();
            for (int i = 0; i < SAVES_PER_THREAD; i++) {
                // All threads write into the same patient and study and the same four series.
                mine.add(node(thread).save(TestEntry.instance("1.2.3." + thread + "." + i)
                        .study("1.2.3").series("1.2.3.9." + (i % 4)).build()));
            }
            return mine;
        });

        assertThat(results).hasSize(THREADS * SAVES_PER_THREAD).allMatch(result -> !result.replaced());
        DSLContext dsl = database.dsl();
        assertThat(index.countInstances()).isEqualTo(THREADS * SAVES_PER_THREAD);
        assertThat(dsl.fetchCount(PATIENT)).isEqualTo(1);
        assertThat(dsl.fetchCount(STUDY)).isEqualTo(1);
        assertThat(dsl.fetchCount(SERIES)).isEqualTo(4);
        for (var series : dsl.fetch(SERIES)) {
            int seriesIndex = Integer.parseInt(series.getSeriesInstanceUid().substring("1.2.3.9.".length()));
            long expected = THREADS * IntStream.range(0, SAVES_PER_THREAD).filter(i -> i % 4 == seriesIndex).count();
            assertThat(dsl.fetchCount(INSTANCE, INSTANCE.SERIES_FK.eq(series.getPk()))).isEqualTo(expected);
        }
    }

    @Test
    void concurrentSavesOfTheSameInstancesLeaveOneRowAndReportEveryReplacedBlob() throws Exception {
        // Every thread saves the same new instances, each time with its own blob key: inserts race.
        Set<String> keysReportedForRemoval = ConcurrentHashMap.newKeySet();
        List<SaveResult> results = runConcurrently(thread -> {
            List<SaveResult> mine = new ArrayList<>();
            for (int i = 0; i < SAVES_PER_THREAD; i++) {
                SaveResult result = node(thread).save(TestEntry.instance("1.2.3." + i)
                        .blobKey("blob-" + i + "-" + thread).build());
                result.previousBlobKey().ifPresent(key -> assertThat(keysReportedForRemoval.add(key))
                        .as("key %s reported twice", key).isTrue());
                mine.add(result);
            }
            return mine;
        });

        assertThat(index.countInstances()).isEqualTo(SAVES_PER_THREAD);
        assertThat(results.stream().filter(result -> !result.replaced())).hasSize(SAVES_PER_THREAD);
        for (int i = 0; i < SAVES_PER_THREAD; i++) {
            // The replacements took turns: each blob but the last one standing was reported once.
            Set<String> expected = new HashSet<>();
            for (int thread = 0; thread < THREADS; thread++) {
                expected.add("blob-" + i + "-" + thread);
            }
            String standing = index.findInstance("1.2.3." + i).orElseThrow().blobKey();
            expected.remove(standing);
            for (String key : expected) {
                assertThat(keysReportedForRemoval).contains(key);
            }
            assertThat(keysReportedForRemoval).doesNotContain(standing);
        }
        assertThat(database.dsl().fetchCount(SERIES)).isEqualTo(1);
    }

    @Test
    void forEachInstanceVisitsEveryInstanceOnceAcrossPages() {
        int pageSize = 25;
        int count = 5 * pageSize; // a whole number of pages: the walk must stop after an empty one
        for (int i = 0; i < count; i++) {
            index.save(TestEntry.instance("1.2.3." + i).series("1.2.3.9." + (i % 3)).build());
        }
        Set<String> seen = new HashSet<>();
        List<String> duplicates = new ArrayList<>();

        new InstanceIndex(database, pageSize).forEachInstance(instance -> {
            if (!seen.add(instance.sopInstanceUid())) {
                duplicates.add(instance.sopInstanceUid());
            }
        });

        assertThat(duplicates).isEmpty();
        assertThat(seen).hasSize(count);
        assertThat(index.countInstances()).isEqualTo(count);
    }

    @Test
    void forEachInstanceToleratesDeletesByTheConsumer() {
        for (int i = 0; i < 60; i++) {
            index.save(TestEntry.instance("1.2.3." + i).build());
        }
        List<String> visited = new ArrayList<>();

        new InstanceIndex(database, 25).forEachInstance(instance -> {
            visited.add(instance.sopInstanceUid());
            index.delete(instance.sopInstanceUid());
        });

        assertThat(visited).hasSize(60).doesNotHaveDuplicates();
        assertThat(index.countInstances()).isZero();
        assertThat(database.dsl().fetchCount(PATIENT)).isZero();
    }

    @Test
    void concurrentSavesAndDeletesInOneSeriesLeaveConsistentParents() throws Exception {
        // Each thread keeps adding and removing its own instance in the same series, so series,
        // study and patient rows are removed and re-created under the other threads' feet.
        List<SaveResult> results = runConcurrently(thread -> {
            List<SaveResult> mine = new ArrayList<>();
            for (int i = 0; i < SAVES_PER_THREAD / 2; i++) {
                mine.add(node(thread).save(TestEntry.instance("1.2.3." + thread).build()));
                assertThat(node(thread).delete("1.2.3." + thread)).isTrue();
            }
            return mine;
        });

        assertThat(results).allMatch(result -> !result.replaced());
        DSLContext dsl = database.dsl();
        assertThat(index.countInstances()).isZero();
        assertThat(dsl.fetchCount(SERIES)).isZero();
        assertThat(dsl.fetchCount(STUDY)).isZero();
        assertThat(dsl.fetchCount(PATIENT)).isZero();
    }

    @Test
    void migrationRunsOnceAndDataSurvivesReopening() {
        index.save(TestEntry.instance("1.2.3.1").build());
        int applied = appliedMigrations();
        assertThat(applied).isEqualTo(Flyway.configure().dataSource(database.dataSource()).load().info().all().length);
        database.close();

        database = Database.open(settings);
        index = new InstanceIndex(database);

        assertThat(appliedMigrations()).isEqualTo(applied);
        assertThat(index.findInstance("1.2.3.1")).isPresent();
    }

    private int appliedMigrations() {
        return Flyway.configure().dataSource(database.dataSource()).load().info().applied().length;
    }

    /** Runs task(thread) on THREADS threads released together; returns all their results. */
    private List<SaveResult> runConcurrently(ThreadTask task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<SaveResult>>> futures = new ArrayList<>();
            for (int thread = 0; thread < THREADS; thread++) {
                int id = thread;
                futures.add(pool.submit((Callable<List<SaveResult>>) () -> {
                    start.await();
                    return task.run(id);
                }));
            }
            start.countDown();
            List<SaveResult> all = Collections.synchronizedList(new ArrayList<>());
            for (Future<List<SaveResult>> future : futures) {
                all.addAll(future.get(2, TimeUnit.MINUTES));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface ThreadTask {
        List<SaveResult> run(int thread) throws Exception;
    }
}
