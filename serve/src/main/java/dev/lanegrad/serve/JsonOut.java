package dev.lanegrad.serve;

import dev.lanegrad.io.Json;

import java.util.List;
import java.util.Map;

/**
 * Writes response bodies: maps, lists, strings, numbers, booleans, null, and float / double arrays without
 * boxing. Strings go through {@link Json#quote}, the project's one quoting. A float is written with
 * {@link Float#toString}, which reads back as the same float; a non-finite value (JSON has none) as null.
 */
public final class JsonOut {

    private JsonOut() {
    }

    /**
     * Each writing thread's builder, kept between answers: growing a new one from 256 chars to an f32
     * answer's ~3 KB was 0.4 of the server's 3.9 GB of allocation under the predict load (JFR, JDK 17).
     * One over 1 MB is not kept.
     */
    private static final ThreadLocal<StringBuilder> BUILDER = ThreadLocal.withInitial(() -> new StringBuilder(4096));
    private static final int KEEP_CHARS = 1 << 20;

    public static String write(Object value) {
        StringBuilder sb = BUILDER.get();
        sb.setLength(0);
        append(sb, value);
        String s = sb.toString();
        if (sb.capacity() > KEEP_CHARS) {
            BUILDER.remove();
        }
        return s;
    }

    public static void append(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            sb.append(Json.quote(s));
        } else if (v instanceof Base64Text b) {
            sb.append('"').append(b.text).append('"'); // base64's alphabet needs no escapes
        } else if (v instanceof Float f) {
            appendFloat(sb, f);
        } else if (v instanceof Double d) {
            appendDouble(sb, d);
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof float[] a) {
            floats(sb, a, 0, a.length);
        } else if (v instanceof double[] a) {
            sb.append('[');
            for (int i = 0; i < a.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                appendDouble(sb, a[i]);
            }
            sb.append(']');
        } else if (v instanceof Rows r) {
            sb.append('[');
            for (int i = 0; i < r.rows; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                floats(sb, r.data, r.offset + i * r.stride, r.cols);
            }
            sb.append(']');
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                sb.append(Json.quote(String.valueOf(e.getKey()))).append(':');
                append(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                append(sb, l.get(i));
            }
            sb.append(']');
        } else {
            throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
        }
    }

    private static void floats(StringBuilder sb, float[] a, int off, int n) {
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            appendFloat(sb, a[off + i]);
        }
        sb.append(']');
    }

    private static void appendFloat(StringBuilder sb, float f) {
        if (Float.isFinite(f)) {
            sb.append(f);
        } else {
            sb.append("null");
        }
    }

    private static void appendDouble(StringBuilder sb, double d) {
        if (Double.isFinite(d)) {
            sb.append(d);
        } else {
            sb.append("null");
        }
    }

    /**
     * The answer with every float array or matrix member written as base64 of its little-endian float32
     * values (row after row) under the member's name + "_f32": the exact bits, a third of the bytes of
     * decimal text, and no number formatting (asked for with {@code "f32": true}).
     */
    public static Map<String, Object> f32(Map<String, Object> answer) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Object> e : answer.entrySet()) {
            Object v = e.getValue();
            if (v instanceof float[] a) {
                out.put(e.getKey() + "_f32", base64(a, 0, 1, a.length, a.length));
            } else if (v instanceof Rows r) {
                out.put(e.getKey() + "_f32", base64(r.data, r.offset, r.rows, r.cols, r.stride));
            } else {
                out.put(e.getKey(), v);
            }
        }
        return out;
    }

    /** Base64 text, written as a JSON string as it is (Json.quote's char-by-char escaping cost more than the encoding). */
    record Base64Text(String text) {
    }

    private static Base64Text base64(float[] data, int offset, int rows, int cols, int stride) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * rows * cols).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows; i++) {
            b.asFloatBuffer().position(i * cols).put(data, offset + i * stride, cols);
        }
        return new Base64Text(java.util.Base64.getEncoder().encodeToString(b.array()));
    }

    /** A matrix written as a list of rows: rows x cols floats of data from offset, rows stride apart. */
    public record Rows(float[] data, int offset, int rows, int cols, int stride) {
        public static Rows of(float[] data, int rows, int cols) {
            return new Rows(data, 0, rows, cols, cols);
        }
    }
}
