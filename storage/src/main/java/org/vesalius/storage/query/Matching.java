package org.vesalius.storage.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.vesalius.storage.dicom.Uids;

/**
 * Turns one matching key into an SQL condition, per PS3.4 C.2.2.2: universal, single value,
 * wildcard, UID list and range matching. Values only ever reach the database as bind variables;
 * wildcards become a LIKE pattern whose own special characters are escaped.
 */
final class Matching {
    /** LIKE escape character; '!' rather than '\' so no database reads it as a string escape. */
    private static final char ESCAPE = '!';
    private static final Pattern DATE = Pattern.compile("\\d{8}");
    private static final Pattern TIME = Pattern.compile("\\d{2}(\\d{2}(\\d{2}(\\.\\d{1,6})?)?)?");

    private Matching() {
    }

    /** The condition for {@code value} on {@code attribute}; no condition for universal matching. */
    static Condition condition(Attribute attribute, String value, boolean fuzzy) throws QueryException {
        List<String> values = split(value);
        if (values.isEmpty() || values.contains("*")) {
            return DSL.noCondition();
        }
        return switch (attribute.source()) {
            case AttributeSource.Column column -> anyOf(attribute, column.field(), column.upperCase(), values, fuzzy);
            case AttributeSource.ChildValues child -> DSL.exists(DSL.selectOne()
                    .from(child.rows())
                    .where(child.ownerKey().eq(Levels.pk(attribute.level())))
                    .and(anyOf(attribute, child.value(), null, values, fuzzy)));
            case AttributeSource.Count ignored -> throw returnKeyOnly(attribute);
            case AttributeSource.PerLevel ignored -> throw returnKeyOnly(attribute);
        };
    }

    /**
     * A date and its paired time matched as one date-time range (PS3.4 C.2.2.2.5.1):
     * StudyDate=20200101-20200131 with StudyTime=0800-1800 runs from 1 January 08:00 to 31 January
     * 18:00, not 08:00 to 18:00 on each day. Null when the values are not plain single values or
     * ranges (lists, universal), which then match attribute by attribute.
     */
    static Condition combinedDateTime(Attribute date, String dateValue, Attribute time, String timeValue)
            throws QueryException {
        List<String> dates = split(dateValue);
        List<String> times = split(timeValue);
        if (dates.size() != 1 || times.size() != 1 || dates.contains("*") || times.contains("*")) {
            return null;
        }
        String[] dateRange = range(date, dates.getFirst());
        String[] timeRange = range(time, times.getFirst());
        Field<String> dateField = stringField(((AttributeSource.Column) date.source()).field());
        Field<String> timeField = stringField(((AttributeSource.Column) time.source()).field());
        Condition condition = DSL.noCondition();
        if (dateRange[0] != null) {
            Condition sameDay = timeRange[0] == null ? DSL.noCondition() : timeField.ge(timeRange[0]);
            condition = condition.and(dateField.gt(dateRange[0]).or(dateField.eq(dateRange[0]).and(sameDay)));
        }
        if (dateRange[1] != null) {
            Condition sameDay = timeRange[1] == null ? DSL.noCondition() : timeField.le(timeRange[1]);
            condition = condition.and(dateField.lt(dateRange[1]).or(dateField.eq(dateRange[1]).and(sameDay)));
        }
        return condition;
    }

    /** Backslash-separated values, trimmed (DICOM pads strings with spaces), empty ones dropped. */
    private static List<String> split(String value) {
        List<String> values = new ArrayList<>();
        for (String part : value.split("\\\\", -1)) {
            String trimmed = part.strip();
            if (!trimmed.isEmpty()) {
                values.add(trimmed);
            }
        }
        return values;
    }

    private static Condition anyOf(Attribute attribute, Field<?> field, Field<String> upperCase, List<String> values,
                                   boolean fuzzy) throws QueryException {
        if (attribute.vr() == Vr.UI) {
            for (String uid : values) {
                if (!Uids.isValid(uid)) {
                    throw new QueryException(attribute.tag(), attribute.describe() + ": not a valid UID: '"
                            + printable(uid) + "' (UIDs match as a single value or a list, without wildcards)");
                }
            }
            return stringField(field).in(values);
        }
        Condition any = DSL.falseCondition();
        for (String value : values) {
            any = any.or(single(attribute, field, upperCase, value, fuzzy));
        }
        return any;
    }

