package dev.lanegrad.cli.run;

import dev.lanegrad.io.Json;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Training metrics, one record per line, appended and flushed as they come (a run killed half-way
 * keeps every complete line). Two formats, chosen by the file name:
 * <ul>
 *   <li>{@code *.jsonl} (JSON lines): {@code {"step":200,"epoch":1,"train_loss":1.9342,"val_loss":null,...}};
 *       records may have different keys (e.g. a validation record and a train record);</li>
 *   <li>{@code *.csv}: a header row from the first record's keys; later records are written in that
 *       column order (missing keys are empty cells, extra keys are refused).</li>
 * </ul>
 *
 * <pre>{@code
 * try (MetricsLog metrics = MetricsLog.open(run.resolve("metrics.jsonl"), false)) {
 *     metrics.write(MetricsLog.record("step", step, "train_loss", loss, "tokens_per_s", speed));
 * }
 * }</pre>
 *
 * Numbers are written with {@code Locale.ROOT}; NaN and infinities become {@code null} (JSON) or
 * empty cells (CSV). Write failures are thrown as UncheckedIOException.
 */
public final class MetricsLog implements Closeable {

    private final BufferedWriter out;
    private final boolean csv;
    private String[] columns;

    private MetricsLog(BufferedWriter out, boolean csv, String[] columns) {
        this.out = out;
        this.csv = csv;
        this.columns = columns;
    }

    /**
     * Opens {@code file} for writing; {@code append} keeps what is there (a resumed run continues its
     * metrics; for CSV the existing header is reused).
     */
    public static MetricsLog open(Path file, boolean append) throws IOException {
        boolean csv = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
        String[] columns = null;
        if (append && csv && Files.exists(file)) {
            String header = Files.lines(file, StandardCharsets.UTF_8).findFirst().orElse("");
            columns = header.isEmpty() ? null : header.split(",", -1);
        }
        BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
        return new MetricsLog(w, csv, columns);
    }

    /** A record from alternating keys and values: {@code record("step", 10, "loss", 2.3)}. */
    public static Map<String, Object> record(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("record: expected key, value pairs, got " + keysAndValues.length + " items");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(String.valueOf(keysAndValues[i]), keysAndValues[i + 1]);
        }
        return m;
    }

    /** Appends one record and flushes it. */
    public synchronized void write(Map<String, ?> record) {
        try {
            if (csv) {
                writeCsv(record);
            } else {
                writeJson(record);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics: " + e.getMessage(), e);
        }
    }

    private void writeJson(Map<String, ?> record) throws IOException {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, ?> e : record.entrySet()) {
            if (!first) sb.append(',');
            first = false;
            sb.append(Json.quote(e.getKey())).append(':').append(jsonValue(e.getValue()));
        }
        out.write(sb.append('}').toString());
        out.newLine();
    }

    private void writeCsv(Map<String, ?> record) throws IOException {
        if (columns == null) {
            columns = record.keySet().toArray(String[]::new);
            out.write(String.join(",", columns));
            out.newLine();
        }
        for (String key : record.keySet()) {
            if (!java.util.Arrays.asList(columns).contains(key)) {
                throw new IllegalArgumentException("metrics: column '" + key + "' is not in the CSV header "
                        + String.join(",", columns));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < columns.length; i++) {
            if (i > 0) sb.append(',');
            Object v = record.get(columns[i]);
            String s = v == null ? "" : csvValue(v);
            sb.append(s);
        }
        out.write(sb.toString());
        out.newLine();
    }

    private static String csvValue(Object v) {
        if (v instanceof Double d && !Double.isFinite(d)) return "";
        if (v instanceof Float f && !Float.isFinite(f)) return "";
        String s = v instanceof Number ? number((Number) v) : String.valueOf(v);
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            s = "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    private static String jsonValue(Object v) {
        if (v == null) return "null";
        if (v instanceof Boolean) return v.toString();
        if (v instanceof Double d && !Double.isFinite(d)) return "null";
        if (v instanceof Float f && !Float.isFinite(f)) return "null";
        if (v instanceof Number n) return number(n);
        return Json.quote(String.valueOf(v));
    }

    private static String number(Number n) {
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
            return String.format(Locale.ROOT, "%.6g", d).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e")
                    .replaceAll("\\.$", "");
        }
        return n.toString();
    }


    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
