package dev.lanegrad.bench;

import dev.lanegrad.engine.EngineThreads;
import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.Kernels;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * C (m,n) = op(A) (m,k) @ op(B) (k,n), beta = 0: the scalar specification against the SIMD GEMM, at
 * 1 and 2 engine threads.
 *
 * Shapes: 1024^3 and 256^3 (square), 32x1024x128 (a batch-32 step), 64x4096x512 (batch 64 into a wide
 * layer), 1x1024x256 (batch-1 inference, a GEMV), and the transposed forms an LSTM layer needs
 * (H = 256, 4H = 1024, I = 128, T*B = 1600): 1600x1024x128-tB is the forward input projection
 * X . W_ih^T, 1024x128x1600-tA the backward weight gradient dGates^T . X.
 *
 * The primary score is calls per second; the secondary metric "gflops" counts 2*m*n*k / 1e9 per
 * call, so JMH reports it directly in GFLOP/s. The scalar kernel is slow and measured only up to 256^3
 * multiply-adds-worth of work: its larger combinations fail at setup with a message saying so (use
 * {@code -p impl=vector} to skip them).
 *
 * <pre>
 * ./lanegrad jmh GemmBench                                   # everything (~4 min)
 * ./lanegrad jmh GemmBench -p impl=vector -p threads=1 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class GemmBench extends JmhDefaults {

    /** Scalar runs are limited to this much work per call (256^3 multiply-adds). */
    static final long SCALAR_MAX_MACS = 256L * 256 * 256;

    @Param({"vector", "scalar"})
    public String impl;

    @Param({"1024x1024x1024", "256x256x256", "32x1024x128", "64x4096x512", "1x1024x256",
            "1600x1024x128-tB", "1024x128x1600-tA"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    Gemm gemm;
    int m;
    int n;
    int k;
    boolean transA;
    boolean transB;
    float[] a;
    float[] b;
    float[] c;
    int lda;
    int ldb;
    double gflopPerCall;
    private int threadsBefore;

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = shape.split("-");
        String[] dims = parts[0].split("x");
        m = Integer.parseInt(dims[0]);
        n = Integer.parseInt(dims[1]);
        k = Integer.parseInt(dims[2]);
        transA = parts.length > 1 && parts[1].contains("tA");
        transB = parts.length > 1 && parts[1].contains("tB");
        gemm = switch (impl) {
            case "vector" -> vector().gemm();
            case "scalar" -> Kernels.scalar().gemm();
            default -> throw new IllegalArgumentException("impl " + impl + ": expected vector or scalar");
        };
        if (impl.equals("scalar") && (long) m * n * k > SCALAR_MAX_MACS) {
            throw new IllegalStateException("skipped: the scalar GEMM is measured only up to 256^3 multiply-adds, not at "
                    + shape + " (use -p impl=vector)");
        }
        Random random = new Random(1);
        a = values(random, m * k);
        b = values(random, k * n);
        c = new float[m * n];
        lda = transA ? m : k;
        ldb = transB ? k : n;
        gflopPerCall = 2.0 * m * n * k / 1e9;
        threadsBefore = EngineThreads.threads();
        EngineThreads.setThreads(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        EngineThreads.setThreads(threadsBefore);
    }

    /** GFLOP counted per call; JMH divides by the time, giving GFLOP/s. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Flops {
        public double gflops;

        @Setup(Level.Iteration)
        public void reset() {
            gflops = 0;
        }
    }

    @Benchmark
    public float[] sgemm(Flops flops) {
        gemm.sgemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
        flops.gflops += gflopPerCall;
        return c;
    }

    private static float[] values(Random random, int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = random.nextFloat() * 2f - 1f;
        }
        return v;
    }
}