    private static Condition single(Attribute attribute, Field<?> field, Field<String> upperCase, String value,
                                    boolean fuzzy) throws QueryException {
        Vr vr = attribute.vr();
        boolean wildcard = value.indexOf('*') >= 0 || value.indexOf('?') >= 0;
        if (wildcard && !vr.allowsWildcards()) {
            throw new QueryException(attribute.tag(), attribute.describe() + ": wildcards are not allowed for VR " + vr);
        }
        if (vr.allowsRange()) {
            String[] range = range(attribute, value);
            Field<String> column = stringField(field);
            Condition condition = DSL.noCondition();
            if (range[0] != null) {
                condition = condition.and(column.ge(range[0]));
            }
            if (range[1] != null) {
                condition = condition.and(column.le(range[1]));
            }
            return condition;
        }
        if (vr.isInteger()) {
            return integerField(field).eq(parseInteger(attribute, value));
        }
        Field<String> column = stringField(field);
        if (vr == Vr.PN && fuzzy && upperCase != null) {
            // Fuzzy PN matching is case-insensitive: compare upper-cased, on the column kept for it.
            column = upperCase;
            value = value.toUpperCase(Locale.ROOT);
        }
        return wildcard ? column.like(likePattern(value), ESCAPE) : column.eq(value);
    }

    /**
     * Lower and upper bound (either null when open) of a DA or TM value: a range {@code a-b},
     * {@code -b}, {@code a-}, or a single value. A single date is [d, d]; a single time, and the
     * upper bound of a range, cover all of their last given unit, since times are stored as precise
     * as received: "-1200" includes 12:00:30, and "10" matches any time from 10:00 to 10:59:59.
     */
    private static String[] range(Attribute attribute, String value) throws QueryException {
        int dash = value.indexOf('-');
        if (dash >= 0 && value.indexOf('-', dash + 1) >= 0) {
            throw invalid(attribute, value);
        }
        String low = dash < 0 ? value : value.substring(0, dash).strip();
        String high = dash < 0 ? value : value.substring(dash + 1).strip();
        if (low.isEmpty() && high.isEmpty()) {
            throw invalid(attribute, value);
        }
        return new String[]{
                low.isEmpty() ? null : validated(attribute, low, false),
                high.isEmpty() ? null : validated(attribute, high, true)};
    }

    private static String validated(Attribute attribute, String value, boolean upperBound) throws QueryException {
        if (attribute.vr() == Vr.DA) {
            if (!DATE.matcher(value).matches()) {
                throw invalid(attribute, value);
            }
            return value;
        }
        // ACR-NEMA style times (10:15:00) are still sent by old peers; the index keeps HHMMSS.
        String time = value.replace(":", "");
        if (!TIME.matcher(time).matches()) {
            throw invalid(attribute, value);
        }
        return upperBound ? endOf(time) : time;
    }

    /** The last instant a partial time names: "10" -> "105959.999999", "101500.5" -> "101500.599999". */
    private static String endOf(String time) {
        if (time.length() <= 6) {
            return time + "5959.999999".substring(time.length() - 2);
        }
        return time + "999999".substring(time.length() - 7);
    }

    private static int parseInteger(Attribute attribute, String value) throws QueryException {
        try {
            return Integer.parseInt(value.startsWith("+") ? value.substring(1) : value);
        } catch (NumberFormatException e) {
            throw invalid(attribute, value);
        }
    }

    /** DICOM wildcards to a LIKE pattern: '*' -> '%', '?' -> '_', and LIKE's own '%', '_' and the
     *  escape character taken literally. */
    static String likePattern(String value) {
        StringBuilder pattern = new StringBuilder(value.length() + 8);
        for (char c : value.toCharArray()) {
            switch (c) {
                case '*' -> pattern.append('%');
                case '?' -> pattern.append('_');
                case '%', '_', ESCAPE -> pattern.append(ESCAPE).append(c);
                default -> pattern.append(c);
            }
        }
        return pattern.toString();
    }

    @SuppressWarnings("unchecked")
    private static Field<String> stringField(Field<?> field) {
        if (field.getType() != String.class) {
            throw new IllegalStateException(field + " is not a string column");
        }
        return (Field<String>) field;
    }

    @SuppressWarnings("unchecked")
    private static Field<Integer> integerField(Field<?> field) {
        if (field.getType() != Integer.class) {
            throw new IllegalStateException(field + " is not an integer column");
        }
        return (Field<Integer>) field;
    }

    private static QueryException invalid(Attribute attribute, String value) {
        String expected = switch (attribute.vr()) {
            case DA -> "a date YYYYMMDD or a range of dates";
            case TM -> "a time HHMMSS.FFFFFF or a range of times";
            default -> "an integer";
        };
        return new QueryException(attribute.tag(), attribute.describe() + ": '" + printable(value)
                + "' is not " + expected);
    }

    private static QueryException returnKeyOnly(Attribute attribute) {
        return new QueryException(attribute.tag(), attribute.describe()
                + " can be returned but is not a matching key");
    }

    private static String printable(String value) {
        String printable = value.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 64 ? printable.substring(0, 64) + "…" : printable;
    }
}
