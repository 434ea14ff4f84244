package dev.lanegrad.engine.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
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
 * The polynomial is ~45 Vector API calls, which once took C2 past its inlining budget inside the fused
 * LSTM/GRU/RNN step kernels and boxed the vectors (S1 LSTM 4.6 MB per sequence); since exp, sigmoid and
 * tanh are array loops of their own (expLoop) the mode allocates nothing per step either (0 B/op in S1
 * and S5, the same bytes per S3/LM step as without it). Its cost per benchmark case, the default and how
 * it was measured: docs/robustness.md, "Deterministic mode". Elsewhere (aarch64,
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

    /** F's vector class (final): a cast to it gives C2 the exact type of a vector, see expLoop */
    private static final Class<? extends Vector<Float>> EXACT = F.vectorType();
    /**
     * The int vectors of F's shape, exactly, for the 2^k scaling: without the cast C2 sometimes knew the int
     * vector's class only from a profile and left those operations unintrinsified, allocating every int
     * vector (a test JVM allocated 389 KB per RNN forward+backward, int[] and Int512Vector from expLoop in
     * JFR, in about half of the runs of one test order; AMD EPYC family 26 model 2, AVX-512, 2 cores, JDK
     * 17.0.15).
     */
    private static final Class<? extends Vector<Integer>> INT_EXACT = F.withLanes(int.class).vectorType();

    /** {@code -Dlanegrad.deterministic}: true or false (the default: the mode costs S5 RNN ~10 %, docs/robustness.md). */
    public static final String DETERMINISTIC_PROPERTY = "lanegrad.deterministic";

    /** Bit-reproducible results (the polynomial everywhere); see the class comment. */
    static final boolean DETERMINISTIC = parseDeterministic(System.getProperty(DETERMINISTIC_PROPERTY, "false"));

    /** Whether exp and tanh use the JDK's lanewise operators (decided once; C2 folds the branch). */
    static final boolean LANEWISE = chooseLanewise(System.getProperty("lanegrad.vectormath", ""),
            System.getProperty("os.arch", ""), System.getProperty("os.name", ""), DETERMINISTIC);

    static boolean parseDeterministic(String value) {
        switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true":
                return true;
            case "false", "":
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

    /** The functions of {@link #apply}. */
    static final int EXP = 0;
    static final int SIGMOID = 1;
    static final int TANH = 2;

    // the modes of expLoop
    private static final int STORE = 0;
    private static final int SIGMOID_STORE = 1;
    private static final int ACCUMULATE = 2;
    private static final int TANH_PREP = 3;
    private static final int TANH_FINISH = 4;

    /** y (n) = f(x (n)) for f = EXP, SIGMOID or TANH; y may be x (same offset). */
    static void apply(int f, float[] x, int xOff, float[] y, int yOff, int n) {
        if (f == TANH) {
            expLoop(TANH_PREP, x, xOff, 0f, 2f, y, yOff, n, 0f); // with LANEWISE: y = tanh(x) outright
            if (!LANEWISE) {
                expLoop(TANH_FINISH, y, yOff, 0f, 1f, y, yOff, n, 0f);
            }
        } else {
            expLoop(f == SIGMOID ? SIGMOID_STORE : STORE, x, xOff, 0f, f == SIGMOID ? -1f : 1f, y, yOff, n, 0f);
        }
    }

    /** y (n) = exp(x (n) - shift) */
    static void expShifted(float[] x, int xOff, float shift, float[] y, int yOff, int n) {
        expLoop(STORE, x, xOff, shift, 1f, y, yOff, n, 0f);
    }

    /** y (n) = fma(exp(x (n)), alpha, y (n)); y may be x. */
    static void addScaledExp(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        expLoop(ACCUMULATE, x, xOff, 0f, 1f, y, yOff, n, alpha);
    }

    /**
     * The one vector loop with the exp polynomial: e = exp(scale (x (n) - shift)), then by mode: y = e
     * (STORE), y = 1 / (1 + e) (SIGMOID_STORE, scale -1), y = fma(e, alpha, y) (ACCUMULATE), or
     * TANH_PREP (scale 2, shift 0): e = exp(2 |x|) and y = x where |x| < 0.625, else e with the sign of
     * x, which TANH_FINISH (tanhFinish) turns into tanh in place (the two ranges do not meet: |x| < 0.625
     * against e >= 3.49). Each element is read before it is written: y may be x.
     *
     * Why the exp, sigmoid and tanh of the vector kernels are array loops split like this, with no
     * helper that takes or returns a vector, no vector accumulator and no vector merged from two
     * branches: JDK 17's C2 boxed vectors (an object per vector) in large compiled methods, depending on
     * compilation order: a helper compiled on its own first and then not inlined, or a Vector API call it
     * failed to intrinsify (a "missing constant" species after a type-profile guard), most often on a
     * loop-carried vector or after a merge. The polynomial is ~45 Vector API calls. Inside the fused LSTM
     * step (five activations in one method) the deterministic mode allocated 0.9 MB per S1 sequence and
     * 39 MB per S3 step; one loop for all of exp, sigmoid and tanh (~80 intrinsics, with a running sum)
     * still 0.2-1.2 MB per S1 sequence in some JVM runs (JDK 17.0.15, AVX-512; JDK 25 was clean). Only
     * arrays and numbers cross this method's boundary, and being over FreqInlineSize (325 bytecodes) it
     * is never inlined into a caller: each call runs this unit as compiled alone. The tanh finish lives
     * behind it for the same reason (small on its own, it would be inlined into the fused kernels).
     */
    private static void expLoop(int mode, float[] x, int xOff, float shift, float scale, float[] y, int yOff,
                                int n, float alpha) {
        if (mode == TANH_FINISH || LANEWISE && mode == TANH_PREP) {
            tanhFinish(mode == TANH_PREP, x, xOff, y, yOff, n);
            return;
        }
        // every constant broadcast once, outside the loop; the loop-invariant mode by branches whose
        // values stay inside them (no merged vector for C2 to lose the type of)
        VectorMask<Float> absolute = F.maskAll(mode == TANH_PREP);
        FloatVector scaleV = FloatVector.broadcast(F, scale);
        FloatVector offset = FloatVector.broadcast(F, -shift * scale);
        FloatVector lo = FloatVector.broadcast(F, -EXP_CLAMP);
        FloatVector hi = FloatVector.broadcast(F, EXP_CLAMP);
        FloatVector log2e = FloatVector.broadcast(F, LOG2E);
        FloatVector magic = FloatVector.broadcast(F, ROUND_MAGIC);
        FloatVector ln2hi = FloatVector.broadcast(F, -LN2_HI);
        FloatVector ln2lo = FloatVector.broadcast(F, -LN2_LO);
        FloatVector p5 = FloatVector.broadcast(F, P5);
        FloatVector p4 = FloatVector.broadcast(F, P4);
        FloatVector p3 = FloatVector.broadcast(F, P3);
        FloatVector p2 = FloatVector.broadcast(F, P2);
        FloatVector p1 = FloatVector.broadcast(F, P1);
        FloatVector p0 = FloatVector.broadcast(F, P0);
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector half = FloatVector.broadcast(F, 0.5f);
        FloatVector quarter = FloatVector.broadcast(F, -0.25f);
        FloatVector minusTwo = FloatVector.broadcast(F, -2f);
        FloatVector alphaV = FloatVector.broadcast(F, alpha);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            // scale (v - shift) with one rounding (scale is 1, -1 or 2: exact); 2 |v| for tanh
            FloatVector arg = v.blend(v.abs(), absolute).fma(scaleV, offset);
            FloatVector e;
            if (LANEWISE) {
                e = arg.lanewise(VectorOperators.EXP);
            } else {
                // arg = k ln2 + r, |r| <= ln2 / 2 (Cody-Waite); max/min keep a NaN a NaN
                FloatVector xc = arg.max(lo).min(hi);
                FloatVector kf = xc.fma(log2e, magic).sub(magic);
                FloatVector r = kf.fma(ln2hi, xc);
                r = kf.fma(ln2lo, r);
                FloatVector p = r.fma(p5, p4).fma(r, p3).fma(r, p2).fma(r, p1).fma(r, p0);
                p = p.fma(r.mul(r), r).add(one);
                // 2^k = 2^k1 2^k2 with k1 = floor(k / 2) and k2 = k - k1 (k1 or k1 + 1), so that neither
                // half overflows or underflows early; k1 by the rounding trick in float lanes, so that the
                // int work is one reinterpretation each way
                FloatVector k1t = kf.fma(half, quarter).add(magic);          // low mantissa bits: k1
                FloatVector odd = k1t.sub(magic).fma(minusTwo, kf);          // k - 2 k1: 0 or 1, exact
                IntVector bits = (IntVector) INT_EXACT.cast(k1t.reinterpretAsInts());
                FloatVector s1 = ((IntVector) INT_EXACT.cast(bits.add(127).lanewise(VectorOperators.LSHL, 23))).reinterpretAsFloats();
                e = p.mul(s1).mul(s1.mul(odd.add(one)));
            }
            FloatVector out;
            if (mode == STORE) {
                out = e;
            } else if (mode == SIGMOID_STORE) {
                out = one.div(e.add(one));
            } else if (mode == ACCUMULATE) {
                out = e.fma(alphaV, FloatVector.fromArray(F, y, yOff + i));
            } else {
                out = e.blend(e.neg(), v.lt(0f)).blend(v, v.abs().lt(TANH_SMALL));
            }
            // the exact class for C2, which may otherwise know it only from a profile and lose the
            // species constant on the store (it boxed this vector in about half the JDK 17 runs)
            ((FloatVector) EXACT.cast(out)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) { // scalar tail: the twins below, operation for operation
            float v = x[xOff + i];
            float e = exp(Math.fma(mode == TANH_PREP ? Math.abs(v) : v, scale, -shift * scale));
            if (mode == STORE) {
                y[yOff + i] = e;
            } else if (mode == SIGMOID_STORE) {
                y[yOff + i] = 1f / (e + 1f);
            } else if (mode == ACCUMULATE) {
                y[yOff + i] = Math.fma(e, alpha, y[yOff + i]);
            } else if (mode == TANH_PREP) {
                y[yOff + i] = Math.abs(v) < TANH_SMALL ? v : v < 0f ? -e : e;
            }
        }
    }

    /**
     * y (n) = tanh from TANH_PREP's w = x (n), in place: |w| < 1 holds x itself: x + x^3 Q(x^2); else
     * |w| = e^(2|x|): 1 - 2 / (|w| + 1), no cancellation there (>= 0.55); the sign of w; tanh(-0) = -0.
     * lanewise: y = tanh(x) by the JDK's TANH instead (SVML on x86), one call. A loop of its own (called
     * from expLoop, so that no caller inlines it: see there).
     */
    private static void tanhFinish(boolean lanewise, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector two = FloatVector.broadcast(F, 2f);
        FloatVector q4 = FloatVector.broadcast(F, Q4);
        FloatVector q3 = FloatVector.broadcast(F, Q3);
        FloatVector q2 = FloatVector.broadcast(F, Q2);
        FloatVector q1 = FloatVector.broadcast(F, Q1);
        FloatVector q0 = FloatVector.broadcast(F, Q0);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector w = FloatVector.fromArray(F, x, xOff + i);
            if (lanewise) {
                w.lanewise(VectorOperators.TANH).intoArray(y, yOff + i);
            } else {
                FloatVector a = w.abs();
                FloatVector z = a.mul(a);
                FloatVector small = z.fma(q4, q3).fma(z, q2).fma(z, q1).fma(z, q0).mul(z).fma(a, a);
                FloatVector large = two.div(a.add(one)).neg().add(one);
                FloatVector t = large.blend(small, a.lt(one));
                ((FloatVector) EXACT.cast(t.blend(t.neg(), w.lt(0f)).blend(w, a.eq(0f)))).intoArray(y, yOff + i);
            }
        }
        for (; i < n; i++) { // scalar tail
            y[yOff + i] = lanewise ? (float) Math.tanh(x[xOff + i]) : tanhFinish(x[xOff + i]);
        }
    }

    /** 1 - v^2 with one rounding: the derivative of tanh from its output */
    static FloatVector oneMinusSquare(FloatVector v) {
        return v.neg().fma(v, FloatVector.broadcast(F, 1f));
    }

    // ---- scalar twins for the tails of vector loops: the same operations in the same order as the lanes

    /** e^x for one float, as the lanes of {@link #apply} compute it. */
    static float exp(float x) {
        return LANEWISE ? (float) Math.exp(x) : expPoly(x);
    }

    /** tanh for one float, as the lanes of {@link #apply} compute it. */
    static float tanh(float x) {
        return LANEWISE ? (float) Math.tanh(x) : tanhPoly(x);
    }

    /** sigmoid for one float, as the lanes of {@link #apply} compute it. */
    static float sigmoid(float x) {
        return 1f / (exp(-x) + 1f);
    }

    /** The polynomial e^x of expLoop on one float, operation for operation. */
    static float expPoly(float x) {
        float xc = Math.min(Math.max(x, -EXP_CLAMP), EXP_CLAMP);
        float kf = Math.fma(xc, LOG2E, ROUND_MAGIC) - ROUND_MAGIC;
        float r = Math.fma(kf, -LN2_HI, xc);
        r = Math.fma(kf, -LN2_LO, r);
        float p = Math.fma(r, P5, P4);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P1);
        p = Math.fma(p, r, P0);
        p = Math.fma(p, r * r, r) + 1f;
        float k1t = Math.fma(kf, 0.5f, -0.25f) + ROUND_MAGIC;
        float odd = Math.fma(k1t - ROUND_MAGIC, -2f, kf);
        float s1 = Float.intBitsToFloat((Float.floatToRawIntBits(k1t) + 127) << 23);
        return p * s1 * (s1 * (odd + 1f));
    }

    /** The polynomial tanh of expLoop's TANH_PREP and tanhFinish on one float, operation for operation. */
    static float tanhPoly(float x) {
        float a = Math.abs(x);
        float e = expPoly(a + a);
        return tanhFinish(a < TANH_SMALL ? x : x < 0f ? -e : e);
    }

    private static float tanhFinish(float w) {
        float a = Math.abs(w);
        float z = a * a;
        float q = Math.fma(z, Q4, Q3);
        q = Math.fma(q, z, Q2);
        q = Math.fma(q, z, Q1);
        q = Math.fma(q, z, Q0);
        float small = Math.fma(q * z, a, a);
        float large = -(2f / (a + 1f)) + 1f;
        float t = a < 1f ? small : large;
        t = w < 0f ? -t : t;
        return a == 0f ? w : t;
    }

    /** The JDK's lanewise natural log (an SVML intrinsic on x86 with JDK 17+). */
    static FloatVector log(FloatVector x) {
        return x.lanewise(VectorOperators.LOG);
    }
}
