package dev.lanegrad.engine;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;
import java.util.function.BiConsumer;

import static dev.lanegrad.engine.KernelTestSupport.EPS;
import static dev.lanegrad.engine.KernelTestSupport.assertClose;
import static dev.lanegrad.engine.KernelTestSupport.assertSame;
import static dev.lanegrad.engine.KernelTestSupport.maxAbs;
import static dev.lanegrad.engine.KernelTestSupport.sumAbs;
import static dev.lanegrad.engine.KernelTestSupport.tol;
import static dev.lanegrad.engine.KernelTestSupport.uniform;
import static dev.lanegrad.engine.KernelTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every VectorArrayOps method equals the scalar specification over awkward lengths, random offsets
 * and values that include +-100 and +-1e30. Tolerances, per element:
 * add, sub, mul, scale, fill, copy, max, relu(+backward), addRowBias, addColumnSums: bit-exact
 * (same IEEE operations in the same order); axpy and the backward kernels: FMA rounds once where
 * the spec rounds twice, a few ulps of the terms; tanh and sigmoid: 5e-7 absolute (the VectorMath
 * bound); exp: 2 ulp relative; log: 1 ulp; sum and dot: the float summation bound 2 n eps sum|terms|
 * (the vector sum adds in a different order); softmax family: 1e-5 relative plus a few ulps.
 */
class VectorArrayOpsProperties {

    private final ArrayOps s = KernelTestSupport.SCALAR.ops();
    private final ArrayOps v = KernelTestSupport.VECTOR.ops();

    @Provide
    Arbitrary<Integer> lengths() {
        return KernelTestSupport.lengths();
    }

    /** start's copy through the scalar op and another through the vector op end equal to the bit; returns the scalar one */
    private float[] sameBits(String what, float[] start, BiConsumer<ArrayOps, float[]> op) {
        float[] e = start.clone();
        float[] g = start.clone();
        op.accept(s, e);
        op.accept(v, g);
        assertSame(what, e, g);
        return e;
    }

