package dev.lanegrad.cli;

import dev.lanegrad.bench.quick.BenchResult;
import dev.lanegrad.bench.quick.QuickTimer;
import dev.lanegrad.bench.rnn.BaselineComparison;
import dev.lanegrad.bench.rnn.BenchCase;
import dev.lanegrad.bench.rnn.RnnSuite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * `lanegrad bench`: the recurrent benchmark cases (S1-S5, LM) measured in process, one line per case and
 * optionally the same as JSON; `--compare BASELINE.json` fails (exit 1) on a regression. JMH is the
 * reference (see `lanegrad jmh`); `bench gemm` measures one GEMM shape.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchGemmCommand.class},
        description = {"Quick in-process benchmarks of the recurrent cases: warm-up, then the median (and quartiles) of repeated timings.",
                "  S1 inference I=128 H=256 B=1 T=50 (ms/seq); S2 one streaming step B=1 (us/step);",
                "  S3 training step I=128 H=256 B=32 T=50 (ms/step); S4 I=512 H=1024 B=64 T=32 (ms/step);",
                "  S5 inference B=64 T=50 (seq/s); LM char-LM Adam step, 2-layer LSTM 512, B=32 T=64 (tokens/s).",
                "With no --case/--cell every case runs for every cell (LM: lstm)."})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--case", split = ",", description = "S1, S2, S3, S4, S5, LM (comma-separated; default: all)")
    List<String> cases;

    @Option(names = "--cell", split = ",", description = "rnn, lstm, gru (comma-separated; default: all)")
    List<String> cells;

    @Mixin
    ThreadsOption engineThreads = new ThreadsOption(Runtime.getRuntime().availableProcessors());

    @Option(names = "--compare", paramLabel = "BASELINE.json",
            description = "compare with a saved run (case, cell and threads must match); exit 1 if any case regressed")
    Path compare;

    @Option(names = "--threshold", defaultValue = "10",
            description = "percent a case may be slower than the baseline before it counts as a regression (default: ${DEFAULT-VALUE})")
    double threshold;

    @Option(names = "--compare-by", defaultValue = "wall",
            description = "wall (the reported value) or cpu (the calling thread's CPU time, steadier when other jobs share the machine; "
                    + "meaningful at 1 thread) (default: ${DEFAULT-VALUE})")
    String compareBy;

    @Mixin
    TimingOptions timing;

    @Override
    public Integer call() throws Exception {
        List<BenchCase> caseList = new ArrayList<>();
        for (String c : cases == null ? List.of("S1", "S2", "S3", "S4", "S5", "LM") : cases) {
            caseList.add(BenchCase.parse(c));
        }
        List<String> cellList = new ArrayList<>();
        for (String c : cells == null ? Arrays.asList(BenchCase.CELLS) : cells) {
            cellList.add(BenchCase.parseCell(c));
        }
        int t = engineThreads.threads();
        QuickTimer timer = timing.timer(100_000_000L);
        if (!(threshold >= 0)) {
            throw new IllegalArgumentException("--threshold " + threshold + ": expected a percentage >= 0");
        }
        // read the baseline first: a bad file should fail before minutes of measuring
        if (!compareBy.equals("wall") && !compareBy.equals("cpu")) {
            throw new IllegalArgumentException("--compare-by " + compareBy + ": expected wall or cpu");
        }
        boolean byCpu = compareBy.equals("cpu");
        Map<String, Object[]> baseline = compare == null ? null : BaselineComparison.read(compare, byCpu ? "cpuValue" : "value");
        System.out.printf("lanegrad bench: java %s, %d threads, median (and quartiles) of %d%n", Runtime.version(), t, timing.repetitions);
        List<BenchResult> results = RnnSuite.run(caseList, cellList, t, timer, r -> System.out.printf(
                "%-3s %-5s %dt %12s %-9s (p25-p75 %s-%s) %8s B/op   (thread CPU time: %s)%n", r.fields().get("case"),
                r.fields().get("cell"), t, format(r.value()), r.unit(), format((Double) r.fields().get("p25")),
                format((Double) r.fields().get("p75")), r.fields().get("allocBytesPerOp"),
                r.fields().get("cpuValue") instanceof Double v ? format(v) : "n/a"));
        timing.save(results);
        if (baseline == null) {
            return 0;
        }
        BaselineComparison.Outcome outcome = BaselineComparison.compare(results, baseline, threshold, byCpu);
        System.out.printf("compared with %s by %s time (threshold %.1f %%; speedup > 1 is better):%n", compare,
                byCpu ? "thread CPU" : "wall", threshold);
        for (BaselineComparison.Row row : outcome.rows()) {
            System.out.printf("%-14s %12s -> %12s %-9s %6.3fx%s%n", row.key(), format(row.baseline()), format(row.current()),
                    row.unit(), row.speedup(), row.regressed() ? "  REGRESSED" : "");
        }
        for (String key : outcome.missing()) {
            System.out.printf("%-14s not in the baseline%n", key);
        }
        return outcome.regressed() ? 1 : 0;
    }

    private static String format(double v) {
        return Math.abs(v) >= 100 ? String.format("%.1f", v) : String.format("%.4g", v);
    }
}
