package dev.lanegrad.bench;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Reduction;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.GRU;
import dev.lanegrad.models.nn.LSTM;
import dev.lanegrad.models.nn.RNN;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.nn.RecurrentOutput;
import dev.lanegrad.models.nn.SequenceMask;

import java.util.Arrays;

/**
 * One case of the mixed-length benchmarks ({@link MixedLengthBench}, {@link MixedLengthPairs}): the batches
 * of one layout for a recurrent layer (I=64, H=128 unless given), and one operation on them through the public API, a
 * training step (forward, masked MSE, backward) or an eval-mode forward.
 *
 * <ul>
 *   <li>{@code mixed}: 1 sequence of 100 steps and 31 of 10 in one batch [100, 32, I] with lengths (12.8% of
 *       the padded tokens), the loss masked to the valid positions</li>
 *   <li>{@code apart}: the same sequences as two uniform batches, [100, 1, I] and [10, 31, I], no lengths</li>
 *   <li>{@code uniform}: 32 sequences of 100, no lengths; {@code uniformLengths}: the same with lengths all 100
 *       and the (all-ones) mask</li>
 * </ul>
 */
final class MixedLengthCase {

    static final int INPUT = 64;
    static final int LONG = 100;
    static final int SHORT = 10;
    static final int SHORT_ROWS = 31;

    /** One batch of a layout: x [T, B, I], lengths or null, the target, and the loss mask (or null). */
    private record Batch(Tensor x, int[] lengths, Tensor target, Tensor mask) {
    }

    private final RecurrentLayer layer;
    private final boolean train;
    private final Batch[] batches;

    /** The batches of layout for layer; step is "train" or "forward" (which puts the layer in eval mode). */
    MixedLengthCase(RecurrentLayer layer, String layout, String step) {
        this.layer = layer;
        int out = layer.rnnConfig().outputSize();
        batches = switch (layout) {
            case "mixed" -> new Batch[] {batch(LONG, 1 + SHORT_ROWS, lengths(LONG, SHORT), out, 1)};
            case "apart" -> new Batch[] {batch(LONG, 1, null, out, 1), batch(SHORT, SHORT_ROWS, null, out, 2)};
            case "uniform" -> new Batch[] {batch(LONG, 1 + SHORT_ROWS, null, out, 1)};
            case "uniformLengths" -> new Batch[] {batch(LONG, 1 + SHORT_ROWS, lengths(LONG, LONG), out, 1)};
            default -> throw new IllegalArgumentException("layout '" + layout + "': expected mixed, apart, uniform or uniformLengths");
        };
        switch (step) {
            case "train" -> train = true;
            case "forward" -> {
                train = false;
                layer.eval();
            }
            default -> throw new IllegalArgumentException("step '" + step + "': expected train or forward");
        }
    }

    static RecurrentLayer layer(String cell, boolean bidirectional, int hidden) {
        return switch (cell) {
            case "rnn" -> RNN.builder(INPUT, hidden).bidirectional(bidirectional).seed(1).build();
            case "lstm" -> LSTM.builder(INPUT, hidden).bidirectional(bidirectional).seed(1).build();
            case "gru" -> GRU.builder(INPUT, hidden).bidirectional(bidirectional).seed(1).build();
            default -> throw new IllegalArgumentException("cell '" + cell + "': expected rnn, lstm or gru");
        };
    }

    /** 1 + SHORT_ROWS lengths: the first `first`, the others `rest`. */
    private static int[] lengths(int first, int rest) {
        int[] lengths = new int[1 + SHORT_ROWS];
        Arrays.fill(lengths, rest);
        lengths[0] = first;
        return lengths;
    }

    private static Batch batch(int steps, int rows, int[] lengths, int out, long seed) {
        Tensor x = Tensor.normal(0f, 1f, seed, steps, rows, INPUT);
        Tensor target = Tensor.normal(0f, 1f, seed + 100, steps, rows, out);
        return new Batch(x, lengths, target, lengths == null ? null : SequenceMask.of(lengths, steps, false));
    }

    /** One training step or forward of every batch on tape (reset after each); returns a sum to consume. */
    float op(Tape tape) {
        float sum = 0f;
        if (!train) {
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
