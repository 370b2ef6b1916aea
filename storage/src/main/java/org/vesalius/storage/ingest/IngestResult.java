package org.vesalius.storage.ingest;

/**
 * What became of one object of {@link IngestService#ingestAll}: accepted (durable and indexed), or
 * refused, and why. Refusing one object of a batch does not refuse the others.
 *
 * @param outcome what the archive did with it; null when refused
 * @param failure why it was refused; null when accepted
 */
public record IngestResult(IngestOutcome outcome, IngestException failure) {

    static IngestResult accepted(IngestOutcome outcome) {
        return new IngestResult(outcome, null);
    }

    static IngestResult refused(IngestException failure) {
        return new IngestResult(null, failure);
    }

    /** The outcome, or the failure thrown. */
    public IngestOutcome get() throws IngestException {
        if (failure != null) {
            throw failure;
        }
        return outcome;
    }
}
