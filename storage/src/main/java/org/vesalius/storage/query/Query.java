package org.vesalius.storage.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A query, channel-neutral: what QIDO-RS and C-FIND both reduce their requests to.
 *
 * @param level             the level of the entities returned
 * @param keys              matching keys (an empty value only asks for the attribute back)
 * @param studyInstanceUid  hierarchical restriction for SERIES and INSTANCE queries, or null
 * @param seriesInstanceUid hierarchical restriction for INSTANCE queries, or null
 * @param fuzzyMatching     PN attributes match case-insensitively
 * @param combinedDateTime  a date range and the range of its paired time (StudyDate and StudyTime,
 *                          ...) are one date-time range (PS3.4 C.2.2.2.5.1, extended negotiation)
 *                          instead of two independent ranges
 * @param limit             at most this many results, or empty for all
 * @param offset            skip this many results first
 * @param returnKeys        attributes returned besides the keys and the level's UIDs
 */
public record Query(QueryLevel level, List<MatchKey> keys, String studyInstanceUid, String seriesInstanceUid,
                    boolean fuzzyMatching, boolean combinedDateTime, OptionalInt limit, int offset,
                    ReturnKeys returnKeys) {

    public Query {
        Objects.requireNonNull(level, "level");
        keys = List.copyOf(keys);
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(returnKeys, "returnKeys");
        if (offset < 0 || limit.orElse(1) < 1) {
            throw new IllegalArgumentException("offset must be >= 0 and limit >= 1");
        }
        if (studyInstanceUid != null && !level.includes(QueryLevel.SERIES)) {
            throw new IllegalArgumentException("a study restriction needs a SERIES or INSTANCE query");
        }
        if (seriesInstanceUid != null && (level != QueryLevel.INSTANCE || studyInstanceUid == null)) {
            throw new IllegalArgumentException("a series restriction needs an INSTANCE query inside a study");
        }
    }

    public static Builder builder(QueryLevel level) {
        return new Builder(level);
    }

    /** Builds a {@link Query} step by step; by default all matches, exact PN matching, no extra keys. */
    public static final class Builder {
        private final QueryLevel level;
        private final List<MatchKey> keys = new ArrayList<>();
        private String studyInstanceUid;
        private String seriesInstanceUid;
        private boolean fuzzyMatching;
        private boolean combinedDateTime;
        private OptionalInt limit = OptionalInt.empty();
        private int offset;
        private ReturnKeys returnKeys = ReturnKeys.none();

        private Builder(QueryLevel level) {
            this.level = level;
        }

        public Builder match(int tag, String value) {
            keys.add(new MatchKey(tag, value));
            return this;
        }

        public Builder inStudy(String studyInstanceUid) {
            this.studyInstanceUid = studyInstanceUid;
            return this;
        }

        public Builder inSeries(String seriesInstanceUid) {
            this.seriesInstanceUid = seriesInstanceUid;
            return this;
        }

        public Builder fuzzyMatching(boolean fuzzyMatching) {
            this.fuzzyMatching = fuzzyMatching;
            return this;
        }

        public Builder combinedDateTime(boolean combinedDateTime) {
            this.combinedDateTime = combinedDateTime;
            return this;
        }

        public Builder limit(int limit) {
            this.limit = OptionalInt.of(limit);
            return this;
        }

        public Builder offset(int offset) {
            this.offset = offset;
            return this;
        }

        public Builder returnAllKnown() {
            this.returnKeys = ReturnKeys.ALL_KNOWN;
            return this;
        }

        public Builder returnTags(Set<Integer> tags) {
            this.returnKeys = ReturnKeys.of(tags);
            return this;
        }

        public Query build() {
            return new Query(level, keys, studyInstanceUid, seriesInstanceUid, fuzzyMatching, combinedDateTime,
                    limit, offset, returnKeys);
        }
    }
}
