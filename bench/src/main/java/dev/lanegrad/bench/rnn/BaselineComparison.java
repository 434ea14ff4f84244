package dev.lanegrad.bench.rnn;

import dev.lanegrad.bench.quick.BenchResult;
import dev.lanegrad.io.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a run with a saved one (a JSON list as written by {@code lanegrad bench --json}, or by
 * bench/pytorch/bench_rnn.py), case by case, direction-aware: for a time (ms/step) lower is better, for
 * a rate (seq/s) higher. The speedup of a case is baseline/current for a time and current/baseline for
 * a rate, so > 1 is always better; a case regressed when its speedup is below 1 - threshold/100.
 */
public final class BaselineComparison {

    /** One case present in both runs. */
    public record Row(String key, String unit, double baseline, double current, double speedup, boolean regressed) {
    }

    /** The rows, and the current cases with no baseline entry. */
    public record Outcome(List<Row> rows, List<String> missing) {
        public boolean regressed() {
            return rows.stream().anyMatch(Row::regressed);
        }
    }

    private BaselineComparison() {
    }

    /** Key of a result: case, cell and threads. */
    static String key(Object c, Object cell, Object threads) {
        String t = threads instanceof Number n ? Long.toString(n.longValue()) : String.valueOf(threads);
        return c + " " + cell + " " + t + "t";
    }

    /** Reads a baseline file into key -> (value, unit). */
    public static Map<String, Object[]> read(Path file) throws IOException {
        return read(file, "value");
    }

    /**
     * Reads a baseline file into key -> (figure, unit), the figure from the given field: "value" (wall
     * time) or "cpuValue" (the calling thread's CPU time, steadier on a shared machine).
     */
    public static Map<String, Object[]> read(Path file, String field) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a JSON benchmark list (" + e.getMessage() + ")", e);
        }
        if (!(parsed instanceof List<?> list)) {
            throw new IllegalArgumentException(file + ": expected a JSON list of results, found " + Json.typeName(parsed));
        }
        Map<String, Object[]> out = new LinkedHashMap<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m) || !(m.get(field) instanceof Number v) || !(m.get("unit") instanceof String u)
                    || m.get("case") == null || m.get("cell") == null || m.get("threads") == null) {
                throw new IllegalArgumentException(file + ": entry " + o + " lacks case, cell, threads, " + field + " or unit");
            }
            out.put(key(m.get("case"), m.get("cell"), m.get("threads")), new Object[] {v.doubleValue(), u});
        }
        return out;
    }

    public static Outcome compare(List<BenchResult> current, Map<String, Object[]> baseline, double thresholdPercent) {
        return compare(current, baseline, thresholdPercent, false);
    }

    /** With cpu, the current figure is each result's "cpuValue" field (the baseline read with "cpuValue" too). */
    public static Outcome compare(List<BenchResult> current, Map<String, Object[]> baseline, double thresholdPercent,
                                  boolean cpu) {
        if (!(thresholdPercent >= 0)) {
            throw new IllegalArgumentException("threshold = " + thresholdPercent + " %, expected >= 0");
        }
        List<Row> rows = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (BenchResult r : current) {
            String key = key(r.fields().get("case"), r.fields().get("cell"), r.fields().get("threads"));
            Object[] base = baseline.get(key);
            if (base == null) {
                missing.add(key);
                continue;
            }
            double b = (Double) base[0];
            String unit = (String) base[1];
            if (!unit.equals(r.unit())) {
                throw new IllegalArgumentException(key + ": baseline unit " + unit + " differs from " + r.unit());
            }
            double now = r.value();
            if (cpu) {
                if (!(r.fields().get("cpuValue") instanceof Number n)) {
                    throw new IllegalArgumentException(key + ": no CPU-time figure in this run");
                }
                now = n.doubleValue();
            }
            double speedup = BenchCase.higherIsBetter(unit) ? now / b : b / now;
            rows.add(new Row(key, unit, b, now, speedup, speedup < 1 - thresholdPercent / 100));
        }
        return new Outcome(rows, missing);
    }
}
