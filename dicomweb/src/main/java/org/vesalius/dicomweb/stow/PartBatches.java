package org.vesalius.dicomweb.stow;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.vesalius.storage.ingest.IngestException;
import org.vesalius.storage.ingest.IngestRequest;
import org.vesalius.storage.ingest.IngestResult;
import org.vesalius.storage.ingest.IngestService;

/**
 * The parts of one STOW-RS request, handed to the ingest path in batches: the parts of a batch are
 * committed together ({@link IngestService#ingestAll}), and while one batch is being stored on its
 * own thread the request thread spools the next from the network. At most two batches of spool
 * files are on disk at a time. Results are recorded in part order.
 *
 * <p>Only the request thread calls this class; the response is complete after {@link #finish}.
 */
final class PartBatches {
    private static final System.Logger LOG = System.getLogger(PartBatches.class.getName());

    /** Parts per batch: enough to share a commit widely, few enough to keep the pipeline moving. */
    static final int MAX_PARTS = 32;
    /** Bytes per batch: large objects go a few at a time, so spooling and storing still overlap. */
    static final long MAX_BYTES = 64L * 1024 * 1024;

    /** Ingest failures that happen after the header was parsed, so the spooled file can name its UIDs. */
    private static final Set<IngestException.Failure> HEADER_READ = Set.of(
            IngestException.Failure.DATA_SET_DOES_NOT_MATCH, IngestException.Failure.WRONG_STUDY,
            IngestException.Failure.DUPLICATE_REJECTED);

    private final IngestService ingest;
    private final IngestRequest request;
    private final StowResponse response;
    private List<Part> collecting = new ArrayList<>();
    private long collectingBytes;
    private Thread storing;
    private RuntimeException storingFailed;

    /** A spooled part, or one refused before it reached ingest (failure != 0). */
    private record Part(int number, SpoolFile spool, int failure) {
    }

    PartBatches(IngestService ingest, IngestRequest request, StowResponse response) {
        this.ingest = ingest;
        this.request = request;
        this.response = response;
    }

    void add(int number, SpoolFile spool) {
        collecting.add(new Part(number, spool, 0));
        collectingBytes += spool.size();
        if (collecting.size() >= MAX_PARTS || collectingBytes >= MAX_BYTES) {
            storeCollected();
        }
    }

    /** A part refused before ingest (not application/dicom, not spooled); listed in its place. */
    void refused(int number, int failureReason) {
        collecting.add(new Part(number, null, failureReason));
    }

    /** Stores what is collected and waits for every batch; call it also when the body broke off. */
    void finish() {
        storeCollected();
        awaitStoring();
    }

    /** Starts storing the collected parts once the previous batch is done. */
    private void storeCollected() {
        awaitStoring();
        if (collecting.isEmpty()) {
            return;
        }
        List<Part> batch = collecting;
        collecting = new ArrayList<>();
        collectingBytes = 0;
        storing = Thread.ofVirtual().name("stow-ingest").start(() -> {
            try {
                store(batch);
            } catch (RuntimeException e) {
                storingFailed = e;
            } finally {
                batch.stream().filter(part -> part.spool() != null).forEach(part -> part.spool().close());
            }
        });
    }

    private void awaitStoring() {
        if (storing == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                storing.join();
                break;
            } catch (InterruptedException e) {
                // The batch is being committed: its outcome must be known before answering.
                interrupted = true;
            }
        }
        storing = null;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (storingFailed != null) {
            RuntimeException failure = storingFailed;
            storingFailed = null;
            throw failure;
        }
    }

    private void store(List<Part> batch) {
        List<Part> spooled = batch.stream().filter(part -> part.spool() != null).toList();
        List<IngestResult> results = ingest.ingestAll(spooled.stream().map(part -> part.spool().path()).toList(), request);
        int next = 0;
        for (Part part : batch) {
            if (part.spool() == null) {
                response.failed(null, null, part.failure());
                continue;
            }
            IngestResult result = results.get(next++);
            if (result.failure() == null) {
                response.stored(result.outcome().instance());
            } else {
                IngestException e = result.failure();
                SpoolFile.SopUids uids = HEADER_READ.contains(e.failure()) ? part.spool().sopUids()
                        : new SpoolFile.SopUids(null, null);
                LOG.log(Level.INFO, "STOW-RS from {0}: part {1} (SOP Instance {2}) refused, {3}: {4}",
                        request.origin().address(), part.number(), uids.sopInstanceUid(), e.failure(), e.getMessage());
                response.failed(uids.sopClassUid(), uids.sopInstanceUid(), e.failure().dimseStatus());
            }
        }
    }
}
