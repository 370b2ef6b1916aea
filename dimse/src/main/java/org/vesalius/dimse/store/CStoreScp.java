package org.vesalius.dimse.store;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.vesalius.dimse.DimseStatus;
import org.vesalius.storage.audit.Origin;
import org.vesalius.storage.ingest.IngestException;
import org.vesalius.storage.ingest.IngestOutcome;
import org.vesalius.storage.ingest.IngestRequest;
import org.vesalius.storage.ingest.IngestService;

/**
 * The C-STORE service: hands each received object to the one ingest path and turns the result
 * into the status to answer. Success is returned only once ingest returned, i.e. once the object
 * is durable and indexed (invariant 1); the received file is deleted whatever happens.
 */
public final class CStoreScp {
    private static final Logger LOG = System.getLogger(CStoreScp.class.getName());

    private final IngestService ingestService;

    public CStoreScp(IngestService ingestService) {
        this.ingestService = Objects.requireNonNull(ingestService, "ingestService");
    }

    /** One received C-STORE request: the spooled Part 10 file and what its command said. */
    public record ReceivedObject(Path part10File, String callingAeTitle, String remoteAddress,
                                 String affectedSopClassUid, String affectedSopInstanceUid) {
    }

    public DimseStatus store(ReceivedObject received) {
        Origin origin = Origin.dimse(received.callingAeTitle(), received.remoteAddress());
        try {
            IngestOutcome outcome = ingestService.ingest(received.part10File(), IngestRequest.cStore(origin,
                    received.affectedSopClassUid(), received.affectedSopInstanceUid()));
            LOG.log(Level.DEBUG, () -> "C-STORE " + received.affectedSopInstanceUid() + " from "
                    + describe(received) + ": " + outcome.result());
            return DimseStatus.SUCCESS;
        } catch (IngestException e) {
            LOG.log(Level.WARNING, "C-STORE {0} from {1} refused, {2}: {3}", received.affectedSopInstanceUid(),
                    describe(received), e.failure(), e.getMessage());
            return DimseStatus.failure(e.failure().dimseStatus(), e.getMessage());
        } catch (RuntimeException e) {
            // Not the object's fault as far as we know (a bug, a lost database): the sender may retry later.
            LOG.log(Level.ERROR, "C-STORE " + received.affectedSopInstanceUid() + " from " + describe(received)
                    + " failed unexpectedly", e);
            return DimseStatus.failure(DimseStatus.OUT_OF_RESOURCES, "internal error, try again later");
        } finally {
            deleteQuietly(received.part10File());
        }
    }

    private static String describe(ReceivedObject received) {
        return received.callingAeTitle() + "@" + received.remoteAddress();
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete the received file " + file, e);
        }
    }
}
