package dev.lanegrad.bench;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.engine.EngineThreads;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Variable lengths at the cost of their tokens (issue 15): one batch of mixed lengths against the same
 * sequences run as separate uniform batches, and a uniform batch with and without lengths (the layouts
 * of {@link MixedLengthCase}), through the public API as a training step or an eval-mode forward. Time
 * per operation in milliseconds; run with {@code -prof gc} for the allocation per operation.
 *
 * <p>Targets: mixed &lt;= 1.3 x apart; uniformLengths &lt;= 1.05 x uniform, for every cell, uni- and
 * bidirectional, 1 and 2 threads, training step and forward. Six warm-up seconds: on one core shared with
 * the JIT, the first iterations run while C2 still compiles the kernels (1.3 s/op, then 10 ms/op, then
 * 2 ms/op for a GRU training step on AMD EPYC Zen 5, JDK 17). Each layout runs in a JVM of its own, whose
 * compiled code differs a little from fork to fork; {@link MixedLengthPairs} times the layouts in turn in
 * one JVM when a ratio near 1 is what matters.
 *
 * <pre>
 * ./lanegrad jmh -- MixedLengthBench -p cell=gru -p threads=1 -prof gc -jvmArgs -Djmh.ignoreLock=true
 * </pre>
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 6, time = 1)
public class MixedLengthBench extends JmhDefaults {

    @Param({"mixed", "apart", "uniform", "uniformLengths"})
    String layout;
    @Param({"gru", "lstm", "rnn"})
    String cell;
    @Param({"false", "true"})
    boolean bidirectional;
    @Param({"1", "2"})
    int threads;
    /** train: forward + masked MSE + backward; forward: eval-mode forward only */
    @Param({"train", "forward"})
    String step;
    /** H; 256 makes a forward's one-row steps run in two threads in step (StepPair) at 2 threads */
    @Param({"128"})
    int hidden;

    private MixedLengthCase bench;
    private Tape tape;
    private int threadsBefore;

    @Setup(Level.Trial)
    public void setUp() {
        threadsBefore = EngineThreads.threads();
        EngineThreads.setThreads(threads);
        bench = new MixedLengthCase(MixedLengthCase.layer(cell, bidirectional, hidden), layout, step);
        tape = new Tape();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tape.close();
        EngineThreads.setThreads(threadsBefore);
    }

    @Benchmark
    public float op() {
        return bench.op(tape);
    }
}
