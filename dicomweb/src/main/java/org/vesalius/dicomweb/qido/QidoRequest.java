package org.vesalius.dicomweb.qido;

import java.lang.System.Logger.Level;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.vesalius.dicomweb.http.DicomWebException;
import org.vesalius.storage.dicom.Uids;
import org.vesalius.storage.query.Attribute;
import org.vesalius.storage.query.AttributeCatalog;
import org.vesalius.storage.query.Query;
import org.vesalius.storage.query.QueryException;
import org.vesalius.storage.query.QueryLevel;

/**
 * Turns a QIDO-RS request (PS3.18 8.3.4 and 10.6.1) into a {@link Query} of the shared engine:
 * every query parameter that is not one of QIDO-RS's own ({@code limit}, {@code offset},
 * {@code fuzzymatching}, {@code includefield}) is a matching key, named by keyword or tag.
 * Anything the engine or this parser cannot take is a 400 naming the parameter.
 */
public final class QidoRequest {
    private static final System.Logger LOG = System.getLogger(QidoRequest.class.getName());
    private static final AttributeCatalog CATALOG = AttributeCatalog.standard();
    /** A keyword, a tag, or a sequence path of them (which the archive does not keep: ignored). */
    private static final Pattern INCLUDE_FIELD = Pattern.compile("[A-Za-z0-9]+(\\.[A-Za-z0-9]+)*");
    /** Longer numbers are absurd for limit and offset whatever the server's maximum. */
    private static final int MAX_DIGITS = 9;

    private QidoRequest() {
    }

    /**
     * @param level      the level of the resources searched for
     * @param study      the Study Instance UID of the path, or null
     * @param series     the Series Instance UID of the path, or null
     * @param parameters the decoded query parameters, each name with its values in order
     */
    public static Query parse(QueryLevel level, String study, String series, Map<String, List<String>> parameters,
                              QidoSettings settings) {
        Query.Builder query = Query.builder(level);
        if (study != null) {
            query.inStudy(pathUid(study, "Study Instance UID"));
        }
        if (series != null) {
            query.inSeries(pathUid(series, "Series Instance UID"));
        }
        Set<Integer> returned = new LinkedHashSet<>(DefaultAttributes.of(level, study != null, series != null));
        boolean all = false;
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            String name = parameter.getKey();
            List<String> values = parameter.getValue();
            switch (name.toLowerCase(Locale.ROOT)) {
                case "limit" -> query.limit(Math.min(number(name, single(name, values), 1), settings.maxLimit()));
                case "offset" -> query.offset(number(name, single(name, values), 0));
                case "fuzzymatching" -> query.fuzzyMatching(bool(name, single(name, values)));
                case "includefield" -> all |= includeFields(values, level, returned);
                default -> {
                    Attribute attribute = resolve(name);
                    for (String value : values) {
                        // QIDO-RS lists values with commas; the engine takes DICOM's backslash.
                        query.match(attribute.tag(), value.replace(',', '\\'));
                    }
                }
            }
        }
        if (parameters.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("limit"))) {
            query.limit(settings.defaultLimit());
        }
        if (all) {
            query.returnAllKnown();
        } else {
            query.returnTags(returned);
        }
        return query.build();
    }

    /**
     * Adds the attributes of {@code includefield} values (comma lists, repeated or not) to
     * {@code returned}; true when one of them is {@code all}. A well-formed name the archive does
     * not keep, or keeps at a lower level, is ignored: the client asked for it "if available".
     */
    private static boolean includeFields(List<String> values, QueryLevel level, Set<Integer> returned) {
        boolean all = false;
        for (String value : values) {
            for (String field : value.split(",")) {
                String name = field.strip();
                if (name.isEmpty()) {
                    continue;
                }
                if (name.equals("all")) {
                    all = true;
                } else if (!INCLUDE_FIELD.matcher(name).matches()) {
                    throw DicomWebException.badRequest("includefield: '" + printable(name)
                            + "' is neither an attribute keyword nor a tag");
                } else {
                    try {
                        Attribute attribute = CATALOG.resolve(name);
                        if (level.includes(attribute.level())) {
                            returned.add(attribute.tag());
                        }
                    } catch (QueryException e) {
                        LOG.log(Level.DEBUG, "includefield {0} ignored: not kept by the archive", name);
                    }
                }
            }
        }
        return all;
    }

    private static Attribute resolve(String name) {
        try {
            return CATALOG.resolve(name);
        } catch (QueryException e) {
            throw DicomWebException.badRequest(e.getMessage());
        }
    }

    private static String single(String name, List<String> values) {
        if (values.size() != 1) {
            throw DicomWebException.badRequest(name + " is given " + values.size() + " times");
        }
        return values.getFirst().strip();
    }

    private static int number(String name, String value, int minimum) {
        if (!value.matches("[0-9]{1," + MAX_DIGITS + "}") || Integer.parseInt(value) < minimum) {
            throw DicomWebException.badRequest(name + " must be a whole number from " + minimum + " to "
                    + "999999999, not '" + printable(value) + "'");
        }
        return Integer.parseInt(value);
    }

    private static boolean bool(String name, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw DicomWebException.badRequest(name + " must be true or false, not '" + printable(value) + "'");
        };
    }

    private static String pathUid(String uid, String what) {
        if (!Uids.isValid(uid)) {
            throw DicomWebException.badRequest("not a valid " + what + " in the path: '" + printable(uid) + "'");
        }
        return uid;
    }

    private static String printable(String value) {
        String printable = value.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 64 ? printable.substring(0, 64) + "…" : printable;
    }
}
