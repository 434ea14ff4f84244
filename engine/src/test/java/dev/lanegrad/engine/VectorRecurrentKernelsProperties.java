package dev.lanegrad.engine;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static dev.lanegrad.engine.KernelTestSupport.assertClose;
import static dev.lanegrad.engine.KernelTestSupport.maxAbs;
import static dev.lanegrad.engine.KernelTestSupport.tol;
import static dev.lanegrad.engine.KernelTestSupport.uniform;
import static dev.lanegrad.engine.KernelTestSupport.values;

/**
 * Every VectorRecurrentKernels method equals the scalar specification, with state matrices living
 * inside wider buffers (row stride ld > hidden) at random offsets, and pre-activations that include
 * +-100 (saturated gates). Tolerance: the activations differ by at most 5e-7 absolute (VectorMath),
 * and each output is a product of a few such factors with the inputs, so outputs agree within
 * 2e-6 * (1 + |value|) for the forward and 2e-6 * scale + 1e-5 |value| for the backward, where
 * scale is the size of the incoming gradients times the state.
 */
class VectorRecurrentKernelsProperties {

    private final RecurrentKernels s = KernelTestSupport.SCALAR.recurrent();
    private final RecurrentKernels v = KernelTestSupport.VECTOR.recurrent();

    @Provide
    Arbitrary<Integer> hidden() {
        return KernelTestSupport.hiddenSizes();
    }

