package dev.lanegrad.bench;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Reduction;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.engine.EngineThreads;
import dev.lanegrad.models.nn.GRU;
import dev.lanegrad.models.nn.LSTM;
import dev.lanegrad.models.nn.RNN;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.nn.RecurrentOutput;
import dev.lanegrad.models.nn.SequenceMask;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Variable lengths at the cost of their tokens (issue 15): one batch of mixed lengths against the same
 * sequences run as separate uniform batches, and a uniform batch with and without lengths. The batch is
 * 1 sequence of 100 steps and 31 of 10 (12.8% of the padded tokens), I=64, H=128, through the public API
 * (Tape, layer, masked MSE, backward) as a training step, or a forward in eval mode. Time per operation
 * in milliseconds; run with {@code -prof gc} for the allocation per operation.
 *
 * <ul>
 *   <li>{@code mixed}: the 32 sequences in one batch [100, 32, I] with lengths, loss masked to valid positions</li>
 *   <li>{@code apart}: the same sequences as two uniform batches, [100, 1, I] and [10, 31, I], no lengths</li>
 *   <li>{@code uniform}: 32 sequences of 100, no lengths; {@code uniformLengths}: the same with lengths all 100</li>
 * </ul>
 * Targets: mixed &lt;= 1.3 x apart; uniformLengths &lt;= 1.05 x uniform, for every cell, uni- and bidirectional,
 * 1 and 2 threads, training step and forward. Six warm-up seconds: on one core shared with the JIT, the
 * first iterations run while C2 still compiles the kernels (1.3 s/op, then 10 ms/op, then 2 ms/op for a
 * GRU training step on AMD EPYC Zen 5, JDK 17).
 *
 * <pre>
 * ./lanegrad jmh -- MixedLengthBench -p cell=gru -p threads=1 -prof gc -jvmArgs -Djmh.ignoreLock=true
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MixedLengthBench {

    static final int INPUT = 64;
    static final int HIDDEN = 128;
    static final int LONG = 100;
    static final int SHORT = 10;
    static final int SHORT_ROWS = 31;

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

    private Batch[] batches;
    private RecurrentLayer layer;
    private Tape tape;
    private int threadsBefore;

    /** One batch of the layout: x [T, B, I], lengths or null, target, and the loss mask (or null). */
    private record Batch(Tensor x, int[] lengths, Tensor target, Tensor mask) {
    }

    @Setup(Level.Trial)
    public void setUp() {
        threadsBefore = EngineThreads.threads();
        EngineThreads.setThreads(threads);
        layer = layer(cell, bidirectional);
        int out = layer.rnnConfig().outputSize();
        batches = switch (layout) {
            case "mixed" -> {
                int[] lengths = new int[1 + SHORT_ROWS];
                Arrays.fill(lengths, SHORT);
                lengths[0] = LONG;
                yield new Batch[] {batch(LONG, lengths.length, lengths, out, 1)};
            }
            case "apart" -> new Batch[] {batch(LONG, 1, null, out, 1), batch(SHORT, SHORT_ROWS, null, out, 2)};
            case "uniform" -> new Batch[] {batch(LONG, 1 + SHORT_ROWS, null, out, 1)};
            case "uniformLengths" -> {
                int[] lengths = new int[1 + SHORT_ROWS];
                Arrays.fill(lengths, LONG);
                yield new Batch[] {batch(LONG, lengths.length, lengths, out, 1)};
            }
            default -> throw new IllegalArgumentException("layout '" + layout + "': expected mixed, apart, uniform or uniformLengths");
        };
        if (step.equals("forward")) {
            layer.eval();
        } else if (!step.equals("train")) {
            throw new IllegalArgumentException("step '" + step + "': expected train or forward");
        }
        tape = new Tape();
    }

    static RecurrentLayer layer(String cell, boolean bidirectional) {
        return switch (cell) {
            case "rnn" -> RNN.builder(INPUT, HIDDEN).bidirectional(bidirectional).seed(1).build();
            case "lstm" -> LSTM.builder(INPUT, HIDDEN).bidirectional(bidirectional).seed(1).build();
            case "gru" -> GRU.builder(INPUT, HIDDEN).bidirectional(bidirectional).seed(1).build();
            default -> throw new IllegalArgumentException("cell '" + cell + "': expected rnn, lstm or gru");
        };
    }

    private static Batch batch(int steps, int rows, int[] lengths, int out, long seed) {
        Tensor x = Tensor.normal(0f, 1f, seed, steps, rows, INPUT);
        Tensor target = Tensor.normal(0f, 1f, seed + 100, steps, rows, out);
        return new Batch(x, lengths, target, lengths == null ? null : SequenceMask.of(lengths, steps, false));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tape.close();
        EngineThreads.setThreads(threadsBefore);
    }

    @Benchmark
    public float op() {
        float sum = 0f;
        if (step.equals("forward")) {
            try (Tape.NoGrad ignored = tape.noGrad()) {
                for (Batch b : batches) {
                    sum += layer.forward(b.x, b.lengths).hn().data()[0];
                }
            }
            tape.reset();
            return sum;
        }
        layer.zeroGrad();
        for (Batch b : batches) {
            RecurrentOutput out = layer.forward(b.x, b.lengths);
            Tensor loss = b.mask == null ? Ops.mseLoss(out.output(), b.target)
                    : Ops.mseLoss(out.output(), b.target, b.mask, Reduction.MEAN);
            tape.backward(loss);
            sum += loss.item();
            tape.reset();
        }
        return sum;
    }
}
