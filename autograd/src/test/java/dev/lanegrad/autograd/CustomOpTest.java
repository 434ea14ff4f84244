package dev.lanegrad.autograd;

import org.junit.jupiter.api.Test;

import static dev.lanegrad.autograd.testing.TensorArbitraries.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coarse-op API, by example: a tiny "recurrent layer" over a whole sequence as ONE tape node,
 * with several inputs (x [T, H], h0 [H], w [H]) and several outputs (out [T, H], hN [H]).
 * h_t = tanh(x_t + w * h_{t-1}); forward saves every h_t in the output (backward needs h_{t-1} and h_t).
 */
class CustomOpTest {

    static final class TinyScan extends CustomOp {
        private Tensor preacts;

        TinyScan() {
            super("tinyScan");
        }

        @Override
        protected Tensor[] forward(Tensor[] in) {
            Tensor x = in[0], h0 = in[1], w = in[2];
            int t = x.dim(0), h = x.dim(1);
            Tensor out = output(t, h), hN = output(h);
            preacts = scratch(t, h); // lives until the tape is reset; not needed by backward here, but shows the API
            float[] xd = x.data(), od = out.data(), wd = w.data(), hd = h0.data();
            for (int s = 0; s < t; s++) {
                for (int j = 0; j < h; j++) {
                    float prev = s == 0 ? hd[h0.offset() + j] : od[out.offset() + (s - 1) * h + j];
                    float a = xd[x.offset() + s * h + j] + wd[w.offset() + j] * prev;
                    preacts.data()[preacts.offset() + s * h + j] = a;
                    od[out.offset() + s * h + j] = (float) Math.tanh(a);
                }
            }
            System.arraycopy(od, out.offset() + (t - 1) * h, hN.data(), hN.offset(), h);
            return new Tensor[] {out, hN};
        }

        @Override
        protected void backward(Tensor[] in, Tensor[] outs) {
            Tensor x = in[0], h0 = in[1], w = in[2], out = outs[0], hN = outs[1];
            int t = x.dim(0), h = x.dim(1);
            Tensor dhBuffer = scratch(h); // tape arena memory: no allocation in a steady loop
            float[] dh = dhBuffer.data();
            int d0 = dhBuffer.offset();
            for (int j = 0; j < h; j++) {
                dh[d0 + j] = hN.hasGrad() ? hN.grad()[hN.gradOffset() + j] : 0f;
            }
            float[] od = out.data();
            for (int s = t - 1; s >= 0; s--) {
                for (int j = 0; j < h; j++) {
                    float y = od[out.offset() + s * h + j];
                    float g = dh[d0 + j] + (out.hasGrad() ? out.grad()[out.gradOffset() + s * h + j] : 0f);
                    float da = g * (1 - y * y);
                    float prev = s == 0 ? h0.data()[h0.offset() + j] : od[out.offset() + (s - 1) * h + j];
                    if (x.requiresGrad()) {
                        x.grad()[x.gradOffset() + s * h + j] += da;
                    }
                    if (w.requiresGrad()) {
                        w.grad()[w.gradOffset() + j] += da * prev;
                    }
                    dh[d0 + j] = da * w.data()[w.offset() + j];
                }
            }
            if (h0.requiresGrad()) {
                for (int j = 0; j < h; j++) {
                    h0.grad()[h0.gradOffset() + j] += dh[d0 + j];
                }
            }
        }
    }

    @Test
    void aMultiInputMultiOutputOpIsOneNodeAndPassesGradCheck() {
        Tensor x = tensor(1, -1f, 1f, 5, 3), h0 = tensor(2, -1f, 1f, 3), w = tensor(3, -1f, 1f, 3);
        try (Tape tape = new Tape()) {
            Tensor[] outs = new TinyScan().apply(x, h0, w);
            assertEquals(1, tape.size());
            assertEquals(2, outs.length);
        }
        // both outputs used
        GradCheck.full().check(in -> {
            Tensor[] o = new TinyScan().apply(in);
            return Ops.add(Ops.sum(o[0]), Ops.scale(Ops.sum(o[1]), 2f));
        }, x, h0, w).assertPassed();
        // only the final state used: out gets no gradient, backward still runs
        GradCheck.fast().check(in -> new TinyScan().apply(in)[1], x, h0, w).assertPassed();
        // only the sequence used
        GradCheck.fast().check(in -> new TinyScan().apply(in)[0], x, h0, w).assertPassed();
    }

