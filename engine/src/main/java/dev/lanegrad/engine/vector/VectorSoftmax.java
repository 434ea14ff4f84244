package dev.lanegrad.engine.vector;

import dev.lanegrad.engine.ArrayOps;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-wise softmax, log-softmax and the fused softmax cross-entropy on Vector API lanes, over
 * contiguous rows (rows, cols), max-subtracted: the part of {@link VectorArrayOps} (which extends this)
 * in a file of its own, so the ArrayOps methods are implemented here directly, without a forwarding
 * method each. Every exp goes through {@link VectorMath}'s array loops (exp of a row into an output, or
 * its sum alone), never a per-vector helper: see VectorMath#map.
 */
abstract class VectorSoftmax implements ArrayOps {

    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final int L = F.length();

    /** y (rows, cols) = softmax of each row of x */
    @Override
    public void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * cols;
            int yr = yOff + r * cols;
            float m = VectorArrayOps.maxUnchecked(x, xr, cols);
            VectorMath.expShifted(x, xr, m, y, yr, cols);
            scaleInPlace(y, yr, cols, 1f / VectorArrayOps.sumUnchecked(y, yr, cols));
        }
    }

    /** dx (rows, cols) += y * (dy - sum_j(dy_j * y_j)) per row */
    @Override
    public void softmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float s = VectorArrayOps.dotUnchecked(dy, dyOff + o, y, yOff + o, cols);
            int j = 0;
            for (int bound = F.loopBound(cols); j < bound; j += L) {
                FloatVector yv = FloatVector.fromArray(F, y, yOff + o + j);
                FloatVector g = FloatVector.fromArray(F, dy, dyOff + o + j).sub(s);
                yv.fma(g, FloatVector.fromArray(F, dx, dxOff + o + j)).intoArray(dx, dxOff + o + j);
            }
            for (; j < cols; j++) { // scalar tail
                dx[dxOff + o + j] += y[yOff + o + j] * (dy[dyOff + o + j] - s);
            }
        }
    }

    /** y (rows, cols) = log-softmax of each row of x */
    @Override
    public void logSoftmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * cols;
            int yr = yOff + r * cols;
            float m = VectorArrayOps.maxUnchecked(x, xr, cols);
            float logTotal = (float) Math.log(sumExpShifted(x, xr, m, scratch(cols), 0, cols));
            int j = 0;
            for (int bound = F.loopBound(cols); j < bound; j += L) {
                FloatVector.fromArray(F, x, xr + j).sub(m).sub(logTotal).intoArray(y, yr + j);
            }
            for (; j < cols; j++) { // scalar tail
                y[yr + j] = x[xr + j] - m - logTotal;
            }
        }
    }

    /** dx (rows, cols) += dy - exp(y) * sum_j(dy_j) per row, y the saved log-softmax */
    @Override
    public void logSoftmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float s = VectorArrayOps.sumUnchecked(dy, dyOff + o, cols);
            // two passes, dx += dy and dx = fma(exp(y), -s, dx), in the order that reads y before it is written
            if (dx == y && dxOff == yOff) {
                VectorMath.addScaledExp(-s, y, yOff + o, dx, dxOff + o, cols);
                addInPlace(dy, dyOff + o, dx, dxOff + o, cols);
            } else {
                addInPlace(dy, dyOff + o, dx, dxOff + o, cols);
                VectorMath.addScaledExp(-s, y, yOff + o, dx, dxOff + o, cols);
            }
        }
    }

    /** logits (rows, cols), target (rows), weight (rows) or null, dLogits (rows, cols) or null: see ArrayOps. */
    @Override
    public double softmaxCrossEntropy(float[] logits, int lOff, int rows, int cols,
                                      int[] target, int tOff, int ignoreIndex,
                                      float[] weight, int wOff,
                                      float[] dLogits, int dOff, float gradScale) {
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            int lr = lOff + r * cols;
            int t = target[tOff + r];
            if (ArrayOps.skipsRow(t, ignoreIndex, weight, wOff + r, dLogits, dOff + r * cols, cols)) {
                continue; // ignored or of weight 0
            }
            float w = weight == null ? 1f : weight[wOff + r];
            float m = VectorArrayOps.maxUnchecked(logits, lr, cols);
            float picked = logits[lr + t] - m; // read before dLogits is written: dLogits may alias logits
            if (dLogits == null) {
                loss += w * (Math.log(sumExpShifted(logits, lr, m, scratch(cols), 0, cols)) - picked);
                continue;
            }
            // one exp pass: store the shifted exps in dLogits, then scale them in place
            int dr = dOff + r * cols;
            float total = sumExpShifted(logits, lr, m, dLogits, dr, cols);
            loss += w * (Math.log(total) - picked);
            float g = gradScale * w;
            scaleInPlace(dLogits, dr, cols, g / total);
            dLogits[dr + t] -= g;
        }
        return loss;
    }

    /** the sum of exp(x (n) - shift), the exps left in y (n) (y may be x) */
    private static float sumExpShifted(float[] x, int xOff, float shift, float[] y, int yOff, int n) {
        VectorMath.expShifted(x, xOff, shift, y, yOff, n);
        return VectorArrayOps.sumUnchecked(y, yOff, n);
    }

    /** a row of scratch for exps that have no output to live in, per thread, grown when a wider row comes */
    private static float[] scratch(int n) {
        float[] s = SCRATCH.get();
        if (s.length < n) {
            s = new float[n];
            SCRATCH.set(s);
        }
        return s;
    }

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * a (n) *= s. A method of its own with the broadcast hoisted: inlined into softmaxCrossEntropy's row
     * loop, inside the char-LM's large compiled training step, C2 boxed this loop's vectors (~800 B per
     * logits row, 1.6 MB per LM step on JDK 17); alone it compiles to plain vector code (2.7 KB per step).
     */
    private static void scaleInPlace(float[] a, int off, int n, float s) {
        FloatVector sv = FloatVector.broadcast(F, s);
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += L) {
            FloatVector.fromArray(F, a, off + j).mul(sv).intoArray(a, off + j);
        }
        for (; j < n; j++) { // scalar tail
            a[off + j] *= s;
        }
    }

    /** y (n) += a (n) */
    private static void addInPlace(float[] a, int aOff, float[] y, int yOff, int n) {
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += L) {
            FloatVector.fromArray(F, y, yOff + j).add(FloatVector.fromArray(F, a, aOff + j)).intoArray(y, yOff + j);
        }
        for (; j < n; j++) { // scalar tail
            y[yOff + j] += a[aOff + j];
        }
    }
}
