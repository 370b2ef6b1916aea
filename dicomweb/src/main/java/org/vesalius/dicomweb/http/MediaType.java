package org.vesalius.dicomweb.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A media type or media range with its parameters (RFC 9110 8.3.1 and 12.5.1), e.g.
 * {@code multipart/related; type="application/dicom"; boundary=abc}.
 *
 * <p>Type, subtype and parameter names are case-insensitive and kept in lower case; parameter
 * values are kept as sent, without their quotes. We parse these ourselves rather than through the
 * web server because the DICOMweb parameters matter ({@code type}, {@code transfer-syntax},
 * {@code boundary}) and a quoted value may hold ';' and ',' (a boundary may).
 */
public record MediaType(String type, String subtype, Map<String, String> parameters) {

    public MediaType {
        type = type.toLowerCase(Locale.ROOT);
        subtype = subtype.toLowerCase(Locale.ROOT);
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** Parses one media type; throws IllegalArgumentException saying what is wrong. */
    public static MediaType parse(String text) {
        List<String> pieces = split(text, ';');
        String essence = pieces.getFirst().trim();
        int slash = essence.indexOf('/');
        if (slash <= 0 || slash == essence.length() - 1 || !isToken(essence.substring(0, slash))
                || !isToken(essence.substring(slash + 1))) {
            throw new IllegalArgumentException("not a media type: '" + printable(text) + "'");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String piece : pieces.subList(1, pieces.size())) {
            if (piece.isBlank()) {
                continue; // "a/b;" and "a/b; ; c=d" are sloppy but harmless
            }
            int equals = piece.indexOf('=');
            String name = equals < 0 ? "" : piece.substring(0, equals).trim();
            if (!isToken(name)) {
                throw new IllegalArgumentException("bad parameter '" + printable(piece.trim()) + "' in media type '"
                        + printable(text) + "'");
            }
            parameters.put(name.toLowerCase(Locale.ROOT), unquote(piece.substring(equals + 1).trim(), text));
        }
        return new MediaType(essence.substring(0, slash), essence.substring(slash + 1), parameters);
    }

    /** Parses a comma-separated list, as in an Accept header; empty elements are skipped. */
    public static List<MediaType> parseList(String header) {
        List<MediaType> types = new ArrayList<>();
        for (String element : split(header, ',')) {
            if (!element.isBlank()) {
                types.add(parse(element));
            }
        }
        return types;
    }

    public String essence() {
        return type + "/" + subtype;
    }

    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The q weight of an Accept element: 1 when absent. */
    public double quality() {
        String q = parameters.get("q");
        if (q == null) {
            return 1.0;
        }
        if (!q.matches("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?")) {
            throw new IllegalArgumentException("bad quality value q=" + printable(q));
        }
        return Double.parseDouble(q);
    }

    /** How specific a range is: full types over {@code type/*} over {@code * /*}, then more parameters. */
    int specificity() {
        int level = type.equals("*") ? 0 : subtype.equals("*") ? 1 : 2;
        return level * 100 + (int) parameters.keySet().stream().filter(name -> !name.equals("q")).count();
    }

    /**
     * True when this range (from an Accept header) covers {@code offer}: the types match, with
     * wildcards, and every parameter of the range but q has the same value in the offer
     * (case-insensitive; a range's {@code *} value, as in {@code transfer-syntax=*}, matches any).
     */
    boolean covers(MediaType offer) {
        boolean typeMatches = type.equals("*") || type.equals(offer.type)
                && (subtype.equals("*") || subtype.equals(offer.subtype));
        if (!typeMatches) {
            return false;
        }
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            if (parameter.getKey().equals("q")) {
                continue;
            }
            String offered = offer.parameters.get(parameter.getKey());
            if (offered == null || !(parameter.getValue().equals("*") || parameter.getValue().equalsIgnoreCase(offered))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(essence());
        parameters.forEach((name, value) -> out.append("; ").append(name).append('=')
                .append(isToken(value) ? value : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
        return out.toString();
    }

    /** Splits at {@code separator} outside quoted strings. */
    private static List<String> split(String text, char separator) {
        List<String> pieces = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\' && i + 1 < text.length()) {
                current.append(c).append(text.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                pieces.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted string in '" + printable(text) + "'");
        }
        pieces.add(current.toString());
        return pieces;
    }

    private static String unquote(String value, String text) {
        if (!value.startsWith("\"")) {
            // RFC 7231 wants `type="application/dicom"` quoted, but viewers send it bare (OHIF 3.x:
            // `multipart/related; type=application/octet-stream; transfer-syntax=*`), as DICOMweb
            // servers accept: a '/' is allowed in an unquoted value.
            if (!isToken(value.replace("/", ""))) {
                throw new IllegalArgumentException("bad parameter value '" + printable(value) + "' in media type '"
                        + printable(text) + "'");
            }
            return value;
        }
        if (value.length() < 2 || !value.endsWith("\"")) {
            throw new IllegalArgumentException("bad quoted parameter value in media type '" + printable(text) + "'");
        }
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            out.append(c == '\\' ? value.charAt(++i) : c);
        }
        return out.toString();
    }

    /** RFC 9110 token characters. */
    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Input echoed in a message: no control characters, bounded length. */
    static String printable(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 200 ? clean.substring(0, 200) + "…" : clean;
    }
}
