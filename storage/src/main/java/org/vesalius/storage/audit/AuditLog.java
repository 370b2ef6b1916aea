package org.vesalius.storage.audit;

import static org.vesalius.schema.jooq.Tables.AUDIT_EVENT;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jooq.InsertValuesStep9;
import org.vesalius.schema.jooq.tables.records.AuditEventRecord;
import org.vesalius.storage.index.Database;

/**
 * The audit trail (invariant 6): who did what, when, with which outcome, kept in the index.
 *
 * <p>Records are written by one background writer, many to a statement and a commit, not by the
 * thread that did the work: an HTTP request or a DIMSE operation does not wait for an index commit
 * of its own audit row (on PostgreSQL an fsync each), and a burst of requests costs one commit per
 * batch. The time of an event is taken when it is recorded. {@link #flush()} waits until every
 * record made before it is written, so readers of the trail ({@link AuditQuery}) see them all;
 * {@link #close()} writes what is left. The price: a crash loses the records of the last moments
 * (the queue, at most a few milliseconds' worth under load), never an object or an index row.
 *
 * <p>Writing an audit record never fails the operation it records: a failure to write is logged.
 * A full queue (the index far behind) makes {@link #record} wait, so memory stays bounded.
 */
public final class AuditLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());
    private static final int QUEUE_CAPACITY = 10_000;
    private static final int MAX_BATCH = 500;

    public enum Outcome { SUCCESS, FAILURE }

    /** What the writer takes from the queue: an event to write, or a marker to complete once written. */
    private sealed interface Entry permits Event, Marker {
    }

    private record Event(OffsetDateTime occurredAt, Origin origin, String action, String resource, Outcome outcome,
                         String status, String detail) implements Entry {
    }

    /** Completed when every entry queued before it is written; {@code last} ends the writer. */
    private record Marker(CompletableFuture<Void> written, boolean last) implements Entry {
    }

    private final Database database;
    private final Clock clock;
    private final BlockingQueue<Entry> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread writer;
    /** Set once the last marker is queued: nothing may follow it, the writer stops there. */
    private boolean closed; // guarded by this

    public AuditLog(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
        this.writer = Thread.ofPlatform().name("audit-writer").daemon().start(this::writeUntilClosed);
    }

    public void record(Origin origin, String action, String resource, Outcome outcome, String status, String detail) {
        enqueue(new Event(OffsetDateTime.now(clock), origin, action, resource, outcome, status, detail));
    }

    /** Returns once every record made before this call is in the index (or failed and was logged). */
    public void flush() {
        Marker marker = new Marker(new CompletableFuture<>(), false);
        if (enqueue(marker)) {
            marker.written().join();
        }
    }

    /** Writes what is queued and stops the writer; records made afterwards are logged and dropped. */
    @Override
    public void close() {
        Marker last = new Marker(new CompletableFuture<>(), true);
        if (enqueue(last)) {
            try {
                last.written().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "audit records may be lost: the writer did not finish: " + e);
            }
        }
    }

    /**
     * Queues the entry unless the log is closed. Under the lock, so that no entry can be queued
     * behind the last marker (the writer stops there and would never write it).
     */
    private synchronized boolean enqueue(Entry entry) {
        if (closed || !writer.isAlive()) {
            LOG.log(Level.ERROR, "audit log closed; not recorded: " + entry);
            return false;
        }
        try {
            queue.put(entry);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.log(Level.ERROR, "interrupted; audit record not written: " + entry);
            return false;
        }
        closed = entry instanceof Marker marker && marker.last();
        return true;
    }

    private void writeUntilClosed() {
        List<Entry> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            write(batch.stream().filter(Event.class::isInstance).map(Event.class::cast).toList());
            boolean closed = false;
            for (Entry entry : batch) {
                if (entry instanceof Marker marker) {
                    marker.written().complete(null);
                    closed |= marker.last();
                }
            }
            batch.clear();
            if (closed) {
                return;
            }
        }
    }

    /** One multi-row insert, one commit. */
    private void write(List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        try {
            InsertValuesStep9<AuditEventRecord, OffsetDateTime, String, String, String, String, String, String, String, String> insert =
                    database.dsl().insertInto(AUDIT_EVENT, AUDIT_EVENT.OCCURRED_AT, AUDIT_EVENT.ACTOR_KIND,
                            AUDIT_EVENT.ACTOR_NAME, AUDIT_EVENT.ACTOR_ADDRESS, AUDIT_EVENT.ACTION, AUDIT_EVENT.RESOURCE,
                            AUDIT_EVENT.OUTCOME, AUDIT_EVENT.STATUS, AUDIT_EVENT.DETAIL);
            for (Event e : events) {
                insert = insert.values(e.occurredAt(), e.origin().kind().name(), truncate(e.origin().name(), 256),
                        truncate(e.origin().address(), 128), e.action(), truncate(e.resource(), 512),
                        e.outcome().name(), e.status(), truncate(e.detail(), 1024));
            }
            insert.execute();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "could not write " + events.size() + " audit record(s), first "
                    + events.getFirst().action() + " " + events.getFirst().resource() + " by "
                    + events.getFirst().origin().name(), e);
        }
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
