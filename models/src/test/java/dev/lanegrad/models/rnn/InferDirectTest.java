package dev.lanegrad.models.rnn;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An inference pass over a batch without lengths reads x where it lies and, unidirectional, writes its last
 * layer's states straight into the caller's output (LayerStack, RnnWorkspace.direct): the same bits as the
 * pass that copies, also when the caller's output shares an array with x or h_n (then it copies), and the
 * history it skips stays unwritten.
 */
class InferDirectTest {

    private static final int I = 6;
    private static final int H = 6;

    /**
     * Sizes 6 and 32 (I == H, so out may lie over x), each with the input projected before the loop and step by
     * step (where the fused LSTM step reads x while it writes h: out over x must then be copied first).
     */
    @Property(tries = 40, seed = "41")
    void directEqualsCopied(@ForAll RnnMode mode, @ForAll @IntRange(min = 1, max = 2) int layers,
                            @ForAll @IntRange(min = 1, max = 5) int steps, @ForAll @IntRange(min = 1, max = 16) int batch,
                            @ForAll @IntRange(max = 5) int offset, @ForAll boolean wide, @ForAll boolean stepwise,
                            @ForAll long seed) {
        int minRows = StepProjection.minRows;
        try {
            StepProjection.minRows = stepwise ? 1 : Integer.MAX_VALUE;
            check(mode, layers, steps, batch, offset, wide ? 32 : 6, seed);
        } finally {
            StepProjection.minRows = minRows;
        }
    }

    /** The case that needs the copy: the fused LSTM step (32 units: two blocks even at 16 lanes) with out over x. */
    @Example
    void fusedStepWithOutOverX() {
        int minRows = StepProjection.minRows;
        try {
            StepProjection.minRows = 1;
            check(RnnMode.LSTM, 1, 3, 12, 2, 32, 5L);
        } finally {
            StepProjection.minRows = minRows;
        }
    }

    private static void check(RnnMode mode, int layers, int steps, int batch, int offset, int size, long seed) {
        final int I = size;
        final int H = size;
        RnnConfig cfg = new RnnConfig(mode, I, H, layers, true, false, 0f);
        Rnn rnn = new Rnn(RnnParameters.initUniform(cfg, seed));
        Random r = new Random(seed);
        int n = steps * batch * I;
        float[] xs = new float[offset + n];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) r.nextGaussian();
        }
        FloatView x = new FloatView(xs, offset, new int[] {steps, batch, I});
        FloatView h0 = FloatView.of(values(r, layers * batch * H), layers, batch, H);
        FloatView c0 = mode.hasCell() ? FloatView.of(values(r, layers * batch * H), layers, batch, H) : null;

        // the reference: a training forward, which packs and copies
        FloatView out = FloatView.zeros(steps, batch, H);
        FloatView hn = FloatView.zeros(layers, batch, H);
        FloatView cn = mode.hasCell() ? FloatView.zeros(layers, batch, H) : null;
        rnn.forward(new RnnWorkspace(), x, null, h0, c0, false, 0L, out, hn, cn);

        // direct: out in an array of its own, at an offset
        float[] own = new float[3 + n];
        FloatView outDirect = new FloatView(own, 3, new int[] {steps, batch, H});
        FloatView hnDirect = FloatView.zeros(layers, batch, H);
        rnn.infer(new RnnWorkspace(), x, null, h0, c0, outDirect, hnDirect, null);
        assertArrayEquals(out.toArray(), outDirect.toArray(), "output written straight into out");
        assertArrayEquals(hn.toArray(), hnDirect.toArray(), "h_n read back from out");

        // out over x itself (I == H): the pass must read x before it is overwritten, so it copies
        float[] shared = xs.clone();
        FloatView xOut = new FloatView(shared, offset, new int[] {steps, batch, I});
        FloatView hnShared = FloatView.zeros(layers, batch, H);
        rnn.infer(new RnnWorkspace(), xOut, null, h0, c0, xOut, hnShared, null);
        assertArrayEquals(out.toArray(), xOut.toArray(), "output over the input");
        assertArrayEquals(hn.toArray(), hnShared.toArray());

        // h_n in out's array, past the output
        float[] both = new float[n + layers * batch * H];
        FloatView outBoth = new FloatView(both, 0, new int[] {steps, batch, H});
        FloatView hnBoth = new FloatView(both, n, new int[] {layers, batch, H});
        rnn.infer(new RnnWorkspace(), x, null, h0, c0, outBoth, hnBoth, null);
        assertArrayEquals(out.toArray(), outBoth.toArray(), "output beside h_n");
        assertArrayEquals(hn.toArray(), hnBoth.toArray(), "h_n beside the output");
    }

    @Example
    void theSkippedHistoryStaysUnwritten() {
        int steps = 4, batch = 12; // >= Rnn.SPLIT_MIN_ROWS: never a StepPair (whose steps keep the history)
        RnnConfig cfg = new RnnConfig(RnnMode.GRU, I, H, 1, true, false, 0f);
        Rnn rnn = new Rnn(RnnParameters.initUniform(cfg, 3L));
        FloatView x = FloatView.of(values(new Random(1), steps * batch * I), steps, batch, I);
        RnnWorkspace ws = new RnnWorkspace();
        FloatView out = FloatView.zeros(steps, batch, H);
        rnn.infer(ws, x, null, null, null, out, null, null);
        float[] history = ws.hs[0];
        for (int i = batch * H; i < (steps + 1) * batch * H; i++) {
            assertEquals(0f, history[i], "history float " + i + " written: the states did not go straight to out");
        }
        float[] again = Arrays.copyOf(out.toArray(), steps * batch * H);
        rnn.forward(ws, x, null, null, null, false, 0L, out, null, null);
        assertArrayEquals(again, out.toArray(), "the training forward (which keeps the history) agrees");
    }

    private static float[] values(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
