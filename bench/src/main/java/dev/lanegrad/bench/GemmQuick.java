package dev.lanegrad.bench;

import dev.lanegrad.bench.quick.BenchResult;
import dev.lanegrad.bench.quick.QuickTimer;
import dev.lanegrad.engine.Checks;
import dev.lanegrad.engine.EngineThreads;
import dev.lanegrad.engine.Gemm;

import java.util.Random;

/**
 * The quick GEMM measurement behind {@code lanegrad bench gemm}: C (m,n) = op(A) (m,k) @ op(B) (k,n)
 * with beta = 0 on seeded random operands, timed in process by {@link QuickTimer}.
 * GFLOP/s = 2*m*n*k / (median nanoseconds per call).
 */
public final class GemmQuick {

    /** One measured case: the throughput and what was measured. */
    public record Outcome(BenchResult result, QuickTimer.Measurement measurement) {
    }

    private GemmQuick() {
    }

    public static Outcome run(Gemm gemm, int m, int n, int k, boolean transA, boolean transB, int threads,
                              QuickTimer timer) throws Exception {
        Checks.nonNegative("bench gemm", "m", m);
        Checks.nonNegative("bench gemm", "n", n);
        Checks.nonNegative("bench gemm", "k", k);
        if (threads < 1) {
            throw new IllegalArgumentException("bench gemm: threads = " + threads + ", expected >= 1");
        }
        if ((long) m * k > Integer.MAX_VALUE || (long) k * n > Integer.MAX_VALUE || (long) m * n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bench gemm: " + m + " x " + n + " x " + k + " has an operand larger than a Java array");
        }
        Random random = new Random(42);
        float[] a = random(random, m * k);
        float[] b = random(random, k * n);
        float[] c = new float[m * n];
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        int before = EngineThreads.threads();
        EngineThreads.setThreads(threads);
        try {
            QuickTimer.Measurement t = timer.measure(
                    () -> gemm.sgemm(transA, transB, m, n, k, 1f, a, 0, Math.max(1, lda), b, 0, Math.max(1, ldb), 0f, c, 0, Math.max(1, n)));
            double gflops = 2.0 * m * n * k / t.medianNanos();
            BenchResult result = BenchResult.builder()
                    .field("m", m).field("n", n).field("k", k)
                    .field("transA", transA).field("transB", transB).field("threads", threads)
                    .value(Math.round(gflops * 100) / 100.0, "GFLOP/s");
            return new Outcome(result, t);
        } finally {
            EngineThreads.setThreads(before);
        }
    }

    private static float[] random(Random random, int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = random.nextFloat() * 2f - 1f;
        }
        return v;
    }
}
