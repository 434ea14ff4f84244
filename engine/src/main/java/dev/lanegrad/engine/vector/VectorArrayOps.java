package dev.lanegrad.engine.vector;

import dev.lanegrad.engine.ArrayOps;

/** PLACEHOLDER: the scalar specification until the SIMD kernels land. */
public final class VectorArrayOps implements ArrayOps {
    private final ArrayOps s = dev.lanegrad.engine.Kernels.scalar().ops();
    public void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) { s.add(a, aOff, b, bOff, out, outOff, n); }
    public void sub(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) { s.sub(a, aOff, b, bOff, out, outOff, n); }
    public void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) { s.mul(a, aOff, b, bOff, out, outOff, n); }
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) { s.axpy(alpha, x, xOff, y, yOff, n); }
    public void scale(float alpha, float[] x, int xOff, int n) { s.scale(alpha, x, xOff, n); }
    public void fill(float value, float[] x, int xOff, int n) { s.fill(value, x, xOff, n); }
    public void copy(float[] src, int srcOff, float[] dst, int dstOff, int n) { s.copy(src, srcOff, dst, dstOff, n); }
    public float sum(float[] x, int xOff, int n) { return s.sum(x, xOff, n); }
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) { return s.dot(a, aOff, b, bOff, n); }
    public float max(float[] x, int xOff, int n) { return s.max(x, xOff, n); }
    public void addRowBias(float[] x, int xOff, int rows, int cols, int ldx, float[] bias, int biasOff) { s.addRowBias(x, xOff, rows, cols, ldx, bias, biasOff); }
    public void addColumnSums(float[] x, int xOff, int rows, int cols, int ldx, float[] out, int outOff) { s.addColumnSums(x, xOff, rows, cols, ldx, out, outOff); }
    public void tanh(float[] x, int xOff, float[] y, int yOff, int n) { s.tanh(x, xOff, y, yOff, n); }
    public void tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) { s.tanhBackward(y, yOff, dy, dyOff, dx, dxOff, n); }
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) { s.sigmoid(x, xOff, y, yOff, n); }
    public void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) { s.sigmoidBackward(y, yOff, dy, dyOff, dx, dxOff, n); }
    public void relu(float[] x, int xOff, float[] y, int yOff, int n) { s.relu(x, xOff, y, yOff, n); }
    public void reluBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) { s.reluBackward(y, yOff, dy, dyOff, dx, dxOff, n); }
    public void exp(float[] x, int xOff, float[] y, int yOff, int n) { s.exp(x, xOff, y, yOff, n); }
    public void expBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) { s.expBackward(y, yOff, dy, dyOff, dx, dxOff, n); }
    public void log(float[] x, int xOff, float[] y, int yOff, int n) { s.log(x, xOff, y, yOff, n); }
    public void logBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) { s.logBackward(x, xOff, dy, dyOff, dx, dxOff, n); }
    public void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) { s.softmaxRows(x, xOff, y, yOff, rows, cols); }
    public void softmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) { s.softmaxRowsBackward(y, yOff, dy, dyOff, dx, dxOff, rows, cols); }
    public void logSoftmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) { s.logSoftmaxRows(x, xOff, y, yOff, rows, cols); }
    public void logSoftmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) { s.logSoftmaxRowsBackward(y, yOff, dy, dyOff, dx, dxOff, rows, cols); }
    public double softmaxCrossEntropy(float[] logits, int lOff, int rows, int cols, int[] target, int tOff, int ignoreIndex, float[] weight, int wOff, float[] dLogits, int dOff, float gradScale) {
        return s.softmaxCrossEntropy(logits, lOff, rows, cols, target, tOff, ignoreIndex, weight, wOff, dLogits, dOff, gradScale);
    }
}
