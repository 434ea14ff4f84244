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
 * sigmoid and tanh are our own single-pass polynomials on FMA lanes in every mode: sigmoid = 1 / (1 + e^-x),
 * tanh = sign(x) m / (m + 2) with m = expm1(2|x|), both on one Cody-Waite reduction and Cephes' minimax
 * polynomial for e^r - 1, 2^k added into the exponent field with one integer add (the input clamped where
 * that add stays in the normal range). expm1 keeps tanh accurate near 0 without a second polynomial: for
 * |x| < ln2 / 4 it is the polynomial itself. They are faster than the JDK's lanewise operators (SVML calls,
 * which also spill the loop's constants around every call) on every JDK and width measured, ns per element
 * over 4096 floats in [-8, 8] (a scratch loop, best of 30 x 2000 calls, one thread; AMD EPYC family 26
 * model 2, Zen 5, 2 cores):
 * <pre>
 *                           sigmoid: ours   lanewise     tanh: ours   lanewise   (the two-pass poly before)
 *   JDK 17.0.15, 512 bits         0.275-0.280  0.368-0.385        0.382-0.396  0.467-0.484  (0.678)
 *   Temurin 25.0.3, 512 bits      0.250-0.254  0.285-0.307        0.231-0.323  0.430-0.445
 *   JDK 17.0.15, -XX:UseAVX=2     0.403        0.486              0.393        1.367
 * </pre>
 * Max error over a dense grid of [-20, 20] (step 2^-12) against the double function: sigmoid 8.9e-8, tanh
 * 8.8e-8 absolute and 1.4e-7 relative (also over [2^-30, 1]); the bound the tests hold is 5e-7 absolute.
 * Being pure FMA/IEEE arithmetic they give the same bits interpreted or compiled, and the scalar tails of
 * every kernel call their twins {@link #sigmoid(float)} and {@link #tanh(float)}, the same operations in the
 * same order, so an element gets the same value whether it falls in a vector or in the tail.
 *
 * For exp two candidates remain: the JDK's lanewise {@code VectorOperators.EXP} (an SVML call on x86_64
 * Linux and Windows, JDK 17+) and our polynomial ({@link #expPoly}). ns per element as above, measured in an
 * earlier session on an AMD EPYC with AVX-512 (16 float lanes; its family and model not recorded): JDK 17.0.15
 * lanewise 0.277 / poly 0.324, JDK 25 0.133 / 0.281; max error 0.50
 * / 0.98 ulp (bound 2 ulp). The lanewise one is faster but not reproducible: before C2 compiles a loop the
 * JDK computes it per lane in Java ((float) Math.exp), which rounds differently (by an ulp) from SVML, so the
 * same softmax gives other low bits in a cold and a warm JVM. Hence the deterministic mode
 * (-Dlanegrad.deterministic=true): exp uses the polynomial too. Elsewhere (aarch64, macOS) the lanewise
 * operators are a scalar loop per lane, far slower, so there the polynomial is used in both modes.
 * {@code -Dlanegrad.vectormath=lanewise|poly} forces one for exp.
 *
 * JDK 17's C2 boxed vectors (an object per vector) in large compiled methods: the polynomials took C2 past
 * its inlining budget inside the fused LSTM/GRU/RNN step kernels (S1 LSTM 4.6 MB per sequence). So every
 * function here is an array loop of its own, too large to be inlined into a caller (see expLoop), and the
 * kernels allocate nothing per step (0 B/op in S1 and S5).
 * The species is {@link #F}, one static final to swap.
 *
 * Edge behaviour: exp(x) = +Infinity above ~88.72 and a subnormal or 0 below ~-87.3; sigmoid is exactly 1
 * from x ~ 16.6 and exactly 0 below -88.7 (like PyTorch's float32); tanh is exactly +-1 from |x| ~ 9.01 and
 * keeps the sign of 0; NaN in gives NaN out (VectorMathAccuracyTest asserts all of it).
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

    // sigmoid's e^-x with 2^k added into the exponent field: -x clamped to [SIGMOID_LO, SIGMOID_HI], where
    // k <= 128 meets e^r < 1 and the sum stays finite; above SIGMOID_HI, e is +Infinity (sigmoid 0); below
    // SIGMOID_LO, e is ~1e-35 and sigmoid 1 long before.
    private static final float SIGMOID_LO = -80f;
    private static final float SIGMOID_HI = 88.7f;
    // tanh's |x| clamp: from 9.01 tanh is 1 in float, and at 10 m + 2 rounds to m
    private static final float TANH_CLAMP = 10f;
    private static final int ONE_BITS = Float.floatToRawIntBits(1f);
    private static final int SIGN_BIT = 0x80000000;

    private VectorMath() {
    }

    /** The functions of {@link #apply}. */
    static final int EXP = 0;
    static final int SIGMOID = 1;
    static final int TANH = 2;

    // the modes of expLoop
    private static final int STORE = 0;
    private static final int ACCUMULATE = 1;

    /** y (n) = f(x (n)) for f = EXP, SIGMOID or TANH; y may be x (same offset). */
    static void apply(int f, float[] x, int xOff, float[] y, int yOff, int n) {
        if (f == TANH) {
            tanhLoop(x, xOff, y, yOff, n);
        } else if (f == SIGMOID) {
            sigmoidLoop(x, xOff, y, yOff, n);
        } else {
            expLoop(STORE, x, xOff, 0f, y, yOff, n, 0f);
        }
    }

    /** y (n) = exp(x (n) - shift) */
    static void expShifted(float[] x, int xOff, float shift, float[] y, int yOff, int n) {
        expLoop(STORE, x, xOff, shift, y, yOff, n, 0f);
    }

    /** y (n) = fma(exp(x (n)), alpha, y (n)); y may be x. */
    static void addScaledExp(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        expLoop(ACCUMULATE, x, xOff, 0f, y, yOff, n, alpha);
    }

    /**
     * The vector loop of exp: e = exp(x (n) - shift), then by mode: y = e (STORE) or y = fma(e, alpha, y)
     * (ACCUMULATE). Each element is read before it is written: y may be x.
     *
     * Why exp, sigmoid and tanh are array loops of their own, with no helper that takes or returns a vector,
     * no vector accumulator and no vector merged from two branches: JDK 17's C2 boxed vectors (an object per
     * vector) in large compiled methods, depending on compilation order: a helper compiled on its own first
     * and then not inlined, or a Vector API call it failed to intrinsify (a "missing constant" species after
     * a type-profile guard), most often on a loop-carried vector or after a merge. Inside the fused LSTM
     * step (five activations in one method) the deterministic mode allocated 0.9 MB per S1 sequence and
     * 39 MB per S3 step; one loop for all of exp, sigmoid and tanh (~80 intrinsics, with a running sum)
     * still 0.2-1.2 MB per S1 sequence in some JVM runs (JDK 17.0.15, AVX-512; JDK 25 was clean). Only
     * arrays and numbers cross these methods' boundaries, and each is over FreqInlineSize (325 bytecodes), so
     * it is never inlined into a caller: each call runs its loop as compiled alone.
     */
    private static void expLoop(int mode, float[] x, int xOff, float shift, float[] y, int yOff, int n, float alpha) {
        // every constant broadcast once, outside the loop, in each of the three loops: as static final
        // FloatVectors C2 reloads them from their boxes in every iteration (the sigmoid loop 0.537 against 0.282 ns
        // per element on JDK 17, 0.392 against 0.252 on Temurin 25; AMD EPYC family 26 model 2, AVX-512), and a
        // helper returning them would be a vector crossing a method boundary. The loop-invariant mode by branches
        // whose values stay inside them (no merged vector for C2 to lose the type of)
        FloatVector offset = FloatVector.broadcast(F, -shift);
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
            FloatVector arg = FloatVector.fromArray(F, x, xOff + i).add(offset); // x - shift, as the tail
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
            } else {
                out = e.fma(alphaV, FloatVector.fromArray(F, y, yOff + i));
            }
            // the exact class for C2, which may otherwise know it only from a profile and lose the
            // species constant on the store (it boxed this vector in about half the JDK 17 runs)
            ((FloatVector) EXACT.cast(out)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) { // scalar tail: the twin, operation for operation
            float e = exp(x[xOff + i] - shift);
            y[yOff + i] = mode == STORE ? e : Math.fma(e, alpha, y[yOff + i]);
        }
    }

    /** y (n) = sigmoid(x (n)) = 1 / (1 + e^-x); y may be x. The lanes of {@link #sigmoid(float)}. */
    private static void sigmoidLoop(float[] x, int xOff, float[] y, int yOff, int n) {
        // the constants broadcast here, as in expLoop (which says why)
        FloatVector lo = FloatVector.broadcast(F, SIGMOID_LO);
        FloatVector hi = FloatVector.broadcast(F, SIGMOID_HI);
        FloatVector infinity = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
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
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector a = FloatVector.fromArray(F, x, xOff + i).neg();
            // clamped by compare and blend (Java's min and max order NaNs and zeros: several instructions each)
            VectorMask<Float> over = a.compare(VectorOperators.GT, hi);
            FloatVector ac = a.blend(lo, a.compare(VectorOperators.LT, lo)).blend(hi, over);
            FloatVector km = ac.fma(log2e, magic);                          // low mantissa bits: k
            FloatVector kf = km.sub(magic);
            FloatVector r = kf.fma(ln2hi, ac);
            r = kf.fma(ln2lo, r);
            FloatVector q = r.fma(p5, p4).fma(r, p3).fma(r, p2).fma(r, p1).fma(r, p0).fma(r.mul(r), r);
            IntVector k23 = ((IntVector) INT_EXACT.cast(km.reinterpretAsInts())).lanewise(VectorOperators.LSHL, 23);
            FloatVector e = ((IntVector) INT_EXACT.cast(q.add(one).reinterpretAsInts())).add(k23).reinterpretAsFloats();
            ((FloatVector) EXACT.cast(one.div(e.blend(infinity, over).add(one)))).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = sigmoid(x[xOff + i]);
        }
    }

    /** y (n) = tanh(x (n)) = sign(x) m / (m + 2), m = expm1(2|x|); y may be x. The lanes of {@link #tanh(float)}. */
    private static void tanhLoop(float[] x, int xOff, float[] y, int yOff, int n) {
        // the constants broadcast here, as in expLoop (which says why)
        FloatVector clamp = FloatVector.broadcast(F, TANH_CLAMP);
        FloatVector log2e2 = FloatVector.broadcast(F, 2f * LOG2E);
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
        FloatVector two = FloatVector.broadcast(F, 2f);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            FloatVector a = v.abs();
            a = a.blend(clamp, a.compare(VectorOperators.GT, clamp));
            FloatVector km = a.fma(log2e2, magic);                          // low mantissa bits: k
            FloatVector kf = km.sub(magic);
            FloatVector r = kf.fma(ln2hi, a.add(a));
            r = kf.fma(ln2lo, r);
            FloatVector q = r.fma(p5, p4).fma(r, p3).fma(r, p2).fma(r, p1).fma(r, p0).fma(r.mul(r), r);
            FloatVector s = ((IntVector) INT_EXACT.cast(km.reinterpretAsInts())).lanewise(VectorOperators.LSHL, 23)
                    .add(ONE_BITS).reinterpretAsFloats();                   // 2^k
            FloatVector m = s.fma(q, s.sub(one));                           // 2^k (q + 1) - 1
            IntVector t = (IntVector) INT_EXACT.cast(m.div(m.add(two)).reinterpretAsInts());
            IntVector signOfX = ((IntVector) INT_EXACT.cast(v.reinterpretAsInts())).and(SIGN_BIT);
            ((FloatVector) EXACT.cast(t.or(signOfX).reinterpretAsFloats())).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = tanh(x[xOff + i]);
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

    /** The polynomial e^x of expLoop on one float, operation for operation. */
    static float expPoly(float x) {
        float xc = Math.min(Math.max(x, -EXP_CLAMP), EXP_CLAMP);
        float kf = Math.fma(xc, LOG2E, ROUND_MAGIC) - ROUND_MAGIC;
        float r = Math.fma(kf, -LN2_HI, xc);
        r = Math.fma(kf, -LN2_LO, r);
        float p = expm1Reduced(r) + 1f;
        float k1t = Math.fma(kf, 0.5f, -0.25f) + ROUND_MAGIC;
        float odd = Math.fma(k1t - ROUND_MAGIC, -2f, kf);
        float s1 = Float.intBitsToFloat((Float.floatToRawIntBits(k1t) + 127) << 23);
        return p * s1 * (s1 * (odd + 1f));
    }

    /** sigmoid for one float, as the lanes of sigmoidLoop compute it. */
    static float sigmoid(float x) {
        float a = -x;
        boolean over = a > SIGMOID_HI;
        float ac = over ? SIGMOID_HI : a < SIGMOID_LO ? SIGMOID_LO : a;
        float km = Math.fma(ac, LOG2E, ROUND_MAGIC);
        float kf = km - ROUND_MAGIC;
        float r = Math.fma(kf, -LN2_HI, ac);
        r = Math.fma(kf, -LN2_LO, r);
        float e = Float.intBitsToFloat(Float.floatToRawIntBits(expm1Reduced(r) + 1f) + (Float.floatToRawIntBits(km) << 23));
        return 1f / ((over ? Float.POSITIVE_INFINITY : e) + 1f);
    }

    /** tanh for one float, as the lanes of tanhLoop compute it. */
    static float tanh(float x) {
        float a = Math.abs(x);
        a = a > TANH_CLAMP ? TANH_CLAMP : a;
        float km = Math.fma(a, 2f * LOG2E, ROUND_MAGIC);
        float kf = km - ROUND_MAGIC;
        float r = Math.fma(kf, -LN2_HI, a + a);
        r = Math.fma(kf, -LN2_LO, r);
        float s = Float.intBitsToFloat((Float.floatToRawIntBits(km) << 23) + ONE_BITS);
        float m = Math.fma(s, expm1Reduced(r), s - 1f);
        float t = m / (m + 2f);
        return Float.intBitsToFloat(Float.floatToRawIntBits(t) | (Float.floatToRawIntBits(x) & SIGN_BIT));
    }

    /** e^r - 1 for the reduced argument (|r| <= ln2 / 2): r + r^2 P(r), the polynomial of all three. */
    private static float expm1Reduced(float r) {
        float p = Math.fma(r, P5, P4);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P1);
        p = Math.fma(p, r, P0);
        return Math.fma(p, r * r, r);
    }

    /** The JDK's lanewise natural log (an SVML intrinsic on x86 with JDK 17+). */
    static FloatVector log(FloatVector x) {
        return x.lanewise(VectorOperators.LOG);
    }
}
