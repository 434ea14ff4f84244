package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The recurrent op reuses the views it made for a pooled workspace when storage, offset and shape repeat
 * (RecurrentCore.Slot). Steps whose shapes, number of calls and gradient needs change from step to step,
 * on one long-lived tape and layer, must give bit for bit what a fresh layer on a fresh tape gives.
 */
class RecurrentViewReuseTest {

    private static final int I = 3, H = 5;

    /** {T, B, calls within the step, x requires grad (0/1), with h0/c0 (0/1)} */
    private static final int[][] STEPS = {
        {4, 2, 1, 0, 0}, {4, 2, 1, 0, 0}, {4, 2, 2, 0, 1}, {6, 2, 2, 1, 1}, {4, 3, 1, 1, 0}, {4, 2, 1, 0, 0},
        {4, 2, 2, 1, 0}, {6, 3, 1, 0, 1}, {4, 2, 1, 0, 0}, {4, 2, 1, 0, 0},
    };

    private static RecurrentLayer layer(String kind) {
        return switch (kind) {
            case "lstm" -> LSTM.builder(I, H).numLayers(2).seed(7).build();
            case "lstm-batch-first" -> LSTM.builder(I, H).numLayers(2).batchFirst(true).seed(7).build();
            case "gru-bidirectional" -> GRU.builder(I, H).bidirectional(true).seed(7).build();
            default -> RNN.builder(I, H).batchFirst(true).seed(7).build();
        };
    }

    /** One step; returns the loss, then every parameter gradient, then the inputs' gradients. */
    private static List<float[]> step(RecurrentLayer layer, Tape tape, int s) {
        int[] c = STEPS[s];
        int t = c[0], b = c[1];
        boolean bf = layer.batchFirst();
        layer.zeroGrad();
        List<Tensor> leaves = new ArrayList<>();
        Tensor loss = null;
        for (int call = 0; call < c[2]; call++) {
            long seed = 100L * s + call;
            Tensor x = (bf ? Tensor.uniform(-1, 1, seed, b, t, I) : Tensor.uniform(-1, 1, seed, t, b, I)).requiresGrad(c[3] == 1);
            Tensor h0 = null, c0 = null;
            if (c[4] == 1) {
                int states = layer.numLayers() * (layer.bidirectional() ? 2 : 1);
                h0 = Tensor.uniform(-1, 1, seed + 1, states, b, H).requiresGrad(true);
                c0 = layer instanceof LSTM ? Tensor.uniform(-1, 1, seed + 2, states, b, H).requiresGrad(true) : null;
                leaves.add(h0);
                if (c0 != null) {
                    leaves.add(c0);
                }
            }
            leaves.add(x);
            RecurrentOutput out = layer.forward(x, null, h0, c0);
            Tensor target = Tensor.uniform(-1, 1, seed + 3, out.output().shape());
            Tensor l = Ops.add(Ops.mseLoss(out.output(), target), Ops.sum(out.hn()));
            loss = loss == null ? l : Ops.add(loss, l);
        }
        tape.backward(loss);
        List<float[]> result = new ArrayList<>();
        result.add(loss.toArray());
        for (Tensor p : layer.parameters()) {
            result.add(p.gradToArray());
        }
        for (Tensor leaf : leaves) {
            result.add(leaf.requiresGrad() ? leaf.gradToArray() : new float[0]);
        }
        tape.reset();
        return result;
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "lstm-batch-first", "gru-bidirectional", "rnn-batch-first"})
    void aReusedLayerOnOneTapeMatchesAFreshLayerEveryStep(String kind) {
        RecurrentLayer reused = layer(kind);
        try (Tape tape = new Tape()) {
            for (int round = 0; round < 3; round++) {
                for (int s = 0; s < STEPS.length; s++) {
                    List<float[]> got = step(reused, tape, s);
                    List<float[]> expected;
                    RecurrentLayer fresh = layer(kind);
                    try (Tape own = new Tape()) {
                        expected = step(fresh, own, s);
                    }
                    assertEquals(expected.size(), got.size());
                    for (int k = 0; k < got.size(); k++) {
                        assertArrayEquals(expected.get(k), got.get(k), kind + " round " + round + " step " + s + " array " + k);
                    }
                }
            }
        }
    }
}
