package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.KernelProvider;
import dev.lanegrad.engine.Kernels;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Semantics beyond the golden files: streaming, batching, padding, direction, dropout, workspace reuse. */
class RnnBehaviourTest {

    static void assertClose(String what, float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(expected[i] - actual[i]);
            int at = i;
            assertTrue(diff <= tol * (1 + Math.abs(expected[i])),
                    () -> what + "[" + at + "] = " + actual[at] + ", expected " + expected[at]);
        }
    }

    static void assertRunsClose(String what, RnnProblem.Run a, RnnProblem.Run b, double tol) {
        assertClose(what + " output", a.out.toArray(), b.out.toArray(), tol);
        assertClose(what + " h_n", a.hn.toArray(), b.hn.toArray(), tol);
        if (a.cn != null) {
            assertClose(what + " c_n", a.cn.toArray(), b.cn.toArray(), tol);
        }
        if (a.grads != null) {
            for (String name : a.grads.names()) {
                assertClose(what + " grad." + name, a.grads.get(name), b.grads.get(name), tol);
            }
            assertClose(what + " grad.x", a.dx.toArray(), b.dx.toArray(), tol);
            assertClose(what + " grad.h0", a.dh0.toArray(), b.dh0.toArray(), tol);
            if (a.dc0 != null) {
                assertClose(what + " grad.c0", a.dc0.toArray(), b.dc0.toArray(), tol);
            }
        }
    }

    @Property(tries = 40, seed = "1")
    void steppingTTimesEqualsOneForward(@ForAll RnnMode mode, @ForAll @IntRange(min = 1, max = 2) int layers,
                                        @ForAll @IntRange(min = 1, max = 6) int steps, @ForAll @IntRange(min = 1, max = 3) int batch,
                                        @ForAll boolean bias, @ForAll long seed) {
        RnnConfig cfg = new RnnConfig(mode, 3, 5, layers, bias, false, 0.5f);
        RnnProblem pb = new RnnProblem(cfg, steps, batch, false, seed);
        Rnn rnn = new Rnn(pb.params);
        RnnProblem.Run full = pb.forward(rnn, new RnnWorkspace(), false, 0L);

        RnnStreamState state = rnn.newStreamState(batch);
        state.set(pb.h0View(), pb.c0View());
        int bi = batch * cfg.inputSize();
        int bh = batch * cfg.hiddenSize();
        float[] out = new float[bh];
        for (int t = 0; t < steps; t++) {
            rnn.step(state, new FloatView(pb.x, t * bi, new int[] {batch, cfg.inputSize()}), FloatView.of(out, batch, cfg.hiddenSize()));
            assertClose("step " + t, Arrays.copyOfRange(full.out.data(), t * bh, (t + 1) * bh), out, 1e-6);
        }
        assertClose("h", full.hn.toArray(), state.h().toArray(), 1e-6);
        if (state.c() != null) {
            assertClose("c", full.cn.toArray(), state.c().toArray(), 1e-6);
        }
    }

    @Property(tries = 40, seed = "2")
    void rowOfABatchEqualsThatSequenceAlone(@ForAll RnnMode mode, @ForAll @IntRange(min = 1, max = 2) int layers,
                                            @ForAll boolean bidirectional, @ForAll boolean withLengths,
                                            @ForAll @IntRange(min = 1, max = 5) int steps, @ForAll @IntRange(min = 1, max = 4) int batch,
                                            @ForAll long seed) {
        RnnConfig cfg = new RnnConfig(mode, 2, 3, layers, true, bidirectional, 0f);
        RnnProblem pb = new RnnProblem(cfg, steps, batch, withLengths, seed);
        Rnn rnn = new Rnn(pb.params);
        RnnProblem.Run all = pb.forwardBackward(rnn, new RnnWorkspace(), false, 0L);
        int I = cfg.inputSize();
        int H = cfg.hiddenSize();
        int DH = cfg.outputSize();
        int S = cfg.stateCount();
        for (int b = 0; b < batch; b++) {
            RnnProblem one = pb.row(b, seed);
            int len = one.steps;
            RnnProblem.Run alone = one.forwardBackward(new Rnn(one.params), new RnnWorkspace(), false, 0L);
            for (int t = 0; t < steps; t++) {
                float[] row = Arrays.copyOfRange(all.out.data(), (t * batch + b) * DH, (t * batch + b + 1) * DH);
                float[] xrow = Arrays.copyOfRange(all.dx.data(), (t * batch + b) * I, (t * batch + b + 1) * I);
                if (t < len) {
                    assertClose("row " + b + " output t=" + t, Arrays.copyOfRange(alone.out.data(), t * DH, (t + 1) * DH), row, 1e-6);
                    assertClose("row " + b + " grad.x t=" + t, Arrays.copyOfRange(alone.dx.data(), t * I, (t + 1) * I), xrow, 1e-5);
                } else {
                    assertArrayEquals(new float[DH], row, "output past the length of row " + b + " at t=" + t);
                    assertArrayEquals(new float[I], xrow, "grad.x past the length of row " + b + " at t=" + t);
                }
            }
            for (int s = 0; s < S; s++) {
                String where = "row " + b + " state " + s;
                assertClose(where + " h_n", Arrays.copyOfRange(alone.hn.data(), s * H, (s + 1) * H),
                        Arrays.copyOfRange(all.hn.data(), (s * batch + b) * H, (s * batch + b + 1) * H), 1e-6);
                assertClose(where + " grad.h0", Arrays.copyOfRange(alone.dh0.data(), s * H, (s + 1) * H),
                        Arrays.copyOfRange(all.dh0.data(), (s * batch + b) * H, (s * batch + b + 1) * H), 1e-5);
                if (pb.c0 != null) {
                    assertClose(where + " c_n", Arrays.copyOfRange(alone.cn.data(), s * H, (s + 1) * H),
                            Arrays.copyOfRange(all.cn.data(), (s * batch + b) * H, (s * batch + b + 1) * H), 1e-6);
                    assertClose(where + " grad.c0", Arrays.copyOfRange(alone.dc0.data(), s * H, (s + 1) * H),
                            Arrays.copyOfRange(all.dc0.data(), (s * batch + b) * H, (s * batch + b + 1) * H), 1e-5);
                }
            }
        }
    }

    @Property(tries = 40, seed = "3")
    void paddedValuesChangeNothing(@ForAll RnnMode mode, @ForAll @IntRange(min = 1, max = 2) int layers,
                                   @ForAll boolean bidirectional, @ForAll boolean dropout,
                                   @ForAll @IntRange(min = 2, max = 5) int steps, @ForAll @IntRange(min = 1, max = 4) int batch,
                                   @ForAll long seed) {
        RnnConfig cfg = new RnnConfig(mode, 2, 3, layers, true, bidirectional, dropout ? 0.4f : 0f);
        RnnProblem pb = new RnnProblem(cfg, steps, batch, true, seed);
        Rnn rnn = new Rnn(pb.params);
        RnnProblem.Run before = pb.forwardBackward(rnn, new RnnWorkspace(), true, seed);
        int I = cfg.inputSize();
        int DH = cfg.outputSize();
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                if (t >= pb.lengths[b]) {
                    for (int f = 0; f < I; f++) {
                        pb.x[(t * batch + b) * I + f] = 1e3f * (f + 1) - 77f * t;
                    }
                    for (int f = 0; f < DH; f++) {
                        pb.r[(t * batch + b) * DH + f] = 5e3f;
                    }
                }
            }
        }
        RnnProblem.Run after = pb.forwardBackward(rnn, new RnnWorkspace(), true, seed);
        assertRunsClose("padding", before, after, 0.0);
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                if (t >= pb.lengths[b]) {
                    int off = (t * batch + b) * DH;
                    assertArrayEquals(new float[DH], Arrays.copyOfRange(after.out.data(), off, off + DH), "output past length");
                }
            }
        }
    }

    @Property(tries = 30, seed = "4")
    void reverseDirectionIsTheForwardOneOnReversedInput(@ForAll RnnMode mode, @ForAll boolean withLengths,
                                                        @ForAll @IntRange(min = 1, max = 5) int steps,
                                                        @ForAll @IntRange(min = 1, max = 3) int batch, @ForAll long seed) {
        RnnConfig bi = new RnnConfig(mode, 2, 3, 1, true, true, 0f);
        RnnConfig uni = bi.withBidirectional(false);
        RnnProblem pb = new RnnProblem(bi, steps, batch, withLengths, seed);
        RnnProblem.Run both = pb.forward(new Rnn(pb.params), new RnnWorkspace(), false, 0L);

        RnnParameters reverseOnly = new RnnParameters(uni);
        for (String name : reverseOnly.names()) {
            reverseOnly.set(name, pb.params.get(name + "_reverse"));
        }
        int I = bi.inputSize();
        int H = bi.hiddenSize();
        float[] xr = new float[pb.x.length];
        for (int b = 0; b < batch; b++) {
            int len = withLengths ? pb.lengths[b] : steps;
            for (int t = 0; t < len; t++) {
                System.arraycopy(pb.x, (t * batch + b) * I, xr, ((len - 1 - t) * batch + b) * I, I);
            }
        }
        FloatView h0r = new FloatView(pb.h0, batch * H, new int[] {1, batch, H});
        FloatView c0r = pb.c0 == null ? null : new FloatView(pb.c0, batch * H, new int[] {1, batch, H});
        Rnn.Result rev = new Rnn(reverseOnly).run(FloatView.of(xr, steps, batch, I), pb.lengths, h0r, c0r);
        for (int b = 0; b < batch; b++) {
            int len = withLengths ? pb.lengths[b] : steps;
            for (int t = 0; t < len; t++) {
                int src = ((len - 1 - t) * batch + b) * H;
                int dst = (t * batch + b) * 2 * H + H;
                assertClose("reverse output t=" + t + " b=" + b, Arrays.copyOfRange(rev.output().data(), src, src + H),
                        Arrays.copyOfRange(both.out.data(), dst, dst + H), 1e-6);
            }
            assertClose("reverse h_n b=" + b, Arrays.copyOfRange(rev.hn().data(), b * H, (b + 1) * H),
                    Arrays.copyOfRange(both.hn.data(), (batch + b) * H, (batch + b + 1) * H), 1e-6);
        }
    }

    @Test
    void dropoutIsSeededTrainingOnlyAndNeverAfterTheLastLayer() {
        RnnConfig cfg = new RnnConfig(RnnMode.LSTM, 3, 4, 2, true, true, 0.5f);
        RnnProblem pb = new RnnProblem(cfg, 5, 3, true, 11L);
        Rnn rnn = new Rnn(pb.params);
        float[] a = pb.forward(rnn, new RnnWorkspace(), true, 42L).out.toArray();
        float[] b = pb.forward(rnn, new RnnWorkspace(), true, 42L).out.toArray();
        float[] c = pb.forward(rnn, new RnnWorkspace(), true, 43L).out.toArray();
        float[] eval = pb.forward(rnn, new RnnWorkspace(), false, 42L).out.toArray();
        assertArrayEquals(a, b, "same seed, same masks");
        assertFalse(Arrays.equals(a, c), "another seed, other masks");
        assertFalse(Arrays.equals(a, eval), "training differs from eval");

        RnnConfig noDrop = cfg.withDropout(0f);
        RnnParameters same = new RnnParameters(noDrop);
        for (String name : same.names()) {
            same.set(name, pb.params.get(name));
        }
        float[] plain = new Rnn(same).run(pb.xView(), pb.lengths, pb.h0View(), pb.c0View()).output().toArray();
        assertArrayEquals(plain, eval, "eval ignores dropout");

        // p = 1 in training: layer 1 reads zeros, so its output is that of a zero input
        RnnConfig one = new RnnConfig(RnnMode.GRU, 2, 3, 2, true, false, 1f);
        RnnProblem p1 = new RnnProblem(one, 4, 2, false, 5L);
        float[] dropped = p1.forward(new Rnn(p1.params), new RnnWorkspace(), true, 9L).out.toArray();
        RnnConfig top = new RnnConfig(RnnMode.GRU, 3, 3, 1, true, false, 0f);
        RnnParameters topParams = new RnnParameters(top);
        for (String name : topParams.names()) {
            topParams.set(name, p1.params.get(name.replace("_l0", "_l1")));
        }
        float[] zeros = new Rnn(topParams).run(FloatView.zeros(4, 2, 3), null,
                new FloatView(p1.h0, 2 * 3, new int[] {1, 2, 3}), null).output().toArray();
        assertArrayEquals(zeros, dropped);
    }

    @Property(tries = 20, seed = "5")
    void aReusedWorkspaceGivesWhatAFreshOneGives(@ForAll RnnMode mode, @ForAll boolean bidirectional, @ForAll long seed) {
        RnnConfig cfg = new RnnConfig(mode, 3, 4, 2, true, bidirectional, 0.25f);
        Rnn rnn = new Rnn(RnnParameters.initUniform(cfg, seed));
        RnnWorkspace ws = new RnnWorkspace();
        int[][] shapes = {{6, 4}, {3, 2}, {6, 4}, {7, 5}, {2, 1}};
        for (int[] shape : shapes) {
            RnnProblem pb = new RnnProblem(cfg, shape[0], shape[1], (shape[0] & 1) == 1, seed + shape[0]);
            for (String name : pb.params.names()) {
                pb.params.set(name, rnn.parameters().get(name));
            }
            RnnProblem.Run reused = pb.forwardBackward(rnn, ws, true, seed);
            RnnProblem.Run fresh = pb.forwardBackward(rnn, new RnnWorkspace(), true, seed);
            assertRunsClose("T=" + shape[0] + " B=" + shape[1], fresh, reused, 0.0);
        }
    }

    @Test
    void backwardAccumulates() {
        RnnConfig cfg = new RnnConfig(RnnMode.LSTM, 3, 4, 2, true, true, 0f);
        RnnProblem pb = new RnnProblem(cfg, 4, 2, true, 3L);
        Rnn rnn = new Rnn(pb.params);
        RnnWorkspace ws = new RnnWorkspace();
        RnnProblem.Run once = pb.forwardBackward(rnn, ws, false, 0L);
        rnn.backward(ws, FloatView.of(pb.r, 4, 2, 8), FloatView.of(pb.rh, pb.stateShape()), FloatView.of(pb.rc, pb.stateShape()),
                once.grads, once.dx, once.dh0, once.dc0);
        RnnProblem.Run again = pb.forwardBackward(rnn, new RnnWorkspace(), false, 0L);
        for (String name : once.grads.names()) {
            float[] twice = again.grads.get(name).clone();
            for (int i = 0; i < twice.length; i++) {
                twice[i] *= 2;
            }
            assertClose("2 x grad." + name, twice, once.grads.get(name), 1e-6);
        }
        float[] dx2 = again.dx.toArray();
        for (int i = 0; i < dx2.length; i++) {
            dx2[i] *= 2;
        }
        assertClose("2 x grad.x", dx2, once.dx.toArray(), 1e-6);
    }

    @Test
    void defaultKernelsMatchTheScalarSpecification() {
        KernelProvider scalar = Kernels.scalar();
        for (RnnMode mode : RnnMode.values()) {
            RnnConfig cfg = new RnnConfig(mode, 5, 7, 2, true, true, 0.2f);
            RnnProblem pb = new RnnProblem(cfg, 6, 5, true, mode.ordinal());
            RnnProblem.Run spec = pb.forwardBackward(new Rnn(pb.params, scalar.gemm(), scalar.ops(), scalar.recurrent()),
                    new RnnWorkspace(), true, 8L);
            RnnProblem.Run fast = pb.forwardBackward(new Rnn(pb.params), new RnnWorkspace(), true, 8L);
            assertRunsClose(mode + " default vs scalar kernels", spec, fast, 1e-5);
        }
    }

    @Test
    void everythingMayLiveAtOffsetsOfLargerArrays() {
        RnnConfig cfg = new RnnConfig(RnnMode.GRU, 3, 4, 2, true, true, 0.2f);
        RnnProblem pb = new RnnProblem(cfg, 5, 3, true, 21L);
        RnnProblem.Run plain = pb.forwardBackward(new Rnn(pb.params), new RnnWorkspace(), true, 4L);

        // parameters and gradients in one flat buffer each, at odd offsets, like an optimizer's flat storage
        float[] flat = new float[(int) pb.params.count() + 64];
        float[] flatGrad = new float[flat.length];
        int[] at = {7};
        RnnParameters wrapped = RnnParameters.wrap(cfg, (name, shape) -> {
            FloatView v = new FloatView(flat, at[0], shape);
            at[0] += v.size() + 1;
            return v;
        });
        at[0] = 5;
        RnnParameters grads = RnnParameters.wrap(cfg, (name, shape) -> {
            FloatView v = new FloatView(flatGrad, at[0], shape);
            at[0] += v.size() + 3;
            return v;
        });
        for (String name : pb.params.names()) {
            wrapped.set(name, pb.params.get(name));
        }
        Rnn rnn = new Rnn(wrapped);
        FloatView x = shifted(pb.x, 11, pb.xShape());
        FloatView h0 = shifted(pb.h0, 2, pb.stateShape());
        FloatView out = shifted(new float[5 * 3 * 8], 9, 5, 3, 8);
        FloatView hn = shifted(new float[pb.h0.length], 4, pb.stateShape());
        RnnWorkspace ws = new RnnWorkspace();
        rnn.forward(ws, x, pb.lengths, h0, null, true, 4L, out, hn, null);
        FloatView dx = shifted(new float[pb.x.length], 6, pb.xShape());
        FloatView dh0 = shifted(new float[pb.h0.length], 1, pb.stateShape());
        rnn.backward(ws, shifted(pb.r, 13, 5, 3, 8), shifted(pb.rh, 3, pb.stateShape()), null, grads, dx, dh0, null);

        assertClose("output", plain.out.toArray(), out.toArray(), 0.0);
        assertClose("h_n", plain.hn.toArray(), hn.toArray(), 0.0);
        assertClose("grad.x", plain.dx.toArray(), dx.toArray(), 0.0);
        assertClose("grad.h0", plain.dh0.toArray(), dh0.toArray(), 0.0);
        for (String name : grads.names()) {
            assertClose("grad." + name, plain.grads.get(name), grads.view(name).toArray(), 0.0);
        }
        assertEquals(0f, flatGrad[0] + flatGrad[4], "nothing written outside the tensors");
    }

    private static FloatView shifted(float[] values, int offset, int... shape) {
        float[] a = new float[values.length + offset + 5];
        Arrays.fill(a, Float.NaN);
        System.arraycopy(values, 0, a, offset, values.length);
        return new FloatView(a, offset, shape);
    }

    @Test
    void manyThreadsStreamThroughOneSharedNetwork() throws Exception {
        RnnConfig cfg = new RnnConfig(RnnMode.LSTM, 4, 6, 2, true, false, 0f);
        Rnn rnn = new Rnn(RnnParameters.initUniform(cfg, 77L));
        int streams = 6;
        int steps = 40;
        float[][] inputs = new float[streams][];
        float[][] expected = new float[streams][];
        for (int s = 0; s < streams; s++) {
            inputs[s] = RnnProblem.normal(new java.util.SplittableRandom(s), steps * 4);
            expected[s] = rnn.run(FloatView.of(inputs[s], steps, 1, 4), null, null, null).output().toArray();
        }
        float[][] got = new float[streams][steps * 6];
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            java.util.List<java.util.concurrent.Future<?>> jobs = new java.util.ArrayList<>();
            for (int s = 0; s < streams; s++) {
                int id = s;
                jobs.add(pool.submit(() -> {
                    RnnStreamState state = rnn.newStreamState(1);
                    for (int t = 0; t < steps; t++) {
                        rnn.step(state, new FloatView(inputs[id], t * 4, new int[] {1, 4}), new FloatView(got[id], t * 6, new int[] {1, 6}));
                    }
                }));
            }
            for (java.util.concurrent.Future<?> job : jobs) {
                job.get();
            }
        } finally {
            pool.shutdown();
        }
        for (int s = 0; s < streams; s++) {
            assertClose("stream " + s, expected[s], got[s], 1e-6);
        }
    }

    @Test
    void timeMajorConversionRoundTrips() {
        float[] data = new float[2 * 3 * 4];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        FloatView bf = FloatView.of(data, 2, 3, 4);
        FloatView tm = TimeMajor.swapLeadingAxes(bf);
        assertArrayEquals(new int[] {3, 2, 4}, tm.shape());
        // tm[t=1, b=1, f=2] = bf[b=1, t=1, f=2]
        assertEquals(data[(1 * 3 + 1) * 4 + 2], tm.data()[(1 * 2 + 1) * 4 + 2]);
        assertArrayEquals(data, TimeMajor.swapLeadingAxes(tm).toArray());
    }
}
