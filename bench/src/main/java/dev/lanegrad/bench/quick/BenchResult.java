package dev.lanegrad.bench.quick;

import dev.lanegrad.io.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One measured case: ordered descriptive fields (e.g. m, n, k, transA or case, cell, threads), a value
 * and its unit, written as a flat JSON object in field order:
 * {@code {"m": 256, "n": 256, "k": 256, "transA": false, "transB": false, "threads": 1, "value": 98.1, "unit": "GFLOP/s"}}.
 * Field values may be strings, numbers or booleans; extra measured quantities (allocation per op) are
 * fields too.
 */
public record BenchResult(Map<String, Object> fields, double value, String unit) {

    /** Keeps an unmodifiable copy of the fields, in their order; "value" and "unit" are not field names. */
    public BenchResult {
        for (String name : fields.keySet()) {
            if (name.equals("value") || name.equals("unit")) {
                throw new IllegalArgumentException("BenchResult: field name '" + name + "' is reserved");
            }
        }
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The fields, then "value" and "unit". */
    public String toJson() {
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            out.append(Json.quote(e.getKey())).append(": ").append(jsonValue(e.getValue())).append(", ");
        }
        out.append("\"value\": ").append(number(value)).append(", \"unit\": ").append(Json.quote(unit)).append('}');
        return out.toString();
    }

    /** A JSON list of results, one object per line. */
    public static String toJson(List<BenchResult> results) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < results.size(); i++) {
            out.append(i == 0 ? "\n  " : ",\n  ").append(results.get(i).toJson());
        }
        return out.append(results.isEmpty() ? "]\n" : "\n]\n").toString();
    }

    /** Writes the list to a file (through a temporary file renamed into place). */
    public static void writeJson(Path file, List<BenchResult> results) throws IOException {
        dev.lanegrad.io.AtomicFile.writeString(file, toJson(results));
    }

    private static String jsonValue(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Boolean) {
            return v.toString();
        }
        if (v instanceof Number num) {
            if (v instanceof Double || v instanceof Float) {
                return number(num.doubleValue());
            }
            return num.toString();
        }
        return Json.quote(v.toString());
    }

    /** JSON has no NaN or infinity: those become null. */
    private static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "null";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    /** Fields in the order they are added. */
    public static final class Builder {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        public Builder field(String name, Object value) {
            fields.put(name, value);
            return this;
        }

        public BenchResult value(double value, String unit) {
            return new BenchResult(fields, value, unit);
        }
    }
}