    /** a (padded) copy: [off garbage][n values][3 garbage] */
    private static float[] place(float[] values, int off, Random random) {
        float[] a = new float[off + values.length + 3];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat() * 7f - 3f;
        }
        System.arraycopy(values, 0, a, off, values.length);
        return a;
    }

    @Property(tries = 60)
    void binaryElementwiseIsExact(@ForAll("lengths") int n, @ForAll @IntRange(max = 19) int aOff,
                                  @ForAll @IntRange(max = 19) int bOff, @ForAll @IntRange(max = 19) int oOff, @ForAll long seed) {
        Random r = new Random(seed);
        float[] a = place(values(r, n, 10f, 0.05, true), aOff, r);
        float[] b = place(values(r, n, 10f, 0.05, true), bOff, r);
        float[] out0 = place(new float[n], oOff, r);
        sameBits("add n=" + n, out0, (ops, out) -> ops.add(a, aOff, b, bOff, out, oOff, n));
        sameBits("sub n=" + n, out0, (ops, out) -> ops.sub(a, aOff, b, bOff, out, oOff, n));
        sameBits("mul n=" + n, out0, (ops, out) -> ops.mul(a, aOff, b, bOff, out, oOff, n));
        // in place: out aliases a exactly
        sameBits("add in place n=" + n, a, (ops, out) -> ops.add(out, aOff, b, bOff, out, aOff, n));
    }

    @Property(tries = 60)
    void axpyScaleFillCopy(@ForAll("lengths") int n, @ForAll @IntRange(max = 19) int xOff, @ForAll @IntRange(max = 19) int yOff,
                           @ForAll long seed) {
        Random r = new Random(seed);
        float[] x = place(values(r, n, 10f, 0.05, false), xOff, r);
        float[] y = place(values(r, n, 10f, 0.05, false), yOff, r);
        float alpha = (float) r.nextGaussian();
        float[] e = y.clone();
        float[] g = y.clone();
        s.axpy(alpha, x, xOff, e, yOff, n);
        v.axpy(alpha, x, xOff, g, yOff, n);
        // FMA: one rounding instead of two, at most an ulp of each term apart
        assertClose("axpy n=" + n, e, g, 0, e.length,
                (i, ev) -> 2 * EPS * (Math.abs(ev) + (i >= yOff && i < yOff + n ? Math.abs(alpha * x[xOff + i - yOff]) + Math.abs(y[i]) : 0)));

        sameBits("scale n=" + n, x, (ops, out) -> ops.scale(alpha, out, xOff, n));
        sameBits("fill n=" + n, x, (ops, out) -> ops.fill(alpha, out, xOff, n));
        sameBits("copy n=" + n, y, (ops, out) -> ops.copy(x, xOff, out, yOff, n));
    }

    @Property(tries = 80)
    void reductions(@ForAll("lengths") int n, @ForAll @IntRange(max = 19) int aOff, @ForAll @IntRange(max = 19) int bOff,
                    @ForAll long seed) {
        Random r = new Random(seed);
        float[] a = place(values(r, n, 10f, 0.05, false), aOff, r);
        float[] b = place(values(r, n, 10f, 0.05, false), bOff, r);

        double sumBound = 2 * n * EPS * sumAbs(a, aOff, n);
        float es = s.sum(a, aOff, n);
        float gs = v.sum(a, aOff, n);
        assertTrue(Math.abs(es - gs) <= sumBound, "sum n=" + n + ": " + es + " vs " + gs + ", bound " + sumBound);

        double dotAbs = 0;
        for (int i = 0; i < n; i++) {
            dotAbs += Math.abs((double) a[aOff + i] * b[bOff + i]);
        }
        float ed = s.dot(a, aOff, b, bOff, n);
        float gd = v.dot(a, aOff, b, bOff, n);
        assertTrue(Math.abs(ed - gd) <= 2 * (n + 1) * EPS * dotAbs, "dot n=" + n + ": " + ed + " vs " + gd);

        assertEquals(s.max(a, aOff, n), v.max(a, aOff, n), "max n=" + n);
        if (n > 0) {
            float[] withNaN = a.clone();
            withNaN[aOff + r.nextInt(n)] = Float.NaN;
            assertTrue(Float.isNaN(v.max(withNaN, aOff, n)), "max with a NaN must be NaN, n=" + n);
            float[] huge = values(r, n, 1f, 0.2, true);
            assertEquals(s.max(huge, 0, n), v.max(huge, 0, n), "max with +-1e30, n=" + n);
        } else {
            assertEquals(Float.NEGATIVE_INFINITY, v.max(a, aOff, 0));
        }
    }

    @Property(tries = 40)
    void rowBiasAndColumnSumsAreExact(@ForAll @IntRange(max = 9) int rows, @ForAll("lengths") int cols,
                                      @ForAll @IntRange(max = 5) int pad, @ForAll @IntRange(max = 19) int off, @ForAll long seed) {
        Random r = new Random(seed);
        int ld = Math.max(1, cols + pad);
        float[] x = place(values(r, rows * ld, 10f, 0.05, true), off, r);
        float[] bias = place(values(r, cols, 10f, 0.05, true), 2, r);
        sameBits("addRowBias " + rows + "x" + cols + " ld " + ld, x, (ops, out) -> ops.addRowBias(out, off, rows, cols, ld, bias, 2));
        float[] second = place(values(r, cols, 10f, 0.05, true), 5, r);
        sameBits("addRowBiases " + rows + "x" + cols + " ld " + ld, x,
                (ops, out) -> ops.addRowBiases(out, off, rows, cols, ld, bias, 2, second, 5));
        sameBits("addColumnSums " + rows + "x" + cols + " ld " + ld, bias,
                (ops, out) -> ops.addColumnSums(x, off, rows, cols, ld, out, 2));
    }

    /**
     * An Adam step (with and without weight decay, either form, early and late steps) changes the parameters and
     * both moments to the same values in both kernels, including gradients of +-100 and +-1e30 and a negative
     * second moment (NaN, as in the specification).
     */
    @Property(tries = 40)
    void adamStepIsExact(@ForAll("lengths") int n, @ForAll @IntRange(max = 19) int pOff, @ForAll @IntRange(max = 19) int gOff,
                         @ForAll @IntRange(min = 1, max = 5000) int step, @ForAll boolean decay, @ForAll boolean decoupled,
                         @ForAll long seed) {
        Random r = new Random(seed);
        float[] p = place(values(r, n, 2f, 0.05, false), pOff, r);
        float[] g = place(values(r, n, 1f, 0.05, true), gOff, r);
        float[] first = values(r, n, 0.1f, 0.0, false);
        float[] second = values(r, n, 0.01f, 0.0, false);
        for (int i = 0; i < n; i++) {
            second[i] = i == 3 ? -second[i] : Math.abs(second[i]);
        }
        float lr = 2e-3f;
        float weightDecay = decay ? 0.01f : 0f;
        float l2 = decoupled ? 0f : weightDecay;
        float shrink = decoupled ? 1f - lr * weightDecay : 1f;
        float stepSize = (float) (lr / (1.0 - Math.pow(0.9, step)));
        float vCorrection = (float) Math.sqrt(1.0 - Math.pow(0.999, step));
        float[][] scalar = {p.clone(), first.clone(), second.clone()};
        float[][] vector = {p.clone(), first.clone(), second.clone()};
        s.adamStep(scalar[0], pOff, g, gOff, scalar[1], scalar[2], n, 0.9f, 0.999f, 1e-8f, l2, shrink, stepSize, vCorrection);
        v.adamStep(vector[0], pOff, g, gOff, vector[1], vector[2], n, 0.9f, 0.999f, 1e-8f, l2, shrink, stepSize, vCorrection);
        String what = "adamStep n=" + n + " step " + step + (decay ? decoupled ? " decoupled decay" : " L2" : "");
        assertSame(what + ": p", scalar[0], vector[0]);
        assertSame(what + ": m", scalar[1], vector[1]);
        assertSame(what + ": v", scalar[2], vector[2]);
    }

    /**
     * Long column sums (bias gradients over T*B rows) add in the documented order, blocks of
     * COLUMN_SUM_BLOCK rows, in both kernels: the same bits as that order written out here, whatever
     * the vector width, and within the blocked error bound (32 + rows / 32 + 1) eps sum|x| of the exact sum.
     */
    @Property(tries = 30)
    void columnSumsAddInBlocksOfRows(@ForAll @IntRange(max = 300) int rows, @ForAll("lengths") int cols,
                                     @ForAll @IntRange(max = 5) int pad, @ForAll long seed) {
        Random r = new Random(seed);
        int ld = Math.max(1, cols + pad);
        float[] x = values(r, rows * ld, 10f, 0.0, false);
        float[] out0 = values(r, cols, 1f, 0.0, false);
        float[] e = sameBits("addColumnSums " + rows + "x" + cols, out0, (ops, out) -> ops.addColumnSums(x, 0, rows, cols, ld, out, 0));
        for (int j = 0; j < cols; j++) {
            float total = 0f;
            double exact = 0;
            double abs = Math.abs(out0[j]);
            for (int r0 = 0; r0 < rows; r0 += ArrayOps.COLUMN_SUM_BLOCK) {
                float block = 0f;
                for (int i = r0; i < Math.min(rows, r0 + ArrayOps.COLUMN_SUM_BLOCK); i++) {
                    block += x[i * ld + j];
                    exact += x[i * ld + j];
                    abs += Math.abs(x[i * ld + j]);
                }
                total += block;
            }
            assertEquals(Float.floatToIntBits(out0[j] + total), Float.floatToIntBits(e[j]), "column " + j + " of " + rows + " rows");
            double bound = (ArrayOps.COLUMN_SUM_BLOCK + rows / (double) ArrayOps.COLUMN_SUM_BLOCK + 2) * EPS * abs;
            assertTrue(Math.abs(e[j] - (out0[j] + exact)) <= bound, "column " + j + ": error above the blocked bound");
        }
    }

    @Property(tries = 60)
    void activationsForward(@ForAll("lengths") int n, @ForAll @IntRange(max = 19) int xOff, @ForAll @IntRange(max = 19) int yOff,
                            @ForAll long seed) {
        Random r = new Random(seed);
        float[] x = place(values(r, n, 6f, 0.05, true), xOff, r);
        if (n > 2) {
            x[xOff + r.nextInt(n)] = Float.NaN;
        }
        float[] y0 = place(new float[n], yOff, r);
        for (String op : new String[]{"tanh", "sigmoid", "relu", "exp"}) {
            float[] e = y0.clone();
            float[] g = y0.clone();
            float[] inPlace = x.clone();
            switch (op) {
                case "tanh": s.tanh(x, xOff, e, yOff, n); v.tanh(x, xOff, g, yOff, n); v.tanh(inPlace, xOff, inPlace, xOff, n); break;
                case "sigmoid": s.sigmoid(x, xOff, e, yOff, n); v.sigmoid(x, xOff, g, yOff, n); v.sigmoid(inPlace, xOff, inPlace, xOff, n); break;
                case "relu": s.relu(x, xOff, e, yOff, n); v.relu(x, xOff, g, yOff, n); v.relu(inPlace, xOff, inPlace, xOff, n); break;
                default: s.exp(x, xOff, e, yOff, n); v.exp(x, xOff, g, yOff, n); v.exp(inPlace, xOff, inPlace, xOff, n);
            }
            KernelTestSupport.Tolerance t = op.equals("exp") ? (i, ev) -> 2.0 * Math.ulp(ev)
                    : op.equals("relu") ? tol(0, 0) : tol(5e-7, 0);
            assertClose(op + " n=" + n, e, g, 0, e.length, t);
            // y aliasing x gives the same values (within the tolerance: the JDK's lanewise EXP may
            // round differently in the interpreter, a per-lane Java fallback, and in C2, which calls SVML)
            float[] shifted = y0.clone();
            System.arraycopy(inPlace, xOff, shifted, yOff, n);
            assertClose(op + " in place n=" + n, e, shifted, 0, e.length, t);
        }

        // log over positive numbers from subnormal to huge, with 0 and a negative
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) Math.exp(r.nextDouble() * 170 - 85) * (r.nextDouble() < 0.02 ? 1e-8f : 1f);
        }
        if (n > 3) {
            p[0] = 0f;
            p[1] = -1f;
            p[2] = 1e30f;
        }
        p = place(p, xOff, r);
        float[] e = y0.clone();
        float[] g = y0.clone();
        s.log(p, xOff, e, yOff, n);
        v.log(p, xOff, g, yOff, n);
        assertClose("log n=" + n, e, g, 0, e.length, (i, ev) -> Math.ulp(ev));
    }

    @Property(tries = 60)
    void activationsBackward(@ForAll("lengths") int n, @ForAll @IntRange(max = 19) int yOff, @ForAll @IntRange(max = 19) int dxOff,
                             @ForAll long seed) {
        Random r = new Random(seed);
        float[] dy = place(values(r, n, 3f, 0.02, false), yOff, r);
        float[] dx0 = place(values(r, n, 3f, 0.02, false), dxOff, r);
        for (String op : new String[]{"tanh", "sigmoid", "relu", "exp", "log"}) {
            float[] y;
            switch (op) {
                case "tanh": y = uniform(r, n, -1f, 1f); break;
                case "sigmoid": y = uniform(r, n, 0f, 1f); break;
                case "relu": y = values(r, n, 1f, 0.1, false); break;
                case "exp": y = uniform(r, n, 0f, 50f); break;
                default: y = uniform(r, n, 0.01f, 50f);
            }
            if (op.equals("relu") && n > 1) {
                y[0] = 0f;
                y[n - 1] = -0f;
            }
            y = place(y, yOff, r);
            float[] e = dx0.clone();
            float[] g = dx0.clone();
            switch (op) {
                case "tanh": s.tanhBackward(y, yOff, dy, yOff, e, dxOff, n); v.tanhBackward(y, yOff, dy, yOff, g, dxOff, n); break;
                case "sigmoid": s.sigmoidBackward(y, yOff, dy, yOff, e, dxOff, n); v.sigmoidBackward(y, yOff, dy, yOff, g, dxOff, n); break;
                case "relu": s.reluBackward(y, yOff, dy, yOff, e, dxOff, n); v.reluBackward(y, yOff, dy, yOff, g, dxOff, n); break;
                case "exp": s.expBackward(y, yOff, dy, yOff, e, dxOff, n); v.expBackward(y, yOff, dy, yOff, g, dxOff, n); break;
                default: s.logBackward(y, yOff, dy, yOff, e, dxOff, n); v.logBackward(y, yOff, dy, yOff, g, dxOff, n);
            }
            final float[] yy = y;
            // dx + dy * f'(y): a few ulps of each of the two terms
            KernelTestSupport.Tolerance t = op.equals("relu") ? tol(0, 0) : (i, ev) -> {
                int k = i - dxOff;
                if (k < 0 || k >= n) {
                    return 0;
                }
                double term = op.equals("log") ? Math.abs(dy[yOff + k] / yy[yOff + k])
                        : Math.abs(dy[yOff + k]) * Math.max(1, Math.abs(yy[yOff + k]));
                return 4 * EPS * (Math.abs(dx0[i]) + term + Math.abs(ev));
            };
            assertClose(op + "Backward n=" + n, e, g, 0, e.length, t);
        }
    }

    @Provide
    Arbitrary<Integer> rowCounts() {
        return net.jqwik.api.Arbitraries.integers().between(0, 6);
    }

    @Property(tries = 50)
    void softmaxFamily(@ForAll("rowCounts") int rows, @ForAll("lengths") int cols, @ForAll @IntRange(max = 19) int off,
                       @ForAll long seed) {
        Random r = new Random(seed);
        int n = rows * cols;
        float[] x = place(values(r, n, 5f, 0.05, r.nextBoolean()), off, r);
        float[] y0 = place(new float[n], 1, r);

        float[] e = y0.clone();
        float[] g = y0.clone();
        s.softmaxRows(x, off, e, 1, rows, cols);
        v.softmaxRows(x, off, g, 1, rows, cols);
        assertClose("softmaxRows " + rows + "x" + cols, e, g, 0, e.length, tol(1e-7, 1e-5));
        float[] p = g;

        e = y0.clone();
        g = y0.clone();
        s.logSoftmaxRows(x, off, e, 1, rows, cols);
        v.logSoftmaxRows(x, off, g, 1, rows, cols);
        assertClose("logSoftmaxRows " + rows + "x" + cols, e, g, 0, e.length, tol(1e-5, 1e-6));
        float[] logp = g;

        // backward: dx0 + p * (dy - dot(dy, p)) and dx0 + dy - exp(logp) * sum(dy)
        float[] dy = place(values(r, n, 2f, 0.0, false), 1, r);
        float[] dx0 = place(values(r, n, 2f, 0.0, false), 1, r);
        double rowScale = maxAbs(dx0) + maxAbs(dy) * (1 + cols * 4 * EPS * cols);
        e = dx0.clone();
        g = dx0.clone();
        s.softmaxRowsBackward(p, 1, dy, 1, e, 1, rows, cols);
        v.softmaxRowsBackward(p, 1, dy, 1, g, 1, rows, cols);
        assertClose("softmaxRowsBackward " + rows + "x" + cols, e, g, 0, e.length, tol(4 * EPS * rowScale, 4 * EPS));

        double rowSums = maxAbs(dy) * cols;
        e = dx0.clone();
        g = dx0.clone();
        s.logSoftmaxRowsBackward(logp, 1, dy, 1, e, 1, rows, cols);
        v.logSoftmaxRowsBackward(logp, 1, dy, 1, g, 1, rows, cols);
        assertClose("logSoftmaxRowsBackward " + rows + "x" + cols, e, g, 0, e.length,
                tol(4 * EPS * (maxAbs(dx0) + maxAbs(dy) + rowSums * (1 + cols * EPS * 2)), 4 * EPS));
    }

    @Property(tries = 50)
    void softmaxCrossEntropy(@ForAll("rowCounts") int rows, @ForAll("lengths") int cols, @ForAll @IntRange(max = 19) int off,
                             @ForAll boolean weighted, @ForAll boolean withGrad, @ForAll long seed) {
        if (cols == 0) {
            cols = 1;
        }
        Random r = new Random(seed);
        int n = rows * cols;
        float[] logits = place(values(r, n, 5f, 0.05, false), off, r);
        int[] target = new int[rows + 2];
        for (int i = 0; i < rows; i++) {
            target[i + 2] = r.nextInt(8) == 0 ? -100 : r.nextInt(cols);
        }
        float[] w = weighted ? place(uniform(r, rows, 0f, 2f), 3, r) : null;
        float[] d0 = place(new float[n], 4, r);
        float[] de = withGrad ? d0.clone() : null;
        float[] dg = withGrad ? d0.clone() : null;
        float scale = 1f / Math.max(1, rows);
        double le = s.softmaxCrossEntropy(logits, off, rows, cols, target, 2, -100, w, 3, de, 4, scale);
        double lg = v.softmaxCrossEntropy(logits, off, rows, cols, target, 2, -100, w, 3, dg, 4, scale);
        // each row's log-sum-exp: float sum vs double sum, relative 1e-6 of the row's terms
        double bound = 1e-5 * (Math.abs(le) + rows * (1 + Math.log(cols)) * 2);
        assertTrue(Math.abs(le - lg) <= bound, "softmaxCrossEntropy loss " + rows + "x" + cols + ": " + le + " vs " + lg);
        if (withGrad) {
            // dLogits = (p - onehot) * scale * w: at the target, p close to 1 cancels, leaving the few ulps of 1
            // by which the two exps and sums may differ, times scale and w (<= 2); 1e-7 * scale * 2 was too
            // tight for that (4x13, weighted, seed 15964: 8.9e-8 apart against a bound of 5.1e-8)
            double wMax = weighted ? 2 : 1;
            assertClose("softmaxCrossEntropy dLogits " + rows + "x" + cols, de, dg, 0, de.length,
                    tol(8 * EPS * scale * wMax, 1e-5));
        }
    }
}
