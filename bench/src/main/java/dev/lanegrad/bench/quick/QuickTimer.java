package dev.lanegrad.bench.quick;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * In-process timing for quick measurements (JMH is the reference): warm up for a given time and then on
 * until the JIT has compiled nothing for {@link #QUIET_NANOS} (so that C2 has compiled the code), then time
 * a number of repetitions, each a batch of calls long enough to be
 * well above the clock's resolution, and report the median time per call and the bytes the measuring
 * thread allocated per call.
 *
 * <pre>
 * QuickTimer.Measurement m = new QuickTimer(Duration.ofSeconds(2), 15, 20_000_000).measure(() -> work());
 * double gflops = flops / m.medianNanos();
 * </pre>
 */
public final class QuickTimer {

    /** The work measured; one call = one operation. */
    @FunctionalInterface
    public interface Op {
        void run() throws Exception;
    }

    /**
     * Median and spread of the time per operation (the quartiles of the repetitions: on a host whose speed
     * comes and goes, two systems' medians alone can say more about the host than about them), and the
     * allocation per operation.
     */
    public record Measurement(double medianNanos, double p25Nanos, double p75Nanos, double minNanos, double maxNanos,
                              long opsPerRepetition, int repetitions, double allocatedBytesPerOp,
                              double medianThreadCpuNanos) {
    }

    /**
     * Calls made in warm-up at least, whatever the time: C2 compiles a large operation only after several
     * calls. The char-LM step (JDK 17, AVX-512, 1 thread) allocated 0.7-8 MB per call over its first 10
     * calls (the Vector API boxes until C2 has compiled the kernels into their callers) and 1,024 bytes from
     * the 11th on; 1 s of warm-up is only 2-4 such calls, so the allocation measured was the warm-up's.
     */
    static final int MIN_WARMUP_CALLS = 12;

    /**
     * After the warm-up time, the warm-up goes on until a stretch this long in which the JIT finished no
     * compilation. Why: a fixed time was not enough at two threads, where the benchmark's threads take
     * both cores from the compiler. S1 at two threads (AMD EPYC Zen 5, AVX-512, 2 cores, JDK 17.0.15, the
     * default 1 s) reported 4.1-4.6 ms/seq for the LSTM and 4.3-6.4 for the RNN, 0.6-1.2 MB per call: the
     * forward still ran in the interpreter, whose Vector API code boxes every vector; C2's compiles of the
     * kernels landed after ~1.8 s of the JVM's 2 s (-XX:+PrintCompilation). 20 s of warm-up gave 0.14 ms and
     * 0 B for the RNN. Compiles of the kernels came up to ~400 ms apart while C2 was busy, hence 500 ms.
     */
    static final long QUIET_NANOS = 500_000_000L;
    /** The longest the warm-up waits for a quiet JIT beyond the warm-up time; then it measures anyway. */
    static final long MAX_EXTRA_WARMUP_NANOS = 30_000_000_000L;

    private final long warmupNanos;
    private final int repetitions;
    private final long targetRepetitionNanos;
    /** Milliseconds the JIT has spent compiling so far, or -1 when the JVM does not say. */
    private final LongSupplier jitMillis;
    /** The warm-up's clock in ns (System.nanoTime; a test's stand-in). */
    private final LongSupplier clock;
    private final long quietNanos;
    private final long maxExtraWarmupNanos;

    /**
     * @param warmupNanos           how long to run the operation before timing it
     * @param repetitions           how many timed repetitions the median is taken over
     * @param targetRepetitionNanos how long one repetition should last (the batch size is chosen for it)
     */
    public QuickTimer(long warmupNanos, int repetitions, long targetRepetitionNanos) {
        this(warmupNanos, repetitions, targetRepetitionNanos, QuickTimer::jitMillis, System::nanoTime, QUIET_NANOS,
                MAX_EXTRA_WARMUP_NANOS);
    }

    /** The same, with the JIT's compile time, the warm-up's clock, the quiet stretch and the wait limit given (tests). */
    QuickTimer(long warmupNanos, int repetitions, long targetRepetitionNanos, LongSupplier jitMillis, LongSupplier clock,
               long quietNanos, long maxExtraWarmupNanos) {
        if (warmupNanos < 0 || repetitions < 1 || targetRepetitionNanos < 1) {
            throw new IllegalArgumentException("QuickTimer: warm-up " + warmupNanos + " ns, repetitions " + repetitions
                    + ", repetition time " + targetRepetitionNanos + " ns; expected >= 0, >= 1 and >= 1");
        }
        this.warmupNanos = warmupNanos;
        this.repetitions = repetitions;
        this.targetRepetitionNanos = targetRepetitionNanos;
        this.jitMillis = jitMillis;
        this.clock = clock;
        this.quietNanos = quietNanos;
        this.maxExtraWarmupNanos = maxExtraWarmupNanos;
    }

    /** Defaults for a command-line run: 1 s of warm-up, 15 repetitions of ~50 ms. */
    public static QuickTimer standard() {
        return new QuickTimer(1_000_000_000L, 15, 50_000_000L);
    }

    public Measurement measure(Op op) throws Exception {
        // Warm-up by time, counting calls to size the timed batches. The time is this thread's CPU time
        // when the JVM measures it: on a machine shared with other jobs, wall time alone left the first
        // case uncompiled (the Vector API boxing, megabytes per call) after a 2 s warm-up.
        long calls = 0;
        long start = clock.getAsLong();
        long cpuStart = threadCpuNanos();
        long elapsed;
        long cpu;
        do {
            op.run();
            calls++;
            elapsed = clock.getAsLong() - start;
            cpu = cpuStart < 0 ? elapsed : threadCpuNanos() - cpuStart;
        } while (elapsed < warmupNanos || cpu < warmupNanos || calls < MIN_WARMUP_CALLS);
        if (warmupNanos > 0) { // a warm-up of 0 asks for none
            calls += untilJitQuiet(op, start + warmupNanos + maxExtraWarmupNanos);
            elapsed = clock.getAsLong() - start;
        }
        double perCall = (double) elapsed / calls;
        long batch = Math.max(1, (long) (targetRepetitionNanos / Math.max(1.0, perCall)));

        double[] times = new double[repetitions];
        double[] cpuTimes = new double[repetitions];
        long allocBefore = allocatedBytes();
        for (int r = 0; r < repetitions; r++) {
            long c0 = threadCpuNanos();
            long t0 = System.nanoTime();
            for (long i = 0; i < batch; i++) {
                op.run();
            }
            times[r] = (double) (System.nanoTime() - t0) / batch;
            cpuTimes[r] = c0 < 0 ? Double.NaN : (double) (threadCpuNanos() - c0) / batch;
        }
        long allocAfter = allocatedBytes();
        double allocPerOp = allocBefore < 0 || allocAfter < 0 ? Double.NaN
                : (double) (allocAfter - allocBefore) / ((double) batch * repetitions);
        Arrays.sort(times);
        Arrays.sort(cpuTimes);
        return new Measurement(quantile(times, 0.5), quantile(times, 0.25), quantile(times, 0.75), times[0],
                times[times.length - 1], batch, repetitions, allocPerOp, quantile(cpuTimes, 0.5));
    }

    /**
     * Runs op until a stretch of quietNanos (at least one call) in which the JIT's compile time did not
     * grow, or until the deadline (on the warm-up's clock); returns the calls made. No wait if the JVM does not
     * report compile time.
     */
    long untilJitQuiet(Op op, long deadline) throws Exception {
        long calls = 0;
        long before = jitMillis.getAsLong();
        while (before >= 0) {
            long windowStart = clock.getAsLong();
            long now;
            do {
                op.run();
                calls++;
                now = clock.getAsLong();
            } while (now - windowStart < quietNanos);
            long after = jitMillis.getAsLong();
            if (after == before || now - deadline >= 0) {
                break;
            }
            before = after;
        }
        return calls;
    }

    /** The JVM's accumulated compile time in ms, or -1 when it does not monitor it. */
    private static long jitMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /** The q-quantile of sorted values, interpolated between the two nearest ranks (q = 0.5: the median). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /**
     * The JVM's thread bean, looked up once: ManagementFactory.getThreadMXBean() allocates ~816 B per call
     * (JDK 17), which the per-repetition timing below used to add to the kernel's "bytes per call" (the
     * 337-1,637 B per GEMM call that `bench gemm` reported were this lookup, divided by the batch size).
     */
    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * CPU time of the calling thread in ns, or -1 when the JVM cannot tell. On a busy machine it is the
     * time this thread ran, whatever the others did; it leaves out pool workers.
     */
    public static long threadCpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    /** Bytes allocated so far by the calling thread, or -1 when the JVM cannot tell. */
    public static long allocatedBytes() {
        if (THREADS instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemorySupported()) {
            return sun.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }
}
