package org.vesalius.server.aes;

import org.vesalius.storage.json.JsonStrings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The little JSON the AE and export routes need: writing strings, and reading one flat object of
 * strings, numbers and booleans (the {@code PUT /api/aes/{aet}} body). Hand-written because these
 * bodies are a few fields and the server has no JSON library on its classpath.
 */
final class Json {
    private final String text;
    private int position;

    private Json(String text) {
        this.text = text;
    }

    /** A JSON string literal. */
    static String quote(String value) {
        return JsonStrings.quote(value);
    }

    static String error(String reason) {
        return "{\"error\":" + quote(reason) + "}";
    }

    /**
     * Member name to value: String, Long (integers only), Boolean or null.
     *
     * @throws IllegalArgumentException naming what is wrong, for a 400 answer
     */
    static Map<String, Object> parseFlatObject(String text) {
        Json json = new Json(text);
        Map<String, Object> members = new LinkedHashMap<>();
        json.expect('{');
        if (!json.consume('}')) {
            do {
                String name = json.string();
                json.expect(':');
                if (members.put(name, json.value()) != null) {
                    throw new IllegalArgumentException("member \"" + name + "\" given twice");
                }
            } while (json.consume(','));
            json.expect('}');
        }
        json.skipSpace();
        if (json.position != text.length()) {
            throw new IllegalArgumentException("unexpected text after the JSON object");
        }
        return members;
    }

    private Object value() {
        skipSpace();
        if (position >= text.length()) {
            throw new IllegalArgumentException("unexpected end of JSON");
        }
        char c = text.charAt(position);
        if (c == '"') {
            return string();
        }
        for (Map.Entry<String, Object> literal : Map.<String, Object>of("true", true, "false", false).entrySet()) {
            if (text.startsWith(literal.getKey(), position)) {
                position += literal.getKey().length();
                return literal.getValue();
            }
        }
        if (text.startsWith("null", position)) {
            position += 4;
            return null;
        }
        int start = position;
        if (c == '-') {
            position++;
        }
        while (position < text.length() && Character.isDigit(text.charAt(position))) {
            position++;
        }
        if (position == start || position - start > 10
                || (position < text.length() && ".eE".indexOf(text.charAt(position)) >= 0)) {
            throw new IllegalArgumentException("only strings, integers, booleans and null are expected as values");
        }
        return Long.parseLong(text.substring(start, position));
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            if (position >= text.length()) {
                throw new IllegalArgumentException("unterminated JSON string");
            }
            char c = text.charAt(position++);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\\') {
                if (position >= text.length()) {
                    throw new IllegalArgumentException("unterminated JSON string");
                }
                char escaped = text.charAt(position++);
                switch (escaped) {
                    case '"', '\\', '/' -> out.append(escaped);
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (position + 4 > text.length()) {
                            throw new IllegalArgumentException("bad \\u escape");
                        }
                        try {
                            out.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("bad \\u escape");
                        }
                        position += 4;
                    }
                    default -> throw new IllegalArgumentException("bad escape \\" + escaped);
                }
            } else if (c < 0x20) {
                throw new IllegalArgumentException("control character in a JSON string");
            } else {
                out.append(c);
            }
        }
    }

    private void expect(char c) {
        if (!consume(c)) {
            throw new IllegalArgumentException("expected '" + c + "' at offset " + position);
        }
    }

    private boolean consume(char c) {
        skipSpace();
        if (position < text.length() && text.charAt(position) == c) {
            position++;
            return true;
        }
        return false;
    }

    private void skipSpace() {
        while (position < text.length() && " \t\r\n".indexOf(text.charAt(position)) >= 0) {
            position++;
        }
    }
}
