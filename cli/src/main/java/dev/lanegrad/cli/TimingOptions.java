package dev.lanegrad.cli;

import dev.lanegrad.bench.quick.BenchResult;
import dev.lanegrad.bench.quick.QuickTimer;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** How `bench` and `bench gemm` time and where they save: the warm-up, the repetitions and the JSON file, declared once. */
final class TimingOptions {

    @Option(names = "--warmup-ms", defaultValue = "1000", description = "warm-up per measurement in ms, then on until the JIT is quiet for 0.5 s (default: ${DEFAULT-VALUE}; 0: none)")
    long warmupMs;

    @Option(names = "--repetitions", defaultValue = "15", description = "timed repetitions per measurement (default: ${DEFAULT-VALUE})")
    int repetitions;

    @Option(names = "--json", description = "also write the results as a JSON list to this file")
    Path json;

    /** The timer these options ask for, each repetition running about repetitionNanos; checks the values first. */
    QuickTimer timer(long repetitionNanos) {
        if (warmupMs < 0) {
            throw new IllegalArgumentException("--warmup-ms " + warmupMs + ": expected >= 0");
        }
        if (repetitions < 1) {
            throw new IllegalArgumentException("--repetitions " + repetitions + ": expected >= 1");
        }
        return new QuickTimer(warmupMs * 1_000_000L, repetitions, repetitionNanos);
    }

    /** Writes the results to --json, if given. */
    void save(List<BenchResult> results) throws IOException {
        if (json != null) {
            BenchResult.writeJson(json, results);
        }
    }
}
