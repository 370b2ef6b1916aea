package org.vesalius.storage.ingest;

import org.vesalius.storage.index.IndexedInstance;

/** What the archive did with an accepted object; only returned once it is durable and indexed. */
public record IngestOutcome(Result result, IndexedInstance instance) {

    public enum Result {
        /** A new instance. */
        STORED,
        /** The same SOP Instance UID with identical bytes was already there: nothing changed. */
        ALREADY_STORED,
        /** The same SOP Instance UID with different bytes: replaced (duplicate policy REPLACE). */
        REPLACED
    }
}
