package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.Kernels;
import dev.lanegrad.engine.KernelProvider;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;

import static dev.lanegrad.models.rnn.RnnBehaviourTest.assertClose;
import static dev.lanegrad.models.rnn.RnnBehaviourTest.assertRunsClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Variable lengths at the cost of their tokens: a batch with lengths runs on its packed valid rows only,
 * and computes what its sequences give when each runs apart as a uniform batch of one (outputs, final
 * states, every gradient; parameter gradients summed over the sequences), with exactly as many GEMM
 * multiply-adds; lengths that are all T change nothing at all.
 */
class PackedLengthsTest {

    private static float[] rowOf(FloatView v, int lead, int b, int batch, int f) {
        return Arrays.copyOfRange(v.data(), (lead * batch + b) * f, (lead * batch + b + 1) * f);
    }

    @Property(tries = 60, seed = "15")
    void aPackedBatchEqualsItsSequencesRunApart(@ForAll RnnMode mode, @ForAll @IntRange(min = 1, max = 2) int layers,
                                                @ForAll boolean bidirectional, @ForAll boolean bias,
                                                @ForAll @IntRange(min = 1, max = 7) int steps,
                                                @ForAll @IntRange(min = 1, max = 6) int batch, @ForAll long seed) {
        RnnConfig cfg = new RnnConfig(mode, 3, 4, layers, bias, bidirectional, 0f);
        RnnProblem pb = new RnnProblem(cfg, steps, batch, true, seed);
        RnnProblem.Run all = pb.forwardBackward(new Rnn(pb.params), new RnnWorkspace(), true, 0L);
        int I = cfg.inputSize();
        int H = cfg.hiddenSize();
        int DH = cfg.outputSize();
        RnnParameters summed = new RnnParameters(cfg);
        for (int b = 0; b < batch; b++) {
            RnnProblem one = pb.row(b, seed);
            RnnProblem.Run alone = one.forwardBackward(new Rnn(one.params), new RnnWorkspace(), true, 0L);
            for (String name : summed.names()) {
                float[] acc = summed.get(name);
                float[] g = alone.grads.get(name);
                for (int i = 0; i < acc.length; i++) {
                    acc[i] += g[i];
                }
            }
            for (int t = 0; t < steps; t++) {
                String at = "row " + b + " (length " + one.steps + ") t=" + t;
                if (t < one.steps) {
                    assertClose(at + " output", rowOf(alone.out, t, 0, 1, DH), rowOf(all.out, t, b, batch, DH), 1e-5);
                    assertClose(at + " grad.x", rowOf(alone.dx, t, 0, 1, I), rowOf(all.dx, t, b, batch, I), 1e-5);
                } else {
                    assertArrayEquals(new float[DH], rowOf(all.out, t, b, batch, DH), at + ": output past the length");
                    assertArrayEquals(new float[I], rowOf(all.dx, t, b, batch, I), at + ": grad.x past the length");
                }
            }
            for (int s = 0; s < cfg.stateCount(); s++) {
                String at = "row " + b + " state " + s;
                assertClose(at + " h_n", rowOf(alone.hn, s, 0, 1, H), rowOf(all.hn, s, b, batch, H), 1e-5);
                assertClose(at + " grad.h0", rowOf(alone.dh0, s, 0, 1, H), rowOf(all.dh0, s, b, batch, H), 1e-5);
                if (alone.cn != null) {
                    assertClose(at + " c_n", rowOf(alone.cn, s, 0, 1, H), rowOf(all.cn, s, b, batch, H), 1e-5);
                    assertClose(at + " grad.c0", rowOf(alone.dc0, s, 0, 1, H), rowOf(all.dc0, s, b, batch, H), 1e-5);
                }
            }
        }
        for (String name : summed.names()) {
            // a sum over rows in another order: a tolerance for the absolute error of sums of ~tokens terms
            float[] expected = summed.get(name);
            float[] actual = all.grads.get(name);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-4 * (1 + Math.abs(expected[i])), "grad." + name + "[" + i + "]");
            }
        }
    }

    @Property(tries = 40, seed = "16")
    void lengthsThatAreAllTChangeNothing(@ForAll RnnMode mode, @ForAll @IntRange(min = 1, max = 2) int layers,
                                         @ForAll boolean bidirectional, @ForAll @IntRange(min = 1, max = 6) int steps,
                                         @ForAll @IntRange(min = 1, max = 5) int batch, @ForAll long seed) {
        RnnConfig cfg = new RnnConfig(mode, 3, 4, layers, true, bidirectional, 0.3f);
        RnnProblem pb = new RnnProblem(cfg, steps, batch, true, seed);
        Rnn rnn = new Rnn(pb.params);
        Arrays.fill(pb.lengths, steps);
        RnnProblem.Run withLengths = pb.forwardBackward(rnn, new RnnWorkspace(), true, seed);
        pb.lengths = null;
        RnnProblem.Run plain = pb.forwardBackward(rnn, new RnnWorkspace(), true, seed);
        assertRunsClose("lengths all T", plain, withLengths, 0.0);
    }

    @Property(tries = 40, seed = "18")
    void theOutputPastALengthIsZeroWhateverTheBufferHeld(@ForAll RnnMode mode, @ForAll boolean bidirectional,
                                                         @ForAll @IntRange(min = 1, max = 7) int steps,
                                                         @ForAll @IntRange(min = 1, max = 6) int batch, @ForAll long seed) {
        // a tape hands the layer reused memory for its output: every padded position must be written
        RnnConfig cfg = new RnnConfig(mode, 3, 4, 1, true, bidirectional, 0f);
        RnnProblem pb = new RnnProblem(cfg, steps, batch, true, seed);
        Rnn rnn = new Rnn(pb.params);
        RnnProblem.Run clean = pb.forward(rnn, new RnnWorkspace(), false, 0L);
        FloatView dirty = FloatView.zeros(steps, batch, cfg.outputSize());
        Arrays.fill(dirty.data(), Float.NaN);
        rnn.forward(new RnnWorkspace(), pb.xView(), pb.lengths, pb.h0View(), pb.c0View(), false, 0L, dirty, null, null);
        assertArrayEquals(clean.out.data(), dirty.data(), "output over a buffer of NaN, lengths " + Arrays.toString(pb.lengths));
    }

    /** Counts the multiply-adds of every GEMM it runs (the scalar specification's). */
    private static final class CountingGemm implements Gemm {
        private final Gemm inner = Kernels.scalar().gemm();
        long multiplyAdds;

        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                          float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            multiplyAdds += (long) m * n * k;
            inner.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    private static long multiplyAdds(RnnProblem pb) {
        KernelProvider scalar = Kernels.scalar();
        CountingGemm gemm = new CountingGemm();
        pb.forwardBackward(new Rnn(pb.params, gemm, scalar.ops(), scalar.recurrent()), new RnnWorkspace(), true, 0L);
        return gemm.multiplyAdds;
    }

    @Property(tries = 30, seed = "17")
    void aPackedBatchDoesTheMultiplyAddsOfItsSequencesApart(@ForAll RnnMode mode, @ForAll @IntRange(min = 1, max = 2) int layers,
                                                            @ForAll boolean bidirectional,
                                                            @ForAll @IntRange(min = 1, max = 9) int steps,
                                                            @ForAll @IntRange(min = 1, max = 6) int batch, @ForAll long seed) {
        RnnProblem pb = new RnnProblem(new RnnConfig(mode, 3, 4, layers, true, bidirectional, 0f), steps, batch, true, seed);
        long apart = 0;
        for (int b = 0; b < batch; b++) {
            apart += multiplyAdds(pb.row(b, seed));
        }
        assertEquals(apart, multiplyAdds(pb), "GEMM multiply-adds of the batch with lengths " + Arrays.toString(pb.lengths)
                + " vs its sequences apart");
    }
}
