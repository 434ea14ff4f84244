package dev.lanegrad.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader (RFC 8259) for safetensors headers and golden files, so that the
 * models module needs nothing beyond the JDK. Objects become LinkedHashMap (insertion order kept),
 * arrays ArrayList, numbers Double (Long when written without fraction or exponent and in the range of long),
 * strings String, true/false Boolean, null null. Errors name the offset.
 *
 * <p>Untrusted input is safe to read: nesting deeper than {@value #MAX_DEPTH} levels is refused with a
 * {@link JsonException} (the reader recurses once per level, so without the limit a few kilobytes of
 * {@code [[[[...} would end in a StackOverflowError), and every error is a {@link JsonException}.
 */
public final class Json {

    /** Deepest nesting of arrays and objects accepted; real files (safetensors headers, golden cases) use 3. */
    public static final int MAX_DEPTH = 256;

    private final String text;
    private int pos;
    private int depth;

    private Json(String text) {
        this.text = text;
    }

    public static Object parse(String text) {
        Json p = new Json(text);
        p.skipSpace();
        Object value = p.value();
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the JSON value");
        }
        return value;
    }

    /** Parses text that must be a JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object value = parse(text);
        if (!(value instanceof Map)) {
            throw new JsonException("JSON: expected an object at the top level, found " + typeName(value));
        }
        return (Map<String, Object>) value;
    }

    public static String typeName(Object value) {
        if (value == null) return "null";
        if (value instanceof Map) return "an object";
        if (value instanceof List) return "an array";
        if (value instanceof String) return "a string";
        if (value instanceof Boolean) return "a boolean";
        return "a number";
    }

    private JsonException error(String what) {
        return new JsonException("JSON: " + what + " at offset " + pos);
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private Object value() {
        if (pos >= text.length()) {
            throw error("unexpected end of input");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character '" + c + "'");
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("expected " + word);
        }
        pos += word.length();
        return value;
    }

    private Map<String, Object> object() {
        Map<String, Object> map = new LinkedHashMap<>();
        if (openEmpty('}')) {
            return map;
        }
        do {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            map.put(key, value());
            skipSpace();
        } while (!closes('}'));
        return map;
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        if (openEmpty(']')) {
            return list;
        }
        do {
            skipSpace();
            list.add(value());
            skipSpace();
        } while (!closes(']'));
        return list;
    }

    /** Steps over an object's or array's opening bracket, one level deeper; true when it closes at once (empty). */
    private boolean openEmpty(char close) {
        pos++;
        enter();
        skipSpace();
        if (peek() == close) {
            pos++;
            depth--;
            return true;
        }
        return false;
    }

    /** After an element: true at the closing bracket (one level up), false at a comma, else an error. */
    private boolean closes(char close) {
        char c = next();
        if (c == close) {
            depth--;
            return true;
        }
        if (c != ',') {
            pos--;
            throw error("expected ',' or '" + close + "'");
        }
        return false;
    }

    private String string() {
        pos++; // opening quote
        StringBuilder sb = null;
        int start = pos;
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb == null ? text.substring(start, pos - 1) : sb.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("control character in a string");
            }
            if (c == '\\') {
                if (sb == null) {
                    sb = new StringBuilder(text.substring(start, pos - 1));
                }
                char e = next();
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u':
                        if (pos + 4 > text.length()) {
                            throw error("truncated \\u escape");
                        }
                        try {
                            sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                        break;
                    default:
                        pos--;
                        throw error("bad escape '\\" + e + "'");
                }
            } else if (sb != null) {
                sb.append(c);
            }
        }
    }

    /**
     * A number by RFC 8259's grammar (no leading zeros, no bare '.', digits after '.' and after the
     * exponent), scanned by hand: integers of up to 18 digits are accumulated without allocating
     * anything but the Long, so a header of many small numbers costs a small multiple of its size.
     */
    private Object number() {
        int start = pos;
        if (pos < text.length() && text.charAt(pos) == '-') {
            pos++;
        }
        int intStart = pos;
        int digits = skipDigits();
        if (digits == 0 || (digits > 1 && text.charAt(intStart) == '0')) {
            throw badNumber(start);
        }
        boolean integral = true;
        if (pos < text.length() && text.charAt(pos) == '.') {
            pos++;
            integral = false;
            if (skipDigits() == 0) {
                throw badNumber(start);
            }
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            pos++;
            integral = false;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            if (skipDigits() == 0) {
                throw badNumber(start);
            }
        }
        if (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '.' || c == '+' || c == '-' || c == 'e' || c == 'E' || (c >= '0' && c <= '9')) {
                throw badNumber(start);
            }
        }
        if (integral && digits <= 18) {
            long v = 0;
            for (int i = intStart; i < pos; i++) {
                v = v * 10 + (text.charAt(i) - '0');
            }
            return text.charAt(start) == '-' ? -v : v;
        }
        String s = text.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException outOfLongRange) {
                return Double.parseDouble(s);
            }
        }
        return Double.parseDouble(s);
    }

    private int skipDigits() {
        int from = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos - from;
    }

    private JsonException badNumber(int start) {
        int end = Math.min(text.length(), Math.max(pos, start + 1));
        while (end < text.length() && end - start < 40 && "0123456789+-.eE".indexOf(text.charAt(end)) >= 0) {
            end++;
        }
        String s = text.substring(start, end);
        pos = start;
        return error("bad number '" + s + "'");
    }

    private char peek() {
        if (pos >= text.length()) {
            throw error("unexpected end of input");
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            pos--;
            throw error("expected '" + c + "'");
        }
    }

    /** Writes a JSON string literal with the escapes JSON requires. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }
}