    /**
     * [off NaNs][batch rows of ld, the first hidden used, the rest NaN]: a kernel that reads outside
     * its matrix turns an output into NaN, and the NaNs stay out of the tolerance scales (maxAbs).
     */
    private static float[] state(Random r, int off, int batch, int hidden, int ld, float scale) {
        float[] a = new float[off + batch * ld + 2];
        java.util.Arrays.fill(a, Float.NaN);
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < hidden; j++) {
                a[off + b * ld + j] = (float) (r.nextGaussian() * scale);
            }
        }
        return a;
    }

    private static float[] shifted(float[] values, int off) {
        float[] a = new float[off + values.length];
        System.arraycopy(values, 0, a, off, values.length);
        return a;
    }

    /** activations for a gate buffer: sigmoid-like in (0, 1) everywhere, tanh-like in (-1, 1) in the given blocks */
    private static float[] activations(Random r, int off, int batch, int gates, int hidden, int tanhBlock) {
        float[] a = new float[off + batch * gates * hidden];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < gates; k++) {
                for (int j = 0; j < hidden; j++) {
                    a[off + (b * gates + k) * hidden + j] = k == tanhBlock ? r.nextFloat() * 2f - 1f : r.nextFloat();
                }
            }
        }
        return a;
    }

    @Property(tries = 40)
    void lstm(@ForAll @IntRange(min = 1, max = 4) int batch, @ForAll("hidden") int hidden, @ForAll @IntRange(max = 9) int off,
              @ForAll @IntRange(max = 3) int pad, @ForAll long seed) {
        Random r = new Random(seed);
        int H = hidden;
        int ld = H + pad;
        float[] gates = shifted(values(r, batch * 4 * H, 3f, 0.03, false), off);
        float[] cPrev = state(r, off + 1, batch, H, ld, 2f);
        float[] c0 = state(r, off + 2, batch, H, ld + 1, 1f);
        float[] h0 = state(r, off + 3, batch, H, 2 * H, 1f);

        float[] ge = gates.clone(), ce = c0.clone(), he = h0.clone();
        float[] gv = gates.clone(), cv = c0.clone(), hv = h0.clone();
        s.lstmForward(batch, H, ge, off, cPrev, off + 1, ld, ce, off + 2, ld + 1, he, off + 3, 2 * H);
        v.lstmForward(batch, H, gv, off, cPrev, off + 1, ld, cv, off + 2, ld + 1, hv, off + 3, 2 * H);
        String shape = "B=" + batch + " H=" + H;
        assertClose("lstmForward gates " + shape, ge, gv, 0, ge.length, tol(5e-7, 0));
        assertClose("lstmForward c " + shape, ce, cv, 0, ce.length, tol(2e-6, 2e-6));
        assertClose("lstmForward h " + shape, he, hv, 0, he.length, tol(2e-6, 2e-6));

        // backward from the forward's own saved activations and states
        float[] dh = state(r, 1, batch, H, ld, 1f);
        float[] dc0 = state(r, 2, batch, H, ld + 2, 1f);
        float[] dg0 = uniform(r, 3 + batch * 4 * H, -5f, 5f);
        float[] dce = dc0.clone(), dge = dg0.clone();
        float[] dcv = dc0.clone(), dgv = dg0.clone();
        s.lstmBackward(batch, H, ge, off, cPrev, off + 1, ld, ce, off + 2, ld + 1, dh, 1, ld, dce, 2, ld + 2, dge, 3);
        v.lstmBackward(batch, H, ge, off, cPrev, off + 1, ld, ce, off + 2, ld + 1, dh, 1, ld, dcv, 2, ld + 2, dgv, 3);
        double scale = (maxAbs(dh) + maxAbs(dc0)) * (1 + maxAbs(cPrev));
        assertClose("lstmBackward dGates " + shape, dge, dgv, 0, dge.length, tol(2e-6 * scale, 1e-5));
        assertClose("lstmBackward dc " + shape, dce, dcv, 0, dce.length, tol(2e-6 * scale, 1e-5));
    }

    @Property(tries = 40)
    void gru(@ForAll @IntRange(min = 1, max = 4) int batch, @ForAll("hidden") int hidden, @ForAll @IntRange(max = 9) int off,
             @ForAll @IntRange(max = 3) int pad, @ForAll long seed) {
        Random r = new Random(seed);
        int H = hidden;
        int ld = H + pad;
        float[] xp = shifted(values(r, batch * 3 * H, 3f, 0.03, false), off);
        float[] gh = shifted(values(r, batch * 3 * H, 3f, 0.03, false), off + 1);
        float[] hPrev = state(r, 2, batch, H, ld, 1f);
        float[] h0 = state(r, 3, batch, H, ld + 1, 1f);

        float[] xe = xp.clone(), he = h0.clone();
        float[] xv = xp.clone(), hv = h0.clone();
        s.gruForward(batch, H, xe, off, gh, off + 1, hPrev, 2, ld, he, 3, ld + 1);
        v.gruForward(batch, H, xv, off, gh, off + 1, hPrev, 2, ld, hv, 3, ld + 1);
        String shape = "B=" + batch + " H=" + H;
        // n = tanh(a + r b): r's 5e-7 error times |b| up to 100 moves n's argument
        assertClose("gruForward gates " + shape, xe, xv, 0, xe.length, tol(5e-7 * (1 + maxAbs(gh)), 0));
        assertClose("gruForward h " + shape, he, hv, 0, he.length, tol(2e-6 * (1 + maxAbs(gh)), 2e-6));

        float[] gates = activations(r, 1, batch, 3, H, 2);
        float[] dh = state(r, 2, batch, H, ld + 1, 1f);
        float[] dhPrev0 = state(r, 1, batch, H, ld, 1f);
        float[] dgx0 = uniform(r, 4 + batch * 3 * H, -5f, 5f);
        float[] dgh0 = uniform(r, 5 + batch * 3 * H, -5f, 5f);
        float[] dxe = dgx0.clone(), dhe = dgh0.clone(), dpe = dhPrev0.clone();
        float[] dxv = dgx0.clone(), dhv = dgh0.clone(), dpv = dhPrev0.clone();
        s.gruBackward(batch, H, gates, 1, gh, off + 1, hPrev, 2, ld, dh, 2, ld + 1, dxe, 4, dhe, 5, dpe, 1, ld);
        v.gruBackward(batch, H, gates, 1, gh, off + 1, hPrev, 2, ld, dh, 2, ld + 1, dxv, 4, dhv, 5, dpv, 1, ld);
        double scale = maxAbs(dh) * (1 + maxAbs(hPrev)) * (1 + maxAbs(gh));
        assertClose("gruBackward dGatesX " + shape, dxe, dxv, 0, dxe.length, tol(2e-6 * scale, 1e-5));
        assertClose("gruBackward dGatesH " + shape, dhe, dhv, 0, dhe.length, tol(2e-6 * scale, 1e-5));
        assertClose("gruBackward dhPrev " + shape, dpe, dpv, 0, dpe.length, tol(2e-6 * scale, 1e-5));
    }

    @Property(tries = 40)
    void rnn(@ForAll @IntRange(min = 1, max = 4) int batch, @ForAll("hidden") int hidden, @ForAll @IntRange(max = 9) int off,
             @ForAll @IntRange(max = 3) int pad, @ForAll boolean relu, @ForAll long seed) {
        Random r = new Random(seed);
        int H = hidden;
        int ld = H + pad;
        float[] pre = shifted(values(r, batch * H, 3f, 0.05, true), off);
        float[] h0 = state(r, 1, batch, H, ld, 1f);
        float[] pe = pre.clone(), he = h0.clone();
        float[] pv = pre.clone(), hv = h0.clone();
        s.rnnForward(batch, H, relu, pe, off, he, 1, ld);
        v.rnnForward(batch, H, relu, pv, off, hv, 1, ld);
        String what = (relu ? "relu" : "tanh") + " B=" + batch + " H=" + H;
        assertClose("rnnForward pre " + what, pe, pv, 0, pe.length, tol(relu ? 0 : 5e-7, 0));
        assertClose("rnnForward h " + what, he, hv, 0, he.length, tol(relu ? 0 : 5e-7, 0));

        float[] dh = state(r, 2, batch, H, ld + 1, 1f);
        float[] dp0 = uniform(r, 3 + batch * H, -5f, 5f);
        float[] de = dp0.clone();
        float[] dv = dp0.clone();
        s.rnnBackward(batch, H, relu, pe, off, dh, 2, ld + 1, de, 3);
        v.rnnBackward(batch, H, relu, pe, off, dh, 2, ld + 1, dv, 3);
        assertClose("rnnBackward dPre " + what, de, dv, 0, de.length, tol(relu ? 0 : 4e-7 * maxAbs(dh), 0));
    }
}
