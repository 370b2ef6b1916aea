package org.vesalius.storage.query;

import java.util.Set;

/**
 * Which attributes a query returns besides its matching keys and the UIDs of its level (which are
 * always returned): either the listed tags, or every attribute the catalog knows at the level
 * (QIDO-RS {@code includefield=all}).
 */
public record ReturnKeys(boolean allKnown, Set<Integer> tags) {
    public static final ReturnKeys ALL_KNOWN = new ReturnKeys(true, Set.of());

    public ReturnKeys {
        tags = Set.copyOf(tags);
    }

    public static ReturnKeys of(Set<Integer> tags) {
        return new ReturnKeys(false, tags);
    }

    public static ReturnKeys none() {
        return of(Set.of());
    }
}
