package org.vesalius.storage.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.storage.index.Database;
import org.vesalius.storage.index.DatabaseSettings;

/** The audit trail as admins read it, on the embedded H2 index, written through {@link AuditLog}. */
class AuditQueryTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    @TempDir
    Path temp;
    private Database database;
    private AuditQuery query;
    private AuditLog log;

    @BeforeEach
    void setUp() {
        database = Database.open(DatabaseSettings.embeddedH2(temp));
        record(0, Origin.http("alice (a-1)", "10.0.0.1"), "GET dicomweb", AuditLog.Outcome.SUCCESS, "200");
        record(1, Origin.http("bob (b-2)", "10.0.0.2"), "POST dicomweb", AuditLog.Outcome.SUCCESS, "200");
        record(2, Origin.http("alice (a-1)", "10.0.0.1"), "DELETE dicomweb", AuditLog.Outcome.FAILURE, "403");
        record(3, Origin.http("anonymous", "10.0.0.9"), "GET api", AuditLog.Outcome.FAILURE, "401");
        record(4, Origin.dimse("MODALITY", "10.0.0.5"), "INSTANCE_REPLACED", AuditLog.Outcome.SUCCESS, null);
        record(5, Origin.http("al_ce (x-3)", "10.0.0.3"), "GET api", AuditLog.Outcome.SUCCESS, "200");
        log = new AuditLog(database, Clock.systemUTC());
        query = new AuditQuery(database, log);
    }

    @AfterEach
    void tearDown() {
        log.close();
        database.close();
    }

    private void record(int minutes, Origin origin, String action, AuditLog.Outcome outcome, String status) {
        // One log per record for its fixed clock; closing it writes the record.
        try (AuditLog log = new AuditLog(database, Clock.fixed(T0.plusSeconds(60L * minutes), ZoneOffset.UTC))) {
            log.record(origin, action, "/r/" + minutes, outcome, status, null);
        }
    }

    private List<String> resources(AuditQuery.Page page) {
        return page.items().stream().map(AuditQuery.Event::resource).toList();
    }

    @Test
    void aQuerySeesEveryRecordMadeBeforeItThoughTheyAreWrittenInTheBackground() {
        // More than one writer batch, from several threads at once.
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 300; i++) {
                    log.record(Origin.http("burst", "10.0.0.7"), "GET burst", "/b/" + i, AuditLog.Outcome.SUCCESS, "200", null);
                }
            }));
        }
        threads.forEach(thread -> {
            try {
                thread.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });

        assertThat(query.find(new AuditQuery.Filter("burst", null, null, null, 10, 0)).total()).isEqualTo(1200);
    }

    @Test
    void aClosedLogWritesWhatItHeldAndRecordsNothingMore() {
        AuditLog closing = new AuditLog(database, Clock.systemUTC());
        closing.record(Origin.http("carol", "10.0.0.8"), "GET api", "/c/0", AuditLog.Outcome.SUCCESS, "200", null);
        closing.close();
        closing.record(Origin.http("carol", "10.0.0.8"), "GET api", "/c/1", AuditLog.Outcome.SUCCESS, "200", null);

        assertThat(resources(query.find(new AuditQuery.Filter("carol", null, null, null, 10, 0)))).containsExactly("/c/0");
    }

    @Test
    void allEventsNewestFirstWithTheTotal() {
        AuditQuery.Page page = query.find(new AuditQuery.Filter(null, null, null, null, 100, 0));

        assertThat(resources(page)).containsExactly("/r/5", "/r/4", "/r/3", "/r/2", "/r/1", "/r/0");
        assertThat(page.total()).isEqualTo(6);
        AuditQuery.Event newest = page.items().get(0);
        assertThat(newest.actorKind()).isEqualTo("HTTP");
        assertThat(newest.actorAddress()).isEqualTo("10.0.0.3");
        assertThat(newest.occurredAt().toInstant()).isEqualTo(T0.plusSeconds(300));
    }

    @Test
    void userMatchesTheWholeNameTheReadableNameOrTheSubjectButNoWildcards() {
        assertThat(resources(query.find(new AuditQuery.Filter("alice", null, null, null, 100, 0)))).containsExactly("/r/2", "/r/0");
        assertThat(resources(query.find(new AuditQuery.Filter("a-1", null, null, null, 100, 0)))).containsExactly("/r/2", "/r/0");
        assertThat(resources(query.find(new AuditQuery.Filter("MODALITY", null, null, null, 100, 0)))).containsExactly("/r/4");
        assertThat(resources(query.find(new AuditQuery.Filter("al_ce", null, null, null, 100, 0)))).containsExactly("/r/5");
        assertThat(resources(query.find(new AuditQuery.Filter("al%", null, null, null, 100, 0)))).isEmpty();
        assertThat(resources(query.find(new AuditQuery.Filter("ali", null, null, null, 100, 0)))).isEmpty();
    }

    @Test
    void actionMatchesByItsStartAndTimesAreFromInclusiveToExclusive() {
        assertThat(resources(query.find(new AuditQuery.Filter(null, "GET", null, null, 100, 0)))).containsExactly("/r/5", "/r/3", "/r/0");
        assertThat(resources(query.find(new AuditQuery.Filter(null, "GET dicomweb", null, null, 100, 0)))).containsExactly("/r/0");
        OffsetDateTime from = T0.plusSeconds(60).atOffset(ZoneOffset.UTC);
        OffsetDateTime to = T0.plusSeconds(180).atOffset(ZoneOffset.UTC);
        assertThat(resources(query.find(new AuditQuery.Filter(null, null, from, to, 100, 0)))).containsExactly("/r/2", "/r/1");
    }

    @Test
    void pagesKeepTheTotalOfAllMatches() {
        AuditQuery.Page second = query.find(new AuditQuery.Filter(null, null, null, null, 2, 2));

        assertThat(resources(second)).containsExactly("/r/3", "/r/2");
        assertThat(second.total()).isEqualTo(6);
        assertThat(query.find(new AuditQuery.Filter(null, null, null, null, 2, 10)).items()).isEmpty();
    }

    @Test
    void outOfRangePagingIsRefused() {
        assertThatThrownBy(() -> new AuditQuery.Filter(null, null, null, null, AuditQuery.MAX_LIMIT + 1, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuditQuery.Filter(null, null, null, null, 10, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
