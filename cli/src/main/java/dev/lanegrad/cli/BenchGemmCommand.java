package dev.lanegrad.cli;

import dev.lanegrad.bench.GemmQuick;
import dev.lanegrad.bench.quick.QuickTimer;
import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.Kernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** `lanegrad bench gemm`: GFLOP/s of one GEMM shape, measured in process (warm-up, then a median). */
@Command(name = "gemm", mixinStandardHelpOptions = true,
        description = "GFLOP/s of C (m,n) = op(A) (m,k) @ op(B) (k,n): warm-up, then the median of repeated timings.")
final class BenchGemmCommand implements Callable<Integer> {

    @Option(names = "--m", required = true, description = "rows of C and of op(A)")
    int m;

    @Option(names = "--n", required = true, description = "columns of C and of op(B)")
    int n;

    @Option(names = "--k", required = true, description = "the shared dimension")
    int k;

    @Option(names = "--trans-a", description = "A is stored transposed (k, m)")
    boolean transA;

    @Option(names = "--trans-b", description = "B is stored transposed (n, k)")
    boolean transB;

    @Mixin
    ThreadsOption engineThreads = new ThreadsOption(1);

    @Option(names = "--kernels", defaultValue = "vector", description = "vector or scalar (default: ${DEFAULT-VALUE})")
    String kernels;

    @Mixin
    TimingOptions timing;

    @Override
    public Integer call() throws Exception {
        Gemm gemm = switch (kernels) {
            case "vector" -> {
                if (Kernels.vectorOrNull() == null) {
                    throw new IllegalArgumentException("--kernels vector: the Vector API is not available "
                            + "(start java with --add-modules jdk.incubator.vector)");
                }
                yield Kernels.vectorOrNull().gemm();
            }
            case "scalar" -> Kernels.scalar().gemm();
            default -> throw new IllegalArgumentException("--kernels " + kernels + ": expected vector or scalar");
        };
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("--m " + m + " --n " + n + " --k " + k + ": sizes must be >= 0");
        }
        int threads = engineThreads.threads();
        QuickTimer timer = timing.timer(50_000_000L);
        GemmQuick.Outcome outcome = GemmQuick.run(gemm, m, n, k, transA, transB, threads, timer);
        QuickTimer.Measurement t = outcome.measurement();
        System.out.printf("gemm %s m=%d n=%d k=%d transA=%s transB=%s threads=%d: %.2f GFLOP/s "
                        + "(median %.1f us/call, min %.1f, max %.1f over %d x %d calls; %.0f B allocated/call)%n",
                kernels, m, n, k, transA, transB, threads, outcome.result().value(),
                t.medianNanos() / 1e3, t.minNanos() / 1e3, t.maxNanos() / 1e3, t.repetitions(), t.opsPerRepetition(),
                t.allocatedBytesPerOp());
        timing.save(List.of(outcome.result()));
        return 0;
    }
}
