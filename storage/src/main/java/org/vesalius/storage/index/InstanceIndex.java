package org.vesalius.storage.index;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * The patient / study / series / instance / subject rows of the index, written by the ingest path
 * and read by retrieval. (Query matching for QIDO-RS and C-FIND lives in the query engine.)
 */
public final class InstanceIndex {
    private final Database database;

    public InstanceIndex(Database database) {
        this.database = database;
    }

    /** The instance with this SOP Instance UID, if indexed. */
    public Optional<IndexedInstance> findInstance(String sopInstanceUid) {
        throw new UnsupportedOperationException("TODO(index helper)");
    }

    /**
     * Upserts the patient, study, series, subject and instance rows of {@code entry} in one
     * transaction. An existing instance with the same SOP Instance UID is replaced (its row
     * updated in place, so there is only ever one row per UID); the result says so and carries
     * its previous blob key when that differs from the new one.
     */
    public SaveResult save(InstanceEntry entry) {
        throw new UnsupportedOperationException("TODO(index helper)");
    }

    /** Removes the instance row (and series / study / patient rows left empty). True if one was removed. */
    public boolean delete(String sopInstanceUid) {
        throw new UnsupportedOperationException("TODO(index helper)");
    }

    /** True when some instance row points at this blob key (reconcile uses it for orphans). */
    public boolean isBlobReferenced(String blobKey) {
        throw new UnsupportedOperationException("TODO(index helper)");
    }

    /** Calls consumer with every indexed instance (reconcile checks each has its blob). */
    public void forEachInstance(Consumer<IndexedInstance> consumer) {
        throw new UnsupportedOperationException("TODO(index helper)");
    }

    /** Number of indexed instances. */
    public long countInstances() {
        throw new UnsupportedOperationException("TODO(index helper)");
    }
}
