package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Reduction;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.optim.Adam;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Masked losses over right-padded sequences: with {@link SequenceMask}, MSE and cross-entropy average over
 * the valid positions only, so their values and gradients equal the plain losses over the valid positions
 * gathered apart, and padded positions get a zero gradient.
 */
class MaskedLossTest {

    @Property(tries = 40, seed = "15")
    void maskedMseIsTheMseOfTheValidPositions(@ForAll @IntRange(min = 1, max = 6) int steps,
                                              @ForAll @IntRange(min = 1, max = 4) int batch,
                                              @ForAll @IntRange(min = 1, max = 3) int features,
                                              @ForAll boolean batchFirst, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] lengths = RandomLengths.of(random, batch, steps);
        int valid = Arrays.stream(lengths).sum();
        int[] shape = batchFirst ? new int[] {batch, steps, features} : new int[] {steps, batch, features};
        Tensor p = Tensor.uniform(-1, 1, random.nextLong(), shape).requiresGrad(true);
        Tensor t = Tensor.uniform(-1, 1, random.nextLong(), shape);
        // the valid positions gathered apart, in (b, t) order
        float[] pv = new float[valid * features];
        float[] tv = new float[valid * features];
        int[] at = new int[valid];
        int k = 0;
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < lengths[b]; s++) {
                int row = batchFirst ? b * steps + s : s * batch + b;
                System.arraycopy(p.data(), row * features, pv, k * features, features);
                System.arraycopy(t.data(), row * features, tv, k * features, features);
                at[k++] = row;
            }
        }
        Tensor pApart = Tensor.fromArray(pv, valid, features).requiresGrad(true);
        try (Tape tape = new Tape()) {
            Tensor masked = Ops.mseLoss(p, t, SequenceMask.of(lengths, steps, batchFirst), Reduction.MEAN);
            Tensor apart = Ops.mseLoss(pApart, Tensor.fromArray(tv, valid, features));
            assertEquals(apart.item(), masked.item(), 1e-6 * (1 + apart.item()), "loss");
            // one backward through both: p and pApart are separate leaves
            tape.backward(Ops.add(masked, apart));
        }
        float[] g = p.gradToArray();
        float[] expected = new float[g.length];
        for (int i = 0; i < valid; i++) {
            System.arraycopy(pApart.gradToArray(), i * features, expected, at[i] * features, features);
        }
        for (int i = 0; i < g.length; i++) {
            assertEquals(expected[i], g[i], 1e-6, "grad[" + i + "] (zero at padded positions)");
        }
    }

    @Test
    void maskIsOneExactlyAtValidPositions() {
        assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0}, SequenceMask.of(new int[] {3, 1}, 3, true).toArray());
        assertArrayEquals(new float[] {1, 1, 1, 0, 1, 0}, SequenceMask.of(new int[] {3, 1}, 3, false).toArray());
        assertArrayEquals(new int[] {3, 2}, SequenceMask.of(new int[] {3, 1}, 3, false).shape());
    }

    /** The snippet of docs/recurrent.md, kept compiling and running. */
    @Test
    void docsSnippetTrainsOnMixedLengths() {
        // a batch of 3 right-padded sequences of lengths 5, 2 and 4 (batch-first [B, T, F])
        int[] lengths = {5, 2, 4};
        GRU gru = GRU.builder(8, 16).batchFirst(true).seed(1).build();
        Linear head = new Linear(16, 1, true, 2);
        List<Tensor> params = new ArrayList<>(gru.parameters());
        params.addAll(head.parameters());
        Adam adam = new Adam(params, 1e-2f);
        Tensor x = Tensor.uniform(-1, 1, 3, 3, 5, 8);              // [B=3, T=5, 8], padding anywhere past a length
        Tensor y = Tensor.uniform(-1, 1, 4, 3, 5, 1);              // [B, T, 1]
        Tensor mask = SequenceMask.of(lengths, 5, true);            // [B, T]: 1 at valid positions
        float first = 0;
        float last = 0;
        try (Tape tape = new Tape()) {
            for (int step = 0; step < 20; step++) {
                RecurrentOutput out = gru.forward(x, lengths);      // work on the 11 valid tokens only
                Tensor loss = Ops.mseLoss(head.forward(out.output()), y, mask, Reduction.MEAN);
                tape.backward(loss);
                adam.step();
                adam.zeroGrad();
                if (step == 0) {
                    first = loss.item();
                }
                last = loss.item();
                tape.reset();
            }
        }
        assertTrue(last < first, "training lowers the masked loss: " + first + " -> " + last);
    }
}
