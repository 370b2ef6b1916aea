package org.vesalius.storage.tags;

import java.util.List;

/** One page of a tag search (newest tagging first) and how many objects match in all. */
public record SearchPage(List<SearchHit> items, long total) {
}
