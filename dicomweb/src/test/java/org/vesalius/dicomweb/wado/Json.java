package org.vesalius.dicomweb.wado;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A minimal strict JSON reader for the tests: objects, arrays, strings, numbers (BigDecimal), true/false/null. */
final class Json {
    private final String text;
    private int i;

    private Json(String text) {
        this.text = text;
    }

    static Object parse(String text) {
        Json json = new Json(text);
        Object value = json.value();
        json.space();
        if (json.i != text.length()) {
            throw new IllegalArgumentException("trailing characters at " + json.i);
        }
        return value;
    }

    private Object value() {
        space();
        char c = text.charAt(i);
        switch (c) {
            case '{' -> {
                i++;
                Map<String, Object> map = new LinkedHashMap<>();
                space();
                if (text.charAt(i) == '}') {
                    i++;
                    return map;
                }
                while (true) {
                    space();
                    String key = string();
                    space();
                    expect(':');
                    if (map.put(key, value()) != null) {
                        throw new IllegalArgumentException("duplicate key " + key);
                    }
                    space();
                    if (text.charAt(i++) == '}') {
                        return map;
                    }
                }
            }
            case '[' -> {
                i++;
                List<Object> list = new ArrayList<>();
                space();
                if (text.charAt(i) == ']') {
                    i++;
                    return list;
                }
                while (true) {
                    list.add(value());
                    space();
                    if (text.charAt(i++) == ']') {
                        return list;
                    }
                }
            }
            case '"' -> {
                return string();
            }
            default -> {
                if (text.startsWith("null", i)) {
                    i += 4;
                    return null;
                }
                if (text.startsWith("true", i)) {
                    i += 4;
                    return true;
                }
                if (text.startsWith("false", i)) {
                    i += 5;
                    return false;
                }
                int start = i;
                while (i < text.length() && "+-0123456789.eE".indexOf(text.charAt(i)) >= 0) {
                    i++;
                }
                String number = text.substring(start, i);
                if (!number.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
                    throw new IllegalArgumentException("not a JSON number: '" + number + "' at " + start);
                }
                return new BigDecimal(number);
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = text.charAt(i++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw new IllegalArgumentException("control character in string at " + i);
            }
            if (c == '\\') {
                char e = text.charAt(i++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(text.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> out.append(e);
                }
            } else {
                out.append(c);
            }
        }
    }

    private void expect(char c) {
        if (text.charAt(i++) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + (i - 1));
        }
    }

    private void space() {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
    }
}
