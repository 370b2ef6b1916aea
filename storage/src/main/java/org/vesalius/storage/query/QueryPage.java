package org.vesalius.storage.query;

import java.util.List;

/**
 * One page of results and whether more matches exist after it (QIDO-RS then sends its
 * "Warning: 299 ... There are additional results that can be requested" header).
 */
public record QueryPage(List<QueryResult> results, boolean hasMore) {
    public QueryPage {
        results = List.copyOf(results);
    }
}
