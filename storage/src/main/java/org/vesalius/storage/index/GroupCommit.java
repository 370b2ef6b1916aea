package org.vesalius.storage.index;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Group commit: the saves that threads offer while a transaction is being written (parallel
 * C-STORE associations, STOW-RS requests) wait, and are then written together in the next
 * transaction. Each caller still returns only once its own entries are committed.
 *
 * <p>There is no committer thread: the first caller to find no transaction in progress writes
 * the waiting entries, its own and the others', then hands over to the next waiting caller. With
 * one writer at a time per node, saves of one node never wait for each other's row locks, and the
 * cost of a commit (on H2 a write of the store's changed pages; on PostgreSQL a WAL flush) is
 * shared by everything that arrived meanwhile.
 */
final class GroupCommit {
    /** The most entries written in one transaction: bounds its locks and its time. */
    static final int MAX_BATCH = 100;

    private final Function<List<InstanceEntry>, List<SaveOutcome>> writer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition written = lock.newCondition();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private boolean writing;

    /** @param writer writes entries in one transaction (or each alone), never throws */
    GroupCommit(Function<List<InstanceEntry>, List<SaveOutcome>> writer) {
        this.writer = writer;
    }

    /** One entry waiting for its commit; its outcome is set by whichever caller wrote it. */
    private static final class Pending {
        private final InstanceEntry entry;
        private SaveOutcome outcome;

        Pending(InstanceEntry entry) {
            this.entry = entry;
        }
    }

    /** Saves the entries, with whatever else is waiting; returns once all of them are written. */
    List<SaveOutcome> saveAll(List<InstanceEntry> entries) {
        List<Pending> mine = entries.stream().map(Pending::new).toList();
        lock.lock();
        try {
            waiting.addAll(mine);
            while (!allWritten(mine)) {
                if (writing) {
                    written.awaitUninterruptibly();
                } else {
                    writeNextBatch();
                }
            }
        } finally {
            lock.unlock();
        }
        return mine.stream().map(pending -> pending.outcome).toList();
    }

    /** Called holding the lock; writes without it, so others can queue meanwhile. */
    private void writeNextBatch() {
        List<Pending> batch = new ArrayList<>();
        while (!waiting.isEmpty() && batch.size() < MAX_BATCH) {
            batch.add(waiting.poll());
        }
        writing = true;
        lock.unlock();
        try {
            List<SaveOutcome> outcomes = writer.apply(batch.stream().map(pending -> pending.entry).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).outcome = outcomes.get(i);
            }
        } catch (RuntimeException | Error e) {
            // Not expected (the writer reports failures per entry), but nobody must wait forever.
            RuntimeException failure = e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
            for (Pending pending : batch) {
                if (pending.outcome == null) {
                    pending.outcome = SaveOutcome.failed(failure);
                }
            }
            throw e;
        } finally {
            lock.lock();
            writing = false;
            written.signalAll();
        }
    }

    private static boolean allWritten(List<Pending> pendings) {
        for (Pending pending : pendings) {
            if (pending.outcome == null) {
                return false;
            }
        }
        return true;
    }
}
