package org.vesalius.storage.query;

import java.util.OptionalInt;

/**
 * A query the engine refuses: unknown or unsupported attribute, malformed value, attribute not
 * available at the query's level. The message names the key so the client can fix its request;
 * QIDO-RS answers 400, C-FIND a failure status with the offending element when there is one.
 */
public class QueryException extends Exception {
    private final Integer offendingTag;

    public QueryException(String message) {
        super(message);
        this.offendingTag = null;
    }

    public QueryException(int offendingTag, String message) {
        super(message);
        this.offendingTag = offendingTag;
    }

    /** The tag of the attribute at fault, when the fault is in one attribute of a known tag. */
    public OptionalInt offendingTag() {
        return offendingTag == null ? OptionalInt.empty() : OptionalInt.of(offendingTag);
    }
}
