package org.vesalius.storage.tags;

import java.util.List;

/** An object found by a tag search, with all its tag names (sorted). */
public record SearchHit(TaggedType type, String id, List<String> tags) {
}
