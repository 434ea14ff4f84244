package dev.lanegrad.engine.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, sigmoid and tanh on whole FloatVectors, written with FMA lanes (no lookup tables, no masks
 * except one select in tanh), and log through the JDK's lanewise LOG.
 *
 * Why our own and not {@code lanewise(VectorOperators.TANH / EXP)}: see {@link #EXP_NOTE}. The figures
 * there were measured on the project machine (AMD EPYC, AVX-512, 16 float lanes) by
 * {@code dev.lanegrad.bench.ActivationBench} and by {@code VectorMathAccuracyTest}.
 *
 * Accuracy, measured over a dense grid of [-20, 20] (every float step of 2^-12, ~328k points)
 * against the double-precision function (VectorMathAccuracyTest asserts the bounds):
 * <ul>
 *   <li>exp: max 1 ulp relative (bound: 2 ulp); exp(x) = +Infinity above ~88.72, subnormal or 0
 *       below ~-87.3, never NaN for non-NaN input;</li>
 *   <li>sigmoid: max 6.0e-8 absolute (bound: 5e-7); exactly 1 from x ~ 16.6, exactly 0 below
 *       ~ -88.7 (like PyTorch's float32: exp(-x) overflows there);</li>
 *   <li>tanh: max 1.2e-7 absolute (bound: 5e-7); exactly +-1 from |x| ~ 9.01;</li>
 *   <li>NaN in gives NaN out for all of them.</li>
 * </ul>
 */
final class VectorMath {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int LANES = F.length();

    /**
     * Measured speed of the candidates, ns per element over 4096 floats, JDK 17.0.15, one fork,
     * 3 x 1 s warm-up, 5 x 1 s measurement (noisy shared machine: ratios within one run matter):
     * see the class comment of ActivationBench and the numbers filled in there.
     */
    static final String EXP_NOTE = "see ActivationBench";

    // exp: x = k ln2 + r, |r| <= ln2 / 2; e^r by a degree-7 polynomial (Cephes expf's minimax
    // coefficients for 1 + r + r^2 P(r)); 2^k applied in two halves so that k from -216 to 216
    // neither overflows the exponent field early nor loses the subnormal range.
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;          // 8 significant bits: k * LN2_HI is exact
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND_MAGIC = 12582912f;        // 1.5 * 2^23: adding it rounds to an integer
    private static final int ROUND_MAGIC_BITS = 0x4B400000;
    private static final float EXP_CLAMP = 150f;               // |k| <= 217 after clamping: far beyond the float range
    private static final float P5 = 1.9875691500e-4f;
    private static final float P4 = 1.3981999507e-3f;
    private static final float P3 = 8.3334519073e-3f;
    private static final float P2 = 4.1665795894e-2f;
    private static final float P1 = 1.6666665459e-1f;
    private static final float P0 = 5.0000001201e-1f;

    // tanh for |x| < 0.625: x + x^3 Q(x^2) (Cephes tanhf's coefficients); above: 1 - 2 / (e^(2|x|) + 1),
    // which has no cancellation problem there because the result is >= 0.55.
    private static final float TANH_SMALL = 0.625f;
    private static final float Q4 = -5.70498872745e-3f;
    private static final float Q3 = 2.06390887954e-2f;
    private static final float Q2 = -5.37397155531e-2f;
    private static final float Q1 = 1.33314422036e-1f;
    private static final float Q0 = -3.33332819422e-1f;

    private VectorMath() {
    }

    private static FloatVector c(float value) {
        return FloatVector.broadcast(F, value);
    }

    /** e^x lane by lane. */
    static FloatVector exp(FloatVector x) {
        // max/min follow Math.max/min: a NaN stays NaN and comes out as NaN from the polynomial
        FloatVector xc = x.max(-EXP_CLAMP).min(EXP_CLAMP);
        FloatVector t = xc.fma(LOG2E, ROUND_MAGIC);
        FloatVector kf = t.sub(ROUND_MAGIC);
        FloatVector r = kf.fma(c(-LN2_HI), xc);
        r = kf.fma(c(-LN2_LO), r);
        FloatVector r2 = r.mul(r);
        FloatVector p = r.fma(P5, P4).fma(r, c(P3)).fma(r, c(P2)).fma(r, c(P1)).fma(r, c(P0));
        p = p.fma(r2, r).add(1f);
        IntVector k = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        IntVector k2 = k.sub(k1);
        FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    /** 1 / (1 + e^-x): exactly 1 where e^-x is below half an ulp of 1, exactly 0 where it overflows. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.neg());
        return FloatVector.broadcast(F, 1f).div(e.add(1f));
    }

    /** tanh lane by lane, odd by construction (the sign bit of x is put back at the end). */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = a.mul(a);
        FloatVector q = z.fma(Q4, Q3).fma(z, c(Q2)).fma(z, c(Q1)).fma(z, c(Q0));
        FloatVector small = q.mul(z).fma(a, a);
        FloatVector e = exp(a.add(a));
        FloatVector large = FloatVector.broadcast(F, 2f).div(e.add(1f)).neg().add(1f);
        FloatVector y = large.blend(small, a.lt(TANH_SMALL));
        IntVector sign = x.reinterpretAsInts().and(0x80000000);
        return y.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    /** 1 - v^2 with one rounding: the derivative of tanh from its output */
    static FloatVector oneMinusSquare(FloatVector v) {
        return v.neg().fma(v, FloatVector.broadcast(F, 1f));
    }

    /** The JDK's lanewise natural log (an SVML intrinsic on x86 with JDK 17+). */
    static FloatVector log(FloatVector x) {
        return x.lanewise(VectorOperators.LOG);
    }
}
