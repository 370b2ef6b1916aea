package org.vesalius.storage.index;

/**
 * What became of one entry of {@link InstanceIndex#saveAll}: saved, or refused on its own (the
 * other entries of the batch are not affected).
 *
 * @param saved   what the save did; null when it failed
 * @param failure why it failed (as {@link InstanceIndex#save} would throw it); null when saved
 */
public record SaveOutcome(SaveResult saved, RuntimeException failure) {

    static SaveOutcome of(SaveResult saved) {
        return new SaveOutcome(saved, null);
    }

    static SaveOutcome failed(RuntimeException failure) {
        return new SaveOutcome(null, failure);
    }

    /** The save's result, or its failure thrown. */
    public SaveResult result() {
        if (failure != null) {
            throw failure;
        }
        return saved;
    }
}
