package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.rnn.RnnConfig;
import dev.lanegrad.models.rnn.RnnMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the layers promise beyond gradients: streaming, cells, batch rows, TBPTT, several uses per step. */
class LayerBehaviourTest {

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol * (1 + Math.abs(expected[i])),
                    what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
        }
    }

    /** out [T, B, F] time-major: the values of row b over steps [0, len). */
    static float[] row(float[] out, int t, int b, int f, int row, int len, boolean batchFirst) {
        float[] r = new float[len * f];
        for (int s = 0; s < len; s++) {
            int src = batchFirst ? (row * t + s) * f : (s * b + row) * f;
            System.arraycopy(out, src, r, s * f, f);
        }
        return r;
    }

    /** state [S, B, H]: row b -> [S, H]. */
    static float[] stateRow(float[] st, int s, int b, int h, int row) {
        float[] r = new float[s * h];
        for (int i = 0; i < s; i++) {
            System.arraycopy(st, (i * b + row) * h, r, i * h, h);
        }
        return r;
    }

    @Property(tries = 25)
    void streamingEqualsTheWholeSequence(@ForAll("modes") RnnMode mode, @ForAll @IntRange(min = 1, max = 3) int layers,
                                         @ForAll @IntRange(min = 1, max = 6) int t, @ForAll @IntRange(min = 1, max = 3) int b,
                                         @ForAll @LongRange(min = 0, max = 1000) long seed) {
        RnnConfig cfg = new RnnConfig(mode, 3, 5, layers, true, false, 0f);
        RecurrentLayer l = RecurrentLayer.of(cfg, false, seed);
        Tensor x = Tensor.uniform(-1, 1, seed + 1, t, b, 3);
        float[] full;
        float[] hn;
        try (Tape tape = new Tape(); var ng = tape.noGrad()) {
            RecurrentOutput o = l.forward(x);
            full = o.output().toArray();
            hn = o.hn().toArray();
        }
        RecurrentStream stream = l.newStream(b);
        float[] got = new float[t * b * 5];
        for (int s = 0; s < t; s++) {
            stream.step(x.data(), s * b * 3, got, s * b * 5);
        }
        assertClose(full, got, 1e-5, mode + " streamed output");
        assertClose(hn, stream.h(), 1e-5, mode + " streamed h");
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<RnnMode> modes() {
        return net.jqwik.api.Arbitraries.of(RnnMode.values());
    }

    @Test
    void manyThreadsStreamAtOnceOverSharedWeights() throws Exception {
        LSTM lstm = LSTM.builder(4, 8).numLayers(2).seed(3).build();
        int t = 20;
        int streams = 6;
        List<float[]> expected = new ArrayList<>();
        List<Tensor> inputs = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            Tensor x = Tensor.uniform(-1, 1, 100 + i, t, 1, 4);
            inputs.add(x);
            try (Tape tape = new Tape(); var ng = tape.noGrad()) {
                expected.add(lstm.forward(x).output().toArray());
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                Tensor x = inputs.get(i);
                results.add(pool.submit(() -> {
                    RecurrentStream s = lstm.newStream(1);
                    float[] out = new float[t * 8];
                    for (int step = 0; step < t; step++) {
                        s.step(x.data(), step * 4, out, step * 8);
                    }
                    return out;
                }));
            }
            for (int i = 0; i < streams; i++) {
                assertClose(expected.get(i), results.get(i).get(), 1e-5, "stream " + i);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void bidirectionalStacksCannotStream() {
        LSTM lstm = LSTM.builder(2, 3).bidirectional(true).build();
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> lstm.newStream(1));
        assertTrue(e.getMessage().contains("unidirectional"), e.getMessage());
    }

    @Test
    void cellsEqualAOneLayerOneStepLayer() {
        int b = 3;
        Tensor x = Tensor.uniform(-1, 1, 1, b, 4);
        Tensor h = Tensor.uniform(-1, 1, 2, b, 5);
        Tensor c = Tensor.uniform(-1, 1, 3, b, 5);
        LSTMCell lc = new LSTMCell(4, 5, true, 9);
        GRUCell gc = new GRUCell(4, 5, true, 9);
        RNNCell rc = new RNNCell(4, 5, true, true, 9);
        List<RecurrentCell> cells = List.of(lc, gc, rc);
        List<RecurrentLayer> layers = List.of(new LSTM(4, 5), new GRU(4, 5), RNN.builder(4, 5).nonlinearity("relu").build());
        try (Tape tape = new Tape()) {
            for (int i = 0; i < 3; i++) {
                RecurrentCell cell = cells.get(i);
                RecurrentLayer layer = layers.get(i);
                // same weights: weight_ih -> weight_ih_l0 ...
                cell.namedParameters().forEach((name, p) ->
                        System.arraycopy(p.data(), 0, layer.parameter(name + "_l0").data(), 0, p.size()));
                boolean lstm = cell instanceof LSTMCell;
                RecurrentOutput o = layer.forward(x.reshape(1, b, 4), null, h.reshape(1, b, 5), lstm ? c.reshape(1, b, 5) : null);
                Tensor ch;
                Tensor cc = null;
                if (cell instanceof LSTMCell l) {
                    LSTMCell.Output out = l.forward(x, h, c);
                    ch = out.h();
                    cc = out.c();
                } else if (cell instanceof GRUCell g) {
                    ch = g.forward(x, h);
                } else {
                    ch = ((RNNCell) cell).forward(x, h);
                }
                assertArrayEquals(o.output().toArray(), ch.toArray(), cell.getClass().getSimpleName());
                assertArrayEquals(o.hn().toArray(), ch.toArray());
                if (lstm) {
                    assertArrayEquals(o.cn().toArray(), cc.toArray());
                } else {
                    assertNull(o.cn());
                }
            }
        }
    }

    @Property(tries = 25)
    void rowBOfABatchEqualsThatSequenceAlone(@ForAll("modes") RnnMode mode, @ForAll boolean bidirectional,
                                             @ForAll boolean batchFirst, @ForAll @IntRange(min = 1, max = 5) int t,
                                             @ForAll @IntRange(min = 2, max = 4) int b, @ForAll @LongRange(min = 0, max = 1000) long seed) {
        RnnConfig cfg = new RnnConfig(mode, 3, 4, 2, true, bidirectional, 0f);
        RecurrentLayer l = RecurrentLayer.of(cfg, batchFirst, seed);
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        int[] lengths = RandomLengths.of(r, b, t);
        Tensor x = Tensor.uniform(-1, 1, seed, batchFirst ? new int[] {b, t, 3} : new int[] {t, b, 3});
        int f = cfg.outputSize();
        int s = cfg.stateCount();
        try (Tape tape = new Tape(); var ng = tape.noGrad()) {
            RecurrentOutput all = l.forward(x, lengths);
            float[] out = all.output().toArray();
            for (int row = 0; row < b; row++) {
                int len = lengths[row];
                float[] alone = row(x.toArray(), t, b, 3, row, len, batchFirst);
                Tensor xi = Tensor.fromArray(alone, batchFirst ? new int[] {1, len, 3} : new int[] {len, 1, 3});
                RecurrentOutput one = l.forward(xi);
                assertClose(one.output().toArray(), row(out, t, b, f, row, len, batchFirst), 1e-5, "row " + row + " output");
                float[] padded = row(out, t, b, f, row, t, batchFirst);
                for (int i = len * f; i < padded.length; i++) {
                    assertEquals(0f, padded[i], "row " + row + ": zero past its length");
                }
                assertClose(one.hn().toArray(), stateRow(all.hn().toArray(), s, b, 4, row), 1e-5, "row " + row + " h_n");
                if (mode == RnnMode.LSTM) {
                    assertClose(one.cn().toArray(), stateRow(all.cn().toArray(), s, b, 4, row), 1e-5, "row " + row + " c_n");
                }
            }
        }
    }

    @Test
    void truncatedBpttCarriesTheStateIntoReusedLeaves() {
        LSTM lstm = LSTM.builder(3, 4).numLayers(2).seed(5).build();
        Tensor x = Tensor.uniform(-1, 1, 7, 8, 2, 3);
        float[] whole;
        try (Tape tape = new Tape(); var ng = tape.noGrad()) {
            whole = lstm.forward(x).output().toArray();
        }
        State carried = State.zeros(lstm, 2);
        Tensor hBefore = carried.h();
        float[] windows = new float[whole.length];
        try (Tape tape = new Tape()) {
            for (int w = 0; w < 2; w++) {
                RecurrentOutput o = lstm.forward(x.slice(4 * w, 4 * w + 4), null, carried);
                System.arraycopy(o.output().toArray(), 0, windows, w * 4 * 2 * 4, 4 * 2 * 4);
                Tape.current().backward(Ops.sum(o.output()));
                State next = o.detachedState(carried);
                assertTrue(next == carried && next.h() == hBefore, "the carried state reuses its leaves");
                assertTrue(!next.h().requiresGrad(), "cut from the tape");
                tape.reset();
            }
        }
        assertClose(whole, windows, 1e-5, "two windows with a carried state = one pass");
    }

    @Test
    void aLayerUsedTwiceInOneStepGetsTheSumOfBothGradients() {
        GRU gru = GRU.builder(3, 4).bidirectional(true).seed(2).build();
        Tensor x1 = Tensor.uniform(-1, 1, 1, 5, 2, 3);
        Tensor x2 = Tensor.uniform(-1, 1, 2, 3, 2, 3);
        List<float[]> separate = new ArrayList<>();
        try (Tape tape = new Tape()) {
            for (Tensor x : List.of(x1, x2)) {
                tape.backward(Ops.sum(gru.forward(x).output()));
                tape.reset();
            }
            for (Tensor p : gru.parameters()) {
                separate.add(p.gradToArray());
            }
            gru.zeroGrad();
            Tensor loss = Ops.add(Ops.sum(gru.forward(x1).output()), Ops.sum(gru.forward(x2).output()));
            tape.backward(loss);
            List<Tensor> ps = gru.parameters();
            for (int i = 0; i < ps.size(); i++) {
                assertClose(separate.get(i), ps.get(i).gradToArray(), 1e-5, ps.get(i).name());
            }
        }
    }

    @Test
    void dropoutOnlyInTrainingAndSeeded() {
        LSTM a = LSTM.builder(3, 4).numLayers(2).dropout(0.5f).seed(1).build();
        LSTM b = LSTM.builder(3, 4).numLayers(2).dropout(0.5f).seed(1).build();
        Tensor x = Tensor.uniform(-1, 1, 3, 4, 2, 3);
        try (Tape tape = new Tape(); var ng = tape.noGrad()) {
            float[] a1 = a.forward(x).output().toArray();
            float[] a2 = a.forward(x).output().toArray();
            float[] b1 = b.forward(x).output().toArray();
            assertArrayEquals(a1, b1, "same seed, same masks");
            assertTrue(!java.util.Arrays.equals(a1, a2), "the dropout seed advances per call");
            a.eval();
            b.eval();
            assertArrayEquals(a.forward(x).output().toArray(), b.forward(x).output().toArray());
            assertArrayEquals(a.forward(x).output().toArray(), a.forward(x).output().toArray(), "eval: no dropout");
        }
    }

    @Test
    void embeddingPaddingRowIsZeroAndGetsNoGradient() {
        Embedding e = new Embedding(5, 3, 2, 11);
        assertArrayEquals(new float[3], java.util.Arrays.copyOfRange(e.weight().data(), 6, 9));
        try (Tape tape = new Tape()) {
            tape.backward(Ops.sum(e.forward(new int[] {2, 1, 2, 4}, 2, 2)));
            float[] g = e.weight().gradToArray();
            assertArrayEquals(new float[3], java.util.Arrays.copyOfRange(g, 6, 9));
            assertEquals(1f, g[3]);
        }
    }

    @Test
    void dropoutModuleIsSeededAndTheIdentityInEval() {
        Tensor x = Tensor.ones(4, 50);
        try (Tape tape = new Tape()) {
            Dropout a = new Dropout(0.5f, 3);
            Dropout b = new Dropout(0.5f, 3);
            float[] a1 = a.forward(x).toArray();
            assertArrayEquals(a1, b.forward(x).toArray(), "same seed, same mask");
            assertTrue(!java.util.Arrays.equals(a1, a.forward(x).toArray()), "the seed advances per call");
            for (float v : a1) {
                assertTrue(v == 0f || v == 2f, "inverted dropout scales kept values by 1/(1-p)");
            }
            a.eval();
            assertTrue(a.forward(x) == x, "eval: the identity");
        }
    }

    @Test
    void inferenceOnSeveralThreadsAtOnceOverSharedWeights() throws Exception {
        GRU gru = GRU.builder(3, 6).numLayers(2).bidirectional(true).seed(8).build();
        gru.eval();
        Tensor x = Tensor.uniform(-1, 1, 5, 7, 3, 3);
        float[] expected;
        try (Tape tape = new Tape(); var ng = tape.noGrad()) {
            expected = gru.forward(x).output().toArray();
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Boolean>> runs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                runs.add(pool.submit(() -> {
                    boolean same = true;
                    try (Tape tape = new Tape(); var ng = tape.noGrad()) {
                        for (int k = 0; k < 20; k++) {
                            same &= java.util.Arrays.equals(expected, gru.forward(x).output().toArray());
                            tape.reset();
                        }
                    }
                    return same;
                }));
            }
            for (Future<Boolean> r : runs) {
                assertTrue(r.get(), "every thread computes the same output");
            }
        } finally {
            pool.shutdown();
        }
    }
}
