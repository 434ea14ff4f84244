package dev.lanegrad.engine;

/**
 * The one checked entry of {@link ArrayOps}: every argument check of a call happens here, once, then the
 * call goes to an implementation that only computes (the scalar specification or the Vector API kernels).
 * A wrong call fails with the same message whichever implementation runs.
 */
final class CheckedArrayOps implements ArrayOps {

    /** The implementation that computes, unchecked. */
    final ArrayOps impl;

    CheckedArrayOps(ArrayOps impl) {
        this.impl = impl;
    }

    @Override
    public void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        Checks.ranges("add", a, aOff, b, bOff, out, outOff, n);
        impl.add(a, aOff, b, bOff, out, outOff, n);
    }

    @Override
    public void sub(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        Checks.ranges("sub", a, aOff, b, bOff, out, outOff, n);
        impl.sub(a, aOff, b, bOff, out, outOff, n);
    }

    @Override
    public void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        Checks.ranges("mul", a, aOff, b, bOff, out, outOff, n);
        impl.mul(a, aOff, b, bOff, out, outOff, n);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        Checks.range("axpy", "x", x, xOff, n);
        Checks.range("axpy", "y", y, yOff, n);
        impl.axpy(alpha, x, xOff, y, yOff, n);
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, int n) {
        Checks.range("scale", "x", x, xOff, n);
        impl.scale(alpha, x, xOff, n);
    }

    @Override
    public void fill(float value, float[] x, int xOff, int n) {
        Checks.range("fill", "x", x, xOff, n);
        impl.fill(value, x, xOff, n);
    }

    @Override
    public void copy(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        Checks.range("copy", "src", src, srcOff, n);
        Checks.range("copy", "dst", dst, dstOff, n);
        impl.copy(src, srcOff, dst, dstOff, n);
    }

    @Override
    public float sum(float[] x, int xOff, int n) {
        Checks.range("sum", "x", x, xOff, n);
        return impl.sum(x, xOff, n);
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        Checks.range("dot", "a", a, aOff, n);
        Checks.range("dot", "b", b, bOff, n);
        return impl.dot(a, aOff, b, bOff, n);
    }

    @Override
    public float max(float[] x, int xOff, int n) {
        Checks.range("max", "x", x, xOff, n);
        return impl.max(x, xOff, n);
    }

    @Override
    public void addRowBias(float[] x, int xOff, int rows, int cols, int ldx, float[] bias, int biasOff) {
        Checks.matrix("addRowBias", "x", x, xOff, rows, cols, ldx);
        Checks.range("addRowBias", "bias", bias, biasOff, cols);
        impl.addRowBias(x, xOff, rows, cols, ldx, bias, biasOff);
    }

    @Override
    public void addRowBiases(float[] x, int xOff, int rows, int cols, int ldx,
                             float[] first, int firstOff, float[] second, int secondOff) {
        Checks.matrix("addRowBiases", "x", x, xOff, rows, cols, ldx);
        Checks.range("addRowBiases", "first", first, firstOff, cols);
        Checks.range("addRowBiases", "second", second, secondOff, cols);
        impl.addRowBiases(x, xOff, rows, cols, ldx, first, firstOff, second, secondOff);
    }

    @Override
    public void addColumnSums(float[] x, int xOff, int rows, int cols, int ldx, float[] out, int outOff) {
        Checks.matrix("addColumnSums", "x", x, xOff, rows, cols, ldx);
        Checks.range("addColumnSums", "out", out, outOff, cols);
        impl.addColumnSums(x, xOff, rows, cols, ldx, out, outOff);
    }

    @Override
    public void adamStep(float[] p, int pOff, float[] g, int gOff, float[] m, float[] v, int n,
                         float beta1, float beta2, float eps, float l2, float shrink, float stepSize, float vCorrection) {
        Checks.range("adamStep", "p", p, pOff, n);
        Checks.range("adamStep", "g", g, gOff, n);
        Checks.range("adamStep", "m", m, 0, n);
        Checks.range("adamStep", "v", v, 0, n);
        impl.adamStep(p, pOff, g, gOff, m, v, n, beta1, beta2, eps, l2, shrink, stepSize, vCorrection);
    }

    @Override
    public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        Checks.ranges("tanh", "x", x, xOff, "y", y, yOff, n);
        impl.tanh(x, xOff, y, yOff, n);
    }

    @Override
    public void tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        Checks.ranges("tanhBackward", y, yOff, dy, dyOff, dx, dxOff, n);
        impl.tanhBackward(y, yOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        Checks.ranges("sigmoid", "x", x, xOff, "y", y, yOff, n);
        impl.sigmoid(x, xOff, y, yOff, n);
    }

    @Override
    public void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        Checks.ranges("sigmoidBackward", y, yOff, dy, dyOff, dx, dxOff, n);
        impl.sigmoidBackward(y, yOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        Checks.ranges("relu", "x", x, xOff, "y", y, yOff, n);
        impl.relu(x, xOff, y, yOff, n);
    }

    @Override
    public void reluBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        Checks.ranges("reluBackward", y, yOff, dy, dyOff, dx, dxOff, n);
        impl.reluBackward(y, yOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        Checks.ranges("exp", "x", x, xOff, "y", y, yOff, n);
        impl.exp(x, xOff, y, yOff, n);
    }

    @Override
    public void expBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        Checks.ranges("expBackward", y, yOff, dy, dyOff, dx, dxOff, n);
        impl.expBackward(y, yOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void log(float[] x, int xOff, float[] y, int yOff, int n) {
        Checks.ranges("log", "x", x, xOff, "y", y, yOff, n);
        impl.log(x, xOff, y, yOff, n);
    }

    @Override
    public void logBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        Checks.ranges("logBackward", x, xOff, dy, dyOff, dx, dxOff, n);
        impl.logBackward(x, xOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        Checks.ranges("softmaxRows", "x", x, xOff, "y", y, yOff, (long) rows * cols);
        impl.softmaxRows(x, xOff, y, yOff, rows, cols);
    }

    @Override
    public void softmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        Checks.ranges("softmaxRowsBackward", y, yOff, dy, dyOff, dx, dxOff, (long) rows * cols);
        impl.softmaxRowsBackward(y, yOff, dy, dyOff, dx, dxOff, rows, cols);
    }

    @Override
    public void logSoftmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        Checks.ranges("logSoftmaxRows", "x", x, xOff, "y", y, yOff, (long) rows * cols);
        impl.logSoftmaxRows(x, xOff, y, yOff, rows, cols);
    }

    @Override
    public void logSoftmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        Checks.ranges("logSoftmaxRowsBackward", y, yOff, dy, dyOff, dx, dxOff, (long) rows * cols);
        impl.logSoftmaxRowsBackward(y, yOff, dy, dyOff, dx, dxOff, rows, cols);
    }

    @Override
    public double softmaxCrossEntropy(float[] logits, int lOff, int rows, int cols,
                                      int[] target, int tOff, int ignoreIndex,
                                      float[] weight, int wOff,
                                      float[] dLogits, int dOff, float gradScale) {
        Checks.softmaxCrossEntropy(logits, lOff, rows, cols, target, tOff, ignoreIndex, weight, wOff, dLogits, dOff);
        return impl.softmaxCrossEntropy(logits, lOff, rows, cols, target, tOff, ignoreIndex, weight, wOff, dLogits, dOff, gradScale);
    }
}
