package dev.lanegrad.engine.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, sigmoid, tanh and log on whole FloatVectors.
 *
 * Two candidates were measured for exp and tanh: the JDK's lanewise {@code VectorOperators.EXP / TANH}
 * (on x86_64 Linux and Windows C2 turns them into calls of Intel's SVML vector routines, JDK 17+)
 * and our own on FMA lanes ({@link #expPoly}, {@link #tanhPoly}: Cody-Waite range reduction and
 * Cephes' minimax polynomials, no tables). On the project machine (AMD EPYC, AVX-512, 16 float lanes),
 * ns per element over 4096 floats in [-8, 8], each kernel its own compiled loop (a scratch harness:
 * 20000 warm-up calls, then the median of 5 rounds of 5000 calls; ActivationBench's impl=jdk vs
 * impl=vector reproduces the comparison under JMH):
 * <pre>
 *                 JDK 17.0.15          JDK 25 (Temurin)
 *             lanewise  FMA poly    lanewise  FMA poly
 *   exp         0.277     0.324       0.133     0.281
 *   sigmoid     0.297     0.367       0.218     0.330     (1 / (1 + exp(-x)) either way)
 *   tanh        0.434     0.503       0.512     0.473
 * </pre>
 * Max error over a dense grid of [-20, 20] (step 2^-12, 163841 points) against the double function:
 * <pre>
 *               lanewise (SVML)   FMA poly     bound
 *   exp         0.50 ulp          0.98 ulp     2 ulp
 *   sigmoid     8.9e-8 abs        8.9e-8 abs   5e-7
 *   tanh        3.0e-8 abs        7.2e-8 abs   5e-7
 * </pre>
 * The lanewise operators are faster for exp and sigmoid (1.2x on JDK 17, 2x on JDK 25), tie on tanh and
 * are more accurate, but they are not reproducible: before C2 compiles a loop, the JDK computes them
 * per lane in Java ((float) Math.exp), which rounds differently (by an ulp) from SVML, so the same
 * model gives other low bits in a cold and a warm JVM. Hence the deterministic mode (-Dlanegrad.deterministic=true):
 * exp, tanh and sigmoid use the polynomial, pure FMA/IEEE arithmetic, which gives the same bits
 * interpreted or compiled, and the scalar tails of every kernel call {@link #exp(float)},
 * {@link #tanh(float)}, {@link #sigmoid(float)}: the same polynomial, operation for operation, so an
 * element gets the same value whether it falls in a vector or in the tail.
 * It is OFF by default: inside the fused LSTM/GRU/RNN step kernels the polynomial's ~25 vector calls per
 * activation took C2 past its inlining budget and it boxed the vectors (JDK 17, AVX-512, quick harness
 * after a 5 s warm-up: S1 LSTM 1.5 ms and 4.6 MB per sequence against 1.0 ms and 0 B with SVML; S3 LSTM
 * 35 ms and 39 MB per step against 30 ms and 0.6 KB), far over the 5 % the mode may cost to be the default.
 * Cost of the default (ActivationBench, one brief run on a shared 2-core AVX-512 machine, noisy): see
 * docs/robustness.md. The polynomial has a second price: it is ~25 Vector API calls, each of which C2
 * expands into a few hundred bytecodes, so a caller can exceed C2's inlining budget
 * (NodeCountInliningCutoff, DesiredMethodLimit); the helper is then called instead of inlined and the
 * vectors crossing the call are boxed. Measured with JMH (JDK 17, ActivationBench impl=vector, -prof
 * gc): lanewise 0 B/op; poly up to 29 B per element for exp in some iterations. Elsewhere (aarch64,
 * macOS) the JDK's lanewise operators are a scalar loop per lane, far slower than the polynomial, so
 * there the polynomial is used in both modes. {@code -Dlanegrad.vectormath=lanewise|poly} forces one.
 * The species is {@link #F}, one static final to swap.
 *
 * Edge behaviour of both: exp(x) = +Infinity above ~88.72 and a subnormal or 0 below ~-87.3;
 * sigmoid is exactly 1 from x ~ 16.6 and exactly 0 below ~ -88.7 (like PyTorch's float32);
 * tanh is exactly +-1 from |x| ~ 9; NaN in gives NaN out (VectorMathAccuracyTest asserts all of it).
 */
final class VectorMath {

    /** The width every vector kernel runs at (KernelShape decides it once; -Dlanegrad.vector.bits narrows it). */
    static final VectorSpecies<Float> F = KernelShape.SPECIES;

    /** {@code -Dlanegrad.deterministic}: true (the default) or false. */
    public static final String DETERMINISTIC_PROPERTY = "lanegrad.deterministic";

    /** Bit-reproducible results (the polynomial everywhere); see the class comment. */
    static final boolean DETERMINISTIC = parseDeterministic(System.getProperty(DETERMINISTIC_PROPERTY, "false"));

    /** Whether exp and tanh use the JDK's lanewise operators (decided once; C2 folds the branch). */
    static final boolean LANEWISE = chooseLanewise(System.getProperty("lanegrad.vectormath", ""),
            System.getProperty("os.arch", ""), System.getProperty("os.name", ""), DETERMINISTIC);

    static boolean parseDeterministic(String value) {
        switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "":
                return true;
            case "false":
                return false;
            default:
                throw new IllegalArgumentException("-D" + DETERMINISTIC_PROPERTY + "=" + value + ": expected true or false");
        }
    }

    static boolean chooseLanewise(String forced, String arch, String os, boolean deterministic) {
        switch (forced) {
            case "lanewise":
                return true;
            case "poly":
                return false;
            default:
                if (deterministic) {
                    return false;
                }
                boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
                String name = os.toLowerCase(java.util.Locale.ROOT);
                return x86 && (name.contains("linux") || name.contains("windows"));
        }
    }

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
        return LANEWISE ? x.lanewise(VectorOperators.EXP) : expPoly(x);
    }

    /** tanh lane by lane. */
    static FloatVector tanh(FloatVector x) {
        return LANEWISE ? x.lanewise(VectorOperators.TANH) : tanhPoly(x);
    }

    /** e^x on FMA lanes. */
    static FloatVector expPoly(FloatVector x) {
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

    /** sigmoid from the polynomial exp (what {@link #sigmoid} is where LANEWISE is false) */
    static FloatVector sigmoidPoly(FloatVector x) {
        return FloatVector.broadcast(F, 1f).div(expPoly(x.neg()).add(1f));
    }

    /** tanh on FMA lanes, odd by construction (the sign bit of x is put back at the end). */
    static FloatVector tanhPoly(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = a.mul(a);
        FloatVector q = z.fma(Q4, Q3).fma(z, c(Q2)).fma(z, c(Q1)).fma(z, c(Q0));
        FloatVector small = q.mul(z).fma(a, a);
        FloatVector e = expPoly(a.add(a));
        FloatVector large = FloatVector.broadcast(F, 2f).div(e.add(1f)).neg().add(1f);
        FloatVector y = large.blend(small, a.lt(TANH_SMALL));
        IntVector sign = x.reinterpretAsInts().and(0x80000000);
        return y.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    /** 1 - v^2 with one rounding: the derivative of tanh from its output */
    static FloatVector oneMinusSquare(FloatVector v) {
        return v.neg().fma(v, FloatVector.broadcast(F, 1f));
    }

    // ---- scalar twins for the tails of vector loops: the same operations in the same order as the lanes

    /** e^x for one float: the polynomial of {@link #expPoly(FloatVector)}, or (float) Math.exp with SVML. */
    static float exp(float x) {
        return LANEWISE ? (float) Math.exp(x) : expPoly(x);
    }

    /** tanh for one float, as {@link #tanh(FloatVector)} computes each lane. */
    static float tanh(float x) {
        return LANEWISE ? (float) Math.tanh(x) : tanhPoly(x);
    }

    /** sigmoid for one float, as {@link #sigmoid(FloatVector)} computes each lane. */
    static float sigmoid(float x) {
        return LANEWISE ? (float) (1.0 / (1.0 + Math.exp(-(double) x))) : 1f / (expPoly(-x) + 1f);
    }

    /** {@link #expPoly(FloatVector)} on one float, operation for operation. */
    static float expPoly(float x) {
        float xc = Math.min(Math.max(x, -EXP_CLAMP), EXP_CLAMP);
        float t = Math.fma(xc, LOG2E, ROUND_MAGIC);
        float kf = t - ROUND_MAGIC;
        float r = Math.fma(kf, -LN2_HI, xc);
        r = Math.fma(kf, -LN2_LO, r);
        float r2 = r * r;
        float p = Math.fma(r, P5, P4);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P1);
        p = Math.fma(p, r, P0);
        p = Math.fma(p, r2, r) + 1f;
        int k = Float.floatToRawIntBits(t) - ROUND_MAGIC_BITS;
        int k1 = k >> 1;
        int k2 = k - k1;
        float s1 = Float.intBitsToFloat((k1 + 127) << 23);
        float s2 = Float.intBitsToFloat((k2 + 127) << 23);
        return p * s1 * s2;
    }

    /** {@link #tanhPoly(FloatVector)} on one float, operation for operation. */
    static float tanhPoly(float x) {
        float a = Math.abs(x);
        float z = a * a;
        float q = Math.fma(z, Q4, Q3);
        q = Math.fma(q, z, Q2);
        q = Math.fma(q, z, Q1);
        q = Math.fma(q, z, Q0);
        float small = Math.fma(q * z, a, a);
        float e = expPoly(a + a);
        float large = -(2f / (e + 1f)) + 1f;
        float y = a < TANH_SMALL ? small : large;
        return Float.intBitsToFloat(Float.floatToRawIntBits(y) | (Float.floatToRawIntBits(x) & 0x80000000));
    }

    /** The JDK's lanewise natural log (an SVML intrinsic on x86 with JDK 17+). */
    static FloatVector log(FloatVector x) {
        return x.lanewise(VectorOperators.LOG);
    }
}
