package dev.lanegrad.engine.scalar;

import dev.lanegrad.engine.ArrayOps;

/**
 * Elementwise kernels, reductions and activations as plain loops. Transcendentals are computed in
 * double and rounded once, so they are within 1 ulp of the correctly rounded float.
 */
final class ScalarArrayOps implements ArrayOps {

    @Override
    public void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = a[aOff + i] + b[bOff + i];
        }
    }

    @Override
    public void sub(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = a[aOff + i] - b[bOff + i];
        }
    }

    @Override
    public void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = a[aOff + i] * b[bOff + i];
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, int n) {
        for (int i = 0; i < n; i++) {
            x[xOff + i] *= alpha;
        }
    }

    @Override
    public void fill(float value, float[] x, int xOff, int n) {
        for (int i = 0; i < n; i++) {
            x[xOff + i] = value;
        }
    }

    @Override
    public void copy(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        System.arraycopy(src, srcOff, dst, dstOff, n);
    }

    @Override
    public float sum(float[] x, int xOff, int n) {
        float acc = 0f;
        for (int i = 0; i < n; i++) {
            acc += x[xOff + i];
        }
        return acc;
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float acc = 0f;
        for (int i = 0; i < n; i++) {
            acc += a[aOff + i] * b[bOff + i];
        }
        return acc;
    }

    @Override
    public float max(float[] x, int xOff, int n) {
        float best = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            best = Math.max(best, x[xOff + i]);
        }
        return best;
    }

    @Override
    public void addRowBias(float[] x, int xOff, int rows, int cols, int ldx, float[] bias, int biasOff) {
        for (int r = 0; r < rows; r++) {
            int row = xOff + r * ldx;
            for (int j = 0; j < cols; j++) {
                x[row + j] += bias[biasOff + j];
            }
        }
    }

    /** column by column, in ArrayOps.columnSum's order (blocks of rows), the same additions as the vector kernel */
    @Override
    public void addColumnSums(float[] x, int xOff, int rows, int cols, int ldx, float[] out, int outOff) {
        for (int j = 0; j < cols; j++) {
            out[outOff + j] += ArrayOps.columnSum(x, xOff + j, rows, ldx);
        }
    }

    @Override
    public void adamStep(float[] p, int pOff, float[] g, int gOff, float[] m, float[] v, int n,
                         float beta1, float beta2, float eps, float l2, float shrink, float stepSize, float vCorrection) {
        ArrayOps.adamStepRange(p, pOff, g, gOff, m, v, 0, n, beta1, beta2, eps, l2, shrink, stepSize, vCorrection);
    }

    @Override
    public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) Math.tanh(x[xOff + i]);
        }
    }

    @Override
    public void tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = y[yOff + i];
            dx[dxOff + i] += dy[dyOff + i] * (1f - v * v);
        }
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) sigmoid(x[xOff + i]);
        }
    }

    /** 1 / (1 + e^-x) in double: exact to float precision over the whole float range, never NaN for finite x. */
    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    @Override
    public void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = y[yOff + i];
            dx[dxOff + i] += dy[dyOff + i] * (v * (1f - v));
        }
    }

    @Override
    public void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            y[yOff + i] = v > 0f ? v : 0f;
        }
    }

    @Override
    public void reluBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            if (y[yOff + i] > 0f) {
                dx[dxOff + i] += dy[dyOff + i];
            }
        }
    }

    @Override
    public void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) Math.exp(x[xOff + i]);
        }
    }

    @Override
    public void expBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            dx[dxOff + i] += dy[dyOff + i] * y[yOff + i];
        }
    }

    @Override
    public void log(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) Math.log(x[xOff + i]);
        }
    }

    @Override
    public void logBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            dx[dxOff + i] += dy[dyOff + i] / x[xOff + i];
        }
    }

    @Override
    public void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * cols;
            int yr = yOff + r * cols;
            float m = max(x, xr, cols);
            double total = 0;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(x[xr + j] - m);
                y[yr + j] = e;
                total += e;
            }
            float inv = (float) (1.0 / total);
            for (int j = 0; j < cols; j++) {
                y[yr + j] *= inv;
            }
        }
    }

    @Override
    public void softmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float s = dot(dy, dyOff + o, y, yOff + o, cols);
            for (int j = 0; j < cols; j++) {
                dx[dxOff + o + j] += y[yOff + o + j] * (dy[dyOff + o + j] - s);
            }
        }
    }

    @Override
    public void logSoftmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * cols;
            int yr = yOff + r * cols;
            float m = max(x, xr, cols);
            float logTotal = (float) Math.log(sumExp(x, xr, cols, m));
            for (int j = 0; j < cols; j++) {
                y[yr + j] = x[xr + j] - m - logTotal;
            }
        }
    }

    private static double sumExp(float[] x, int off, int n, float shift) {
        double total = 0;
        for (int j = 0; j < n; j++) {
            total += Math.exp(x[off + j] - shift);
        }
        return total;
    }

    @Override
    public void logSoftmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float s = sum(dy, dyOff + o, cols);
            for (int j = 0; j < cols; j++) {
                dx[dxOff + o + j] += dy[dyOff + o + j] - (float) Math.exp(y[yOff + o + j]) * s;
            }
        }
    }

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
            float m = max(logits, lr, cols);
            double total = sumExp(logits, lr, cols, m);
            loss += w * (Math.log(total) - (logits[lr + t] - m));
            if (dLogits != null) {
                int dr = dOff + r * cols;
                float g = gradScale * w;
                double inv = 1.0 / total;
                for (int j = 0; j < cols; j++) {
                    dLogits[dr + j] = g * (float) (Math.exp(logits[lr + j] - m) * inv);
                }
                dLogits[dr + t] -= g;
            }
        }
        return loss;
    }
}
