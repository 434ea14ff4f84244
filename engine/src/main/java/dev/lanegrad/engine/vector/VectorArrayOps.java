package dev.lanegrad.engine.vector;

import dev.lanegrad.engine.ArrayOps;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The elementwise kernels, reductions and activations on Vector API lanes.
 *
 * Every loop runs whole vectors up to {@code F.loopBound(n)} and finishes with a labelled scalar
 * tail (no masked loads in hot loops). Reductions keep four independent accumulators (a vector add
 * or FMA has a latency of about 4 cycles and the core can start one or two per cycle: a single
 * accumulator would leave the FP pipes idle most of the time) and call reduceLanes once per result. Transcendentals come from {@link VectorMath}; the
 * scalar tails use the same double-precision formulas as the scalar specification (ScalarArrayOps).
 * Arguments are checked once per call in front of this class ({@link ArrayOps#checked}); here only the work.
 * The row-wise softmax family is inherited from {@link VectorSoftmax}.
 */
final class VectorArrayOps extends VectorSoftmax {

    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final int L = F.length();

    // ---- elementwise: out (n) = a (n) op b (n) ----

    @Override
    public void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, a, aOff + i).add(FloatVector.fromArray(F, b, bOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) { // scalar tail
            out[outOff + i] = a[aOff + i] + b[bOff + i];
        }
    }

    @Override
    public void sub(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, a, aOff + i).sub(FloatVector.fromArray(F, b, bOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) { // scalar tail
            out[outOff + i] = a[aOff + i] - b[bOff + i];
        }
    }

    @Override
    public void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        mulUnchecked(a, aOff, b, bOff, out, outOff, n);
    }

    /** out (n) = a (n) * b (n); out may be a or b. Its own small compiled unit for the fused kernels' callers. */
    static void mulUnchecked(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, a, aOff + i).mul(FloatVector.fromArray(F, b, bOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) { // scalar tail
            out[outOff + i] = a[aOff + i] * b[bOff + i];
        }
    }

    /** y (n) += alpha * x (n), with one rounding per element (FMA) where the scalar spec rounds twice. */
    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOff + i).fma(FloatVector.broadcast(F, alpha), FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) { // scalar tail
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOff + i).mul(alpha).intoArray(x, xOff + i);
        }
        for (; i < n; i++) { // scalar tail
            x[xOff + i] *= alpha;
        }
    }

    @Override
    public void fill(float value, float[] x, int xOff, int n) {
        // a plain loop that C2 already turns into wide stores
        java.util.Arrays.fill(x, xOff, xOff + n, value);
    }

    @Override
    public void copy(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        System.arraycopy(src, srcOff, dst, dstOff, n); // an intrinsic: wide moves already
    }

    // ---- reductions ----

    /** sum of x (n) */
    @Override
    public float sum(float[] x, int xOff, int n) {
        return sumUnchecked(x, xOff, n);
    }

    static float sumUnchecked(float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        int i = 0;
        for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
            a0 = a0.add(FloatVector.fromArray(F, x, xOff + i));
            a1 = a1.add(FloatVector.fromArray(F, x, xOff + i + L));
            a2 = a2.add(FloatVector.fromArray(F, x, xOff + i + 2 * L));
            a3 = a3.add(FloatVector.fromArray(F, x, xOff + i + 3 * L));
        }
        for (int bound = F.loopBound(n); i < bound; i += L) {
            a0 = a0.add(FloatVector.fromArray(F, x, xOff + i));
        }
        float acc = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) { // scalar tail
            acc += x[xOff + i];
        }
        return acc;
    }

    /** a (n) . b (n) */
    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        return dotUnchecked(a, aOff, b, bOff, n);
    }

    static float dotUnchecked(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        int i = 0;
        for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
            a0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), a0);
            a1 = FloatVector.fromArray(F, a, aOff + i + L).fma(FloatVector.fromArray(F, b, bOff + i + L), a1);
            a2 = FloatVector.fromArray(F, a, aOff + i + 2 * L).fma(FloatVector.fromArray(F, b, bOff + i + 2 * L), a2);
            a3 = FloatVector.fromArray(F, a, aOff + i + 3 * L).fma(FloatVector.fromArray(F, b, bOff + i + 3 * L), a3);
        }
        for (int bound = F.loopBound(n); i < bound; i += L) {
            a0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), a0);
        }
        float acc = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) { // scalar tail
            acc += a[aOff + i] * b[bOff + i];
        }
        return acc;
    }

    /** max of x (n) */
    @Override
    public float max(float[] x, int xOff, int n) {
        return maxUnchecked(x, xOff, n);
    }

    /** lanewise max follows Math.max, so a NaN anywhere makes the result NaN, like the scalar loop. */
    static float maxUnchecked(float[] x, int xOff, int n) {
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector m1 = m0;
        FloatVector m2 = m0;
        FloatVector m3 = m0;
        int i = 0;
        for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
            m0 = m0.max(FloatVector.fromArray(F, x, xOff + i));
            m1 = m1.max(FloatVector.fromArray(F, x, xOff + i + L));
            m2 = m2.max(FloatVector.fromArray(F, x, xOff + i + 2 * L));
            m3 = m3.max(FloatVector.fromArray(F, x, xOff + i + 3 * L));
        }
        for (int bound = F.loopBound(n); i < bound; i += L) {
            m0 = m0.max(FloatVector.fromArray(F, x, xOff + i));
        }
        float best = m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) { // scalar tail
            best = Math.max(best, x[xOff + i]);
        }
        return best;
    }

    // ---- matrices (rows, cols), row stride ld ----

    /** x (rows, cols; ldx) += bias (cols) broadcast over rows */
    @Override
    public void addRowBias(float[] x, int xOff, int rows, int cols, int ldx, float[] bias, int biasOff) {
        int bound = F.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = xOff + r * ldx;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(F, x, row + j).add(FloatVector.fromArray(F, bias, biasOff + j)).intoArray(x, row + j);
            }
            for (; j < cols; j++) { // scalar tail
                x[row + j] += bias[biasOff + j];
            }
        }
    }

    /**
     * x (rows, cols; ldx) += first, then += second, in one pass over x: an LSTM step's 64 x 4096 gates (S4) took
     * 37-38 us against 44 us for two passes, 64 x 1024 7.6 against 9.0 (AMD EPYC family 25 model 17, Zen 4,
     * AVX-512, JDK 17.0.15, one thread, medians of 1 s rounds, the buffer warm in cache; the recurrent loops touch
     * it fresh from the projection, where the second pass costs more).
     */
    @Override
    public void addRowBiases(float[] x, int xOff, int rows, int cols, int ldx,
                             float[] first, int firstOff, float[] second, int secondOff) {
        int bound = F.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = xOff + r * ldx;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(F, x, row + j).add(FloatVector.fromArray(F, first, firstOff + j))
                        .add(FloatVector.fromArray(F, second, secondOff + j)).intoArray(x, row + j);
            }
            for (; j < cols; j++) { // scalar tail
                x[row + j] = (x[row + j] + first[firstOff + j]) + second[secondOff + j];
            }
        }
    }

    /**
     * out (cols) += column sums of x (rows, cols; ldx) in blocks of rows: the scalar spec's additions, a column
     * per lane. Row by row, with the block's and the total's running sums in a per-thread scratch row each:
     * walking one column strip down all rows instead touched one cache line per row (and a new 4 KiB page
     * per row at ldx = 1024): 1024 x 1024 (a bias gradient over 1024 tokens of an LSTM of H = 256) ran 326 us
     * at 512 bits and 597 us at 256, against 102 and 86 us this way (AMD EPYC family 26 model 2, Zen 5, AVX-512,
     * JDK 17, one thread; the same bits, VectorArrayOpsProperties).
     */
    @Override
    public void addColumnSums(float[] x, int xOff, int rows, int cols, int ldx, float[] out, int outOff) {
        float[] sums = GemmWorkspace.get().acc(2 * cols); // [0, cols): this block's, [cols, 2 cols): the total
        java.util.Arrays.fill(sums, 0, 2 * cols, 0f);
        for (int r0 = 0; r0 < rows; r0 += COLUMN_SUM_BLOCK) {
            // one call of add per row, only arrays crossing: with the row loop written out here, C2 boxed
            // one row's vectors per call in two JVMs out of three (49.8 KB per S3 step at 256 bits)
            for (int r = r0, end = Math.min(rows, r0 + COLUMN_SUM_BLOCK); r < end; r++) {
                add(sums, 0, x, xOff + r * ldx, sums, 0, cols);
            }
            add(sums, cols, sums, 0, sums, cols, cols);
            java.util.Arrays.fill(sums, 0, cols, 0f);
        }
        add(out, outOff, sums, cols, out, outOff, cols);
    }

    /**
     * The specification's operations lane by lane (no FMA: each product and sum rounds as in Java's scalar
     * code; the lanewise square root is correctly rounded, as (float) Math.sqrt of a float is), so the same bits.
     * The scalar loop ran ~3.1 ns per parameter (1M parameters, AMD EPYC family 26 model 2, Zen 5, AVX-512,
     * JDK 17): its square root and division are not vectorized by C2. Measured figures for this kernel:
     * docs/kernels.md.
     */
    @Override
    public void adamStep(float[] p, int pOff, float[] g, int gOff, float[] m, float[] v, int n,
                         float beta1, float beta2, float eps, float l2, float shrink, float stepSize, float vCorrection) {
        float oneMinusBeta1 = 1f - beta1;
        float oneMinusBeta2 = 1f - beta2;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector w = FloatVector.fromArray(F, p, pOff + i);
            FloatVector grad = FloatVector.fromArray(F, g, gOff + i).add(w.mul(l2));
            FloatVector mNew = FloatVector.fromArray(F, m, i).mul(beta1).add(grad.mul(oneMinusBeta1));
            FloatVector vNew = FloatVector.fromArray(F, v, i).mul(beta2).add(grad.mul(oneMinusBeta2).mul(grad));
            mNew.intoArray(m, i);
            vNew.intoArray(v, i);
            FloatVector denominator = vNew.lanewise(VectorOperators.SQRT).div(vCorrection).add(eps);
            w.mul(shrink).sub(mNew.mul(stepSize).div(denominator)).intoArray(p, pOff + i);
        }
        ArrayOps.adamStepRange(p, pOff, g, gOff, m, v, i, n, beta1, beta2, eps, l2, shrink, stepSize, vCorrection);
    }

    // ---- activations: y (n) = f(x (n)); backward dx (n) += dy (n) * f'(saved) ----

    @Override
    public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        VectorMath.apply(VectorMath.TANH, x, xOff, y, yOff, n);
    }

    @Override
    public void tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, y, yOff + i);
            FloatVector d = VectorMath.oneMinusSquare(v);
            FloatVector.fromArray(F, dy, dyOff + i).fma(d, FloatVector.fromArray(F, dx, dxOff + i)).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) { // scalar tail
            float v = y[yOff + i];
            dx[dxOff + i] += dy[dyOff + i] * (1f - v * v);
        }
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        VectorMath.apply(VectorMath.SIGMOID, x, xOff, y, yOff, n);
    }

    @Override
    public void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, y, yOff + i);
            FloatVector d = v.fma(v.neg(), v); // y - y^2 = y (1 - y)
            FloatVector.fromArray(F, dy, dyOff + i).fma(d, FloatVector.fromArray(F, dx, dxOff + i)).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) { // scalar tail
            float v = y[yOff + i];
            dx[dxOff + i] += dy[dyOff + i] * (v * (1f - v));
        }
    }

    @Override
    public void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            // not lanewise max(x, 0), which passes NaN through: the spec's "v > 0 ? v : 0" gives 0 for NaN
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            FloatVector.zero(F).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) { // scalar tail
            float v = x[xOff + i];
            y[yOff + i] = v > 0f ? v : 0f;
        }
    }

    @Override
    public void reluBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(F, y, yOff + i);
            FloatVector g = FloatVector.zero(F).blend(FloatVector.fromArray(F, dy, dyOff + i), v.compare(VectorOperators.GT, 0f));
            FloatVector.fromArray(F, dx, dxOff + i).add(g).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) { // scalar tail
            if (y[yOff + i] > 0f) {
                dx[dxOff + i] += dy[dyOff + i];
            }
        }
    }

    @Override
    public void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        VectorMath.apply(VectorMath.EXP, x, xOff, y, yOff, n);
    }

    @Override
    public void expBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, dy, dyOff + i).fma(FloatVector.fromArray(F, y, yOff + i), FloatVector.fromArray(F, dx, dxOff + i))
                    .intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) { // scalar tail
            dx[dxOff + i] += dy[dyOff + i] * y[yOff + i];
        }
    }

    @Override
    public void log(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        // without SVML (see VectorMath) the JDK's lanewise LOG is a scalar loop per lane: plain Math.log is faster
        for (int bound = VectorMath.LANEWISE ? F.loopBound(n) : 0; i < bound; i += L) {
            VectorMath.log(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) { // scalar tail
            y[yOff + i] = (float) Math.log(x[xOff + i]);
        }
    }

    @Override
    public void logBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector q = FloatVector.fromArray(F, dy, dyOff + i).div(FloatVector.fromArray(F, x, xOff + i));
            FloatVector.fromArray(F, dx, dxOff + i).add(q).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) { // scalar tail
            dx[dxOff + i] += dy[dyOff + i] / x[xOff + i];
        }
    }
}
