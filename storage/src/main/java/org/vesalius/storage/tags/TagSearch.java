package org.vesalius.storage.tags;

import java.time.Instant;
import java.util.List;

/**
 * A search by tags. An object matches when it carries every tag of {@code allOf} and, when
 * {@code like} is given, at least one tag whose name matches that SQL LIKE pattern ({@code %} any
 * run, {@code _} any one character; case-insensitive). {@code from} and {@code to} restrict which
 * assignments count to those made in [from, to): they filter by the tagging date.
 *
 * @param allOf tag names (case-insensitive), possibly empty
 * @param like  a LIKE pattern, or null
 * @param type  only objects of this type, or null for all
 */
public record TagSearch(List<String> allOf, String like, Instant from, Instant to, TaggedType type, int limit,
                        int offset) {
}
