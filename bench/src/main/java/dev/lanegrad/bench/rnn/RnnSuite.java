package dev.lanegrad.bench.rnn;

import dev.lanegrad.bench.quick.BenchResult;
import dev.lanegrad.bench.quick.QuickTimer;
import dev.lanegrad.engine.EngineThreads;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The quick harness behind {@code lanegrad bench}: each (case, cell) at a thread count, timed in process
 * by {@link QuickTimer} (warm-up, then the median of repeated timings), as one {@link BenchResult}:
 * {@code {"case": "S3", "cell": "lstm", "threads": 2, "allocBytesPerOp": 312, "cpuValue": 5.9, "value": 6.1, "unit": "ms/step"}}
 * ({@code cpuValue}: the value computed from the calling thread's CPU time instead of wall time).
 */
public final class RnnSuite {

    private RnnSuite() {
    }

    /** Every pair of the given cases and cells that exists (LM: lstm only), in case order. */
    public static List<BenchResult> run(List<BenchCase> cases, List<String> cells, int threads, QuickTimer timer,
                                        Consumer<BenchResult> onResult) throws Exception {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + ", expected >= 1");
        }
        List<BenchResult> results = new ArrayList<>();
        int before = EngineThreads.threads();
        EngineThreads.setThreads(threads);
        try {
            for (BenchCase c : cases) {
                for (String cell : cells) {
                    if (!c.hasCell(cell)) {
                        continue;
                    }
                    BenchResult r = measure(c, cell, threads, timer);
                    results.add(r);
                    onResult.accept(r);
                }
            }
        } finally {
            EngineThreads.setThreads(before);
        }
        return results;
    }

    static BenchResult measure(BenchCase c, String cell, int threads, QuickTimer timer) throws Exception {
        Workload w = RnnWorkloads.create(c, cell);
        float[] sink = new float[1];
        QuickTimer.Measurement m = timer.measure(() -> sink[0] += w.run());
        double value = c.value(m.medianNanos());
        // the quartiles of the value: seq/s and tokens/s fall as the time grows, so the time's p75 is their p25
        double a = c.value(m.p25Nanos());
        double b = c.value(m.p75Nanos());
        return BenchResult.builder()
                .field("case", c.name()).field("cell", cell).field("threads", threads)
                .field("p25", round(Math.min(a, b))).field("p75", round(Math.max(a, b)))
                .field("allocBytesPerOp", Double.isNaN(m.allocatedBytesPerOp()) ? null : Math.round(m.allocatedBytesPerOp()))
                // the same figure from the calling thread's CPU time: immune to other jobs at 1 thread;
                // at 2 threads it leaves out the pool worker (what the caller's share of the work costs)
                .field("cpuValue", Double.isNaN(m.medianThreadCpuNanos()) ? null : round(c.value(m.medianThreadCpuNanos())))
                .value(round(value), c.unit);
    }

    /** Four significant digits: enough for any comparison, short in a file. */
    static double round(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double scale = Math.pow(10, 3 - Math.floor(Math.log10(Math.abs(v))));
        return Math.round(v * scale) / scale;
    }
}
