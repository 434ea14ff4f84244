package dev.lanegrad.models.determinism;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.GRU;
import dev.lanegrad.models.nn.LSTM;
import dev.lanegrad.models.nn.Linear;
import dev.lanegrad.models.nn.RecurrentOutput;
import dev.lanegrad.models.optim.Adam;
import dev.lanegrad.models.optim.GradClip;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small whole training run touching every kernel family: a 2-layer LSTM, a bidirectional GRU, a Linear
 * head, cross-entropy (softmax: exp, log), gradient clipping and Adam. Returns every weight after training
 * followed by every step's loss, so that two runs can be compared bit for bit. {@link #main} prints a
 * digest of the result, for a run in another JVM (interpreted with -Xint, or another process).
 */
public final class DeterminismProbe {

    private DeterminismProbe() {
    }

    public static float[] train(int input, int hidden, int batch, int steps, int classes, int seqLen) {
        LSTM lstm = LSTM.builder(input, hidden).numLayers(2).seed(11).build();
        GRU gru = GRU.builder(hidden, hidden).bidirectional(true).seed(12).build();
        Linear head = new Linear(2 * hidden, classes, true, 13);
        List<Tensor> params = new ArrayList<>(lstm.parameters());
        params.addAll(gru.parameters());
        params.addAll(head.parameters());
        Adam adam = new Adam(params, 1e-2f);
        Tensor x = Tensor.uniform(-2, 2, 14, seqLen, batch, input);
        int[] targets = new SplittableRandom(15).ints(seqLen * batch, 0, classes).toArray();
        float[] losses = new float[steps];
        try (Tape tape = new Tape()) {
            for (int step = 0; step < steps; step++) {
                RecurrentOutput a = lstm.forward(x, null, null);
                RecurrentOutput b = gru.forward(a.output(), null, null);
                Tensor loss = Ops.crossEntropy(head.forward(b.output()), targets);
                losses[step] = loss.item();
                tape.backward(loss);
                GradClip.byGlobalNorm(params, 1.0);
                adam.step();
                adam.zeroGrad();
                tape.reset();
            }
        }
        int size = steps;
        for (Tensor p : params) {
            size += p.size();
        }
        float[] out = new float[size];
        int at = 0;
        for (Tensor p : params) {
            float[] v = p.toArray();
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        System.arraycopy(losses, 0, out, at, steps);
        return out;
    }

    /** FNV-1a over the float bits: equal digests mean equal bits (collisions aside). */
    public static String digest(float[] values) {
        long h = 0xcbf29ce484222325L;
        for (float v : values) {
            h = (h ^ Float.floatToRawIntBits(v)) * 0x100000001b3L;
        }
        return Long.toHexString(h) + "/" + values.length;
    }

    /** The small case's digest: what a run in another JVM prints. */
    public static String smallCase() {
        return digest(train(6, 20, 3, 3, 5, 5));
    }

    public static void main(String[] args) {
        System.out.println(smallCase());
    }
}
