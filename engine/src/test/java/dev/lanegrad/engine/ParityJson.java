package dev.lanegrad.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test-only reader for the shape of shared/parity/*.json (the engine must not depend on models,
 * which has the real reader): objects, arrays, strings, numbers, true/false/null. Only what the
 * golden files hold; string escapes: quote, backslash, slash, n, t and u-hex.
 */
final class ParityJson {

    private final String text;
    private int pos;

    private ParityJson(String text) {
        this.text = text;
    }

    /** tensor name -> values (as doubles, which hold every float32 value exactly) */
    static Map<String, double[]> tensors(String resource) throws IOException {
        try (InputStream in = ParityJson.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("test resource " + resource + " is missing");
            }
            Object root = new ParityJson(new String(in.readAllBytes(), StandardCharsets.UTF_8)).value();
            Map<?, ?> tensors = (Map<?, ?>) ((Map<?, ?>) root).get("tensors");
            Map<String, double[]> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : tensors.entrySet()) {
                List<?> data = (List<?>) ((Map<?, ?>) e.getValue()).get("data");
                double[] values = new double[data.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = ((Number) data.get(i)).doubleValue();
                }
                out.put((String) e.getKey(), values);
            }
            return out;
        }
    }

    private Object value() {
        skipSpace();
        char c = text.charAt(pos);
        switch (c) {
            case '{': {
                pos++;
                Map<String, Object> map = new LinkedHashMap<>();
                skipSpace();
                if (text.charAt(pos) == '}') {
                    pos++;
                    return map;
                }
                while (true) {
                    skipSpace();
                    String key = string();
                    skipSpace();
                    expect(':');
                    map.put(key, value());
                    skipSpace();
                    if (text.charAt(pos++) == '}') {
                        return map;
                    }
                }
            }
            case '[': {
                pos++;
                List<Object> list = new ArrayList<>();
                skipSpace();
                if (text.charAt(pos) == ']') {
                    pos++;
                    return list;
                }
                while (true) {
                    list.add(value());
                    skipSpace();
                    if (text.charAt(pos++) == ']') {
                        return list;
                    }
                }
            }
            case '"':
                return string();
            default:
                if (text.startsWith("true", pos)) {
                    pos += 4;
                    return Boolean.TRUE;
                }
                if (text.startsWith("false", pos)) {
                    pos += 5;
                    return Boolean.FALSE;
                }
                if (text.startsWith("null", pos)) {
                    pos += 4;
                    return null;
                }
                int start = pos;
                while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
                    pos++;
                }
                if (start == pos) {
                    throw new IllegalArgumentException("unexpected '" + c + "' at offset " + pos);
                }
                return Double.parseDouble(text.substring(start, pos));
        }
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                char e = text.charAt(pos++);
                switch (e) {
                    case 'n': sb.append('\n'); break;
                    case 't': sb.append('\t'); break;
                    case 'u': sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16)); pos += 4; break;
                    default: sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
    }

    private void expect(char c) {
        if (text.charAt(pos) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at offset " + pos + ", found '" + text.charAt(pos) + "'");
        }
        pos++;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}
