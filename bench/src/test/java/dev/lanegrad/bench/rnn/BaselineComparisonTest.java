package dev.lanegrad.bench.rnn;

import dev.lanegrad.bench.quick.BenchResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --compare: direction-aware speedups, the threshold, files from lanegrad and from bench_rnn.py alike. */
class BaselineComparisonTest {

    static BenchResult result(String c, String cell, int threads, double value, String unit) {
        return BenchResult.builder().field("case", c).field("cell", cell).field("threads", threads).value(value, unit);
    }

    @Test
    void timesAreBetterLowerAndRatesHigher(@TempDir Path dir) throws IOException {
        Path base = dir.resolve("base.json");
        // as bench_rnn.py writes it: indented, rounded values
        Files.writeString(base, "[\n {\"case\": \"S3\", \"cell\": \"lstm\", \"threads\": 2, \"value\": 10.0, \"unit\": \"ms/step\"},\n"
                + " {\"case\": \"S5\", \"cell\": \"gru\", \"threads\": 2, \"value\": 1000.0, \"unit\": \"seq/s\"}\n]\n");
        Map<String, Object[]> baseline = BaselineComparison.read(base);
        BaselineComparison.Outcome ok = BaselineComparison.compare(List.of(
                result("S3", "lstm", 2, 10.5, "ms/step"), result("S5", "gru", 2, 1200, "seq/s"),
                result("S1", "rnn", 2, 1, "ms/seq")), baseline, 10);
        assertEquals(2, ok.rows().size());
        assertEquals(10.0 / 10.5, ok.rows().get(0).speedup(), 1e-12);
        assertEquals(1.2, ok.rows().get(1).speedup(), 1e-12);
        assertFalse(ok.regressed(), "5% slower is within a 10% threshold");
        assertEquals(List.of("S1 rnn 2t"), ok.missing());

        BaselineComparison.Outcome slowTime = BaselineComparison.compare(List.of(result("S3", "lstm", 2, 12, "ms/step")), baseline, 10);
        assertTrue(slowTime.regressed(), "12 ms against 10 ms is a regression");
        BaselineComparison.Outcome slowRate = BaselineComparison.compare(List.of(result("S5", "gru", 2, 800, "seq/s")), baseline, 10);
        assertTrue(slowRate.regressed(), "800 seq/s against 1000 is a regression");
    }

    @Test
    void aWrittenRunReadsBack(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("run.json");
        List<BenchResult> run = List.of(result("LM", "lstm", 1, 7000, "tokens/s"));
        BenchResult.writeJson(file, run);
        BaselineComparison.Outcome same = BaselineComparison.compare(run, BaselineComparison.read(file), 0);
        assertEquals(1.0, same.rows().get(0).speedup(), 1e-12);
        assertFalse(same.regressed());
    }

    @Test
    void badFilesAndUnitsAreNamed(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"case\": \"S1\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BaselineComparison.read(file));
        assertTrue(e.getMessage().contains("list"), e.getMessage());
        Files.writeString(file, "[{\"case\": \"S1\", \"cell\": \"rnn\", \"threads\": 1, \"value\": 1, \"unit\": \"us/step\"}]");
        Map<String, Object[]> baseline = BaselineComparison.read(file);
        assertThrows(IllegalArgumentException.class,
                () -> BaselineComparison.compare(List.of(result("S1", "rnn", 1, 1, "ms/seq")), baseline, 10));
        assertThrows(IllegalArgumentException.class, () -> BenchCase.higherIsBetter("GFLOP"));
    }
}
