package org.vesalius.storage.query;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One matching entity: tag -> values, in tag order. Strings are as stored; integers (IS, US, the
 * counts) are given in decimal. A returned attribute without a value maps to an empty list, so
 * both channels can send it zero-length (C-FIND) or without "Value" (DICOM JSON).
 */
public record QueryResult(QueryLevel level, SortedMap<Integer, List<String>> attributes) {

    public QueryResult {
        TreeMap<Integer, List<String>> copy = new TreeMap<>(Integer::compareUnsigned);
        attributes.forEach((tag, values) -> copy.put(tag, List.copyOf(values)));
        attributes = Collections.unmodifiableSortedMap(copy);
    }

    /** The values of {@code tag}: empty when returned without value or not returned at all. */
    public List<String> values(int tag) {
        return attributes.getOrDefault(tag, List.of());
    }

    /** The first value of {@code tag}, or null. */
    public String value(int tag) {
        List<String> values = values(tag);
        return values.isEmpty() ? null : values.getFirst();
    }

    public boolean contains(int tag) {
        return attributes.containsKey(tag);
    }
}
