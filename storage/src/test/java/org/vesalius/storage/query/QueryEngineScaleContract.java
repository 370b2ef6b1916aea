package org.vesalius.storage.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.schema.jooq.tables.records.InstanceRecord;
import org.vesalius.storage.index.Database;
import org.vesalius.storage.index.DatabaseSettings;

/**
 * The engine on an archive of 10 000 instances (100 patients, 2 studies each, 5 series of 10
 * instances per study): answers stay correct across batches, and pages come back fast because
 * matching, ordering, paging and counting stay in the database. Timings go to the test output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class QueryEngineScaleContract {
    private static final int PATIENTS = 100;
    private static final int STUDIES_PER_PATIENT = 2;
    private static final int SERIES_PER_STUDY = 5;
    private static final int INSTANCES_PER_SERIES = 10;
    private static final int INSTANCES = PATIENTS * STUDIES_PER_PATIENT * SERIES_PER_STUDY * INSTANCES_PER_SERIES;
    private static final List<String> MODALITIES = List.of("CT", "MR", "SR", "PR", "OT");
    /** Generous: a page takes tens of milliseconds; seconds would mean a table scan per row. */
    private static final Duration PAGE_BUDGET = Duration.ofSeconds(2);

    private Database database;
    private QueryEngine engine;

    protected abstract DatabaseSettings freshDatabase(Path tempDir);

    @BeforeAll
    void populate(@TempDir Path tempDir) {
        database = Database.open(freshDatabase(tempDir));
        engine = new QueryEngine(database);
        long start = System.nanoTime();
        // One transaction: 1 300 parent rows one by one, then the instances 500 per INSERT.
        database.dsl().transaction(transaction -> insertArchive(new IndexRows(transaction.dsl())));
        report("populate " + INSTANCES + " instances", System.nanoTime() - start);
    }

    private static void insertArchive(IndexRows rows) {
        List<InstanceRecord> instances = new ArrayList<>(INSTANCES);
        for (int p = 0; p < PATIENTS; p++) {
            long patient = rows.patient("P" + p, "Patient^" + p, row -> { });
            for (int s = 0; s < STUDIES_PER_PATIENT; s++) {
                String studyUid = "2.25." + p + "." + s;
                String date = String.format("2024%02d%02d", 1 + s, 1 + (p * STUDIES_PER_PATIENT + s) % 28);
                long study = rows.study(patient, studyUid, row -> {
                    row.setStudyDate(date);
                    row.setStudyTime("120000");
                });
                for (int r = 0; r < SERIES_PER_STUDY; r++) {
                    String seriesUid = studyUid + "." + r;
                    int number = r + 1;
                    long series = rows.series(study, seriesUid, MODALITIES.get(r), row -> row.setSeriesNumber(number));
                    for (int i = 0; i < INSTANCES_PER_SERIES; i++) {
                        InstanceRecord instance = rows.newInstance(series, seriesUid + "." + i);
                        instance.setInstanceNumber(i + 1);
                        instances.add(instance);
                    }
                }
            }
        }
        rows.insertAll(instances);
    }

    @AfterAll
    void close() {
        database.close();
    }

    @Test
    void aStudyPageWithEverythingComputedIsFast() throws Exception {
        QueryPage page = timed("study page, all known, limit 100", () -> engine.search(
                Query.builder(QueryLevel.STUDY).returnAllKnown().limit(100).build()));

        assertThat(page.results()).hasSize(100);
        assertThat(page.hasMore()).isTrue();
        for (QueryResult study : page.results()) {
            assertThat(study.value(0x00201206)).isEqualTo("5");        // NumberOfStudyRelatedSeries
            assertThat(study.value(0x00201208)).isEqualTo("50");       // NumberOfStudyRelatedInstances
            assertThat(study.value(0x00201204)).isEqualTo("100");      // NumberOfPatientRelatedInstances
            assertThat(study.values(0x00080061)).containsExactly("CT", "MR", "OT", "PR", "SR");
        }
        List<String> dates = page.results().stream().map(r -> r.value(0x00080020)).toList();
        assertThat(dates).isSortedAccordingTo((a, b) -> b.compareTo(a));
    }

    @Test
    void matchingOnParentsAndModalitiesIsFast() throws Exception {
        QueryPage page = timed("study page, fuzzy name + modality + date range", () -> engine.search(
                Query.builder(QueryLevel.STUDY).fuzzyMatching(true).limit(50)
                        .match(0x00100010, "patient^1*")          // PatientName: 1, 10..19: 11 patients
                        .match(0x00080061, "MR")                  // ModalitiesInStudy
                        .match(0x00080020, "20240201-20240231")   // StudyDate: the second study of each
                        .build()));
        assertThat(page.results()).hasSize(11);

        QueryPage deep = timed("instance page, offset 9000", () -> engine.search(
                Query.builder(QueryLevel.INSTANCE).returnAllKnown().offset(9000).limit(100).build()));
        assertThat(deep.results()).hasSize(100);
        assertThat(deep.hasMore()).isTrue();
    }

    @Test
    void streamingAllInstancesCrossesManyBatches() throws Exception {
        Set<String> uids = new HashSet<>();
        timed("stream all instances, all known", () -> {
            try (Stream<QueryResult> all = engine.stream(Query.builder(QueryLevel.INSTANCE).returnAllKnown().build())) {
                all.forEach(instance -> {
                    assertThat(instance.value(0x00201209)).isEqualTo("10"); // NumberOfSeriesRelatedInstances
                    uids.add(instance.value(0x00080018));
                });
            }
            return null;
        });
        assertThat(uids).hasSize(INSTANCES);
    }

    private <T> T timed(String what, Callable<T> work) throws Exception {
        long start = System.nanoTime();
        T result = work.call();
        long elapsed = System.nanoTime() - start;
        report(what, elapsed);
        if (!what.startsWith("stream")) {
            assertThat(Duration.ofNanos(elapsed)).as(what).isLessThan(PAGE_BUDGET);
        }
        return result;
    }

    private void report(String what, long nanos) {
        System.out.printf("%s on %s: %d ms%n", what, getClass().getSimpleName(), nanos / 1_000_000);
    }
}