    @Test
    void anInstanceIsUsedOnce() {
        Tensor x = tensor(1, -1f, 1f, 2, 3), h0 = tensor(2, -1f, 1f, 3), w = tensor(3, -1f, 1f, 3);
        try (Tape tape = new Tape()) {
            TinyScan op = new TinyScan();
            op.apply(x, h0, w);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> op.apply(x, h0, w));
            assertTrue(e.getMessage().contains("new one per call"), e.getMessage());
        }
    }

    @Test
    void underNoGradTheOpIsNotRecorded() {
        Tensor x = tensor(1, -1f, 1f, 2, 3), h0 = tensor(2, -1f, 1f, 3), w = tensor(3, -1f, 1f, 3);
        try (Tape tape = new Tape(); Tape.NoGrad ng = tape.noGrad()) {
            Tensor[] outs = new TinyScan().apply(x, h0, w);
            assertEquals(0, tape.size());
            assertFalse(outs[0].requiresGrad());
        }
    }
    /** y = 3 x for a rank-3 x, through the rank-3 output/scratch overloads (no shape copy). */
    static final class Triple extends CustomOp {
        Triple() {
            super("triple");
        }

        @Override
        protected Tensor[] forward(Tensor[] in) {
            Tensor x = in[0];
            Tensor y = output(x.dim(0), x.dim(1), x.dim(2));
            Tensor s = scratch(x.dim(0), x.dim(1), x.dim(2));
            assertEquals(java.util.Arrays.toString(x.shape()), java.util.Arrays.toString(y.shape()));
            assertEquals(x.size(), s.size());
            for (int i = 0; i < x.size(); i++) {
                y.data()[y.offset() + i] = 3f * x.get(i);
            }
            return new Tensor[] {y};
        }

        @Override
        protected void backward(Tensor[] in, Tensor[] outs) {
            Tensor x = in[0], y = outs[0];
            Tensor s = scratch(x.dim(0), x.dim(1), x.dim(2));
            assertEquals(x.size(), s.size());
            if (x.requiresGrad()) {
                for (int i = 0; i < x.size(); i++) {
                    x.grad()[x.gradOffset() + i] += 3f * y.grad()[y.gradOffset() + i];
                }
            }
        }
    }

    @Test
    void applyOwnedTakesTheArrayAndGivesTheSameResultsAsApply() {
        Tensor x = tensor(1, -1f, 1f, 5, 3), h0 = tensor(2, -1f, 1f, 3), w = tensor(3, -1f, 1f, 3);
        try (Tape tape = new Tape()) {
            Tensor[] in = {x, h0, w};
            Tensor[] owned = new TinyScan().applyOwned(in);
            Tensor[] copied = new TinyScan().apply(x, h0, w);
            assertEquals(2, tape.size());
            assertEquals(java.util.Arrays.toString(copied[0].toArray()), java.util.Arrays.toString(owned[0].toArray()));
            assertEquals(java.util.Arrays.toString(copied[1].toArray()), java.util.Arrays.toString(owned[1].toArray()));
        }
        GradCheck.full().check(in -> {
            Tensor[] o = new TinyScan().applyOwned(new Tensor[] {in[0], in[1], in[2]});
            return Ops.add(Ops.sum(o[0]), Ops.scale(Ops.sum(o[1]), 2f));
        }, x, h0, w).assertPassed();
        GradCheck.full().check(in -> new Triple().applyOwned(new Tensor[] {in[0]})[0], tensor(4, -1f, 1f, 2, 3, 4))
                .assertPassed();
    }
}
