package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.RecurrentKernels;

/**
 * Kernels that compute nothing and allocate nothing: running the layer on them measures the
 * allocations of the layer's own orchestration, apart from whatever the engine's kernels do.
 */
final class NoOpKernels implements Gemm, ArrayOps, RecurrentKernels {

    static final NoOpKernels INSTANCE = new NoOpKernels();

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    }

    @Override public void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) { }
    @Override public void sub(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) { }
    @Override public void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) { }
    @Override public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) { }
    @Override public void scale(float alpha, float[] x, int xOff, int n) { }
    @Override public void fill(float value, float[] x, int xOff, int n) { }
    @Override public void copy(float[] src, int srcOff, float[] dst, int dstOff, int n) { }
    @Override public float sum(float[] x, int xOff, int n) { return 0f; }
    @Override public float dot(float[] a, int aOff, float[] b, int bOff, int n) { return 0f; }
    @Override public float max(float[] x, int xOff, int n) { return 0f; }
    @Override public void addRowBias(float[] x, int xOff, int rows, int cols, int ldx, float[] bias, int biasOff) { }
    @Override public void addColumnSums(float[] x, int xOff, int rows, int cols, int ldx, float[] out, int outOff) { }
    @Override public void adamStep(float[] p, int pOff, float[] g, int gOff, float[] m, float[] v, int n, float beta1, float beta2,
                                   float eps, float l2, float shrink, float stepSize, float vCorrection) { }
    @Override public void tanh(float[] x, int xOff, float[] y, int yOff, int n) { }
    @Override public void tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) { }
    @Override public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) { }
    @Override public void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) { }
    @Override public void relu(float[] x, int xOff, float[] y, int yOff, int n) { }
    @Override public void reluBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) { }
    @Override public void exp(float[] x, int xOff, float[] y, int yOff, int n) { }
    @Override public void expBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) { }
    @Override public void log(float[] x, int xOff, float[] y, int yOff, int n) { }
    @Override public void logBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) { }
    @Override public void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) { }
    @Override public void softmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) { }
    @Override public void logSoftmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) { }
    @Override public void logSoftmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) { }

    @Override
    public double softmaxCrossEntropy(float[] logits, int lOff, int rows, int cols, int[] target, int tOff, int ignoreIndex,
                                      float[] weight, int wOff, float[] dLogits, int dOff, float gradScale) {
        return 0;
    }

    @Override
    public void lstmForward(int batch, int hidden, float[] gates, int gOff, float[] cPrev, int cPrevOff, int ldcPrev,
                            float[] c, int cOff, int ldc, float[] h, int hOff, int ldh) {
    }

    @Override
    public void lstmBackward(int batch, int hidden, float[] gates, int gOff, float[] cPrev, int cPrevOff, int ldcPrev,
                             float[] c, int cOff, int ldc, float[] dh, int dhOff, int lddh, float[] dc, int dcOff, int lddc,
                             float[] dGates, int dgOff) {
    }

    @Override
    public void gruForward(int batch, int hidden, float[] xp, int xpOff, float[] gh, int ghOff, float[] hPrev, int hPrevOff,
                           int ldhPrev, float[] h, int hOff, int ldh) {
    }

    @Override
    public void gruBackward(int batch, int hidden, float[] gates, int gOff, float[] gh, int ghOff, float[] hPrev, int hPrevOff,
                            int ldhPrev, float[] dh, int dhOff, int lddh, float[] dGatesX, int dgxOff, float[] dGatesH, int dghOff,
                            float[] dhPrev, int dhPrevOff, int lddhPrev) {
    }

    @Override
    public void rnnForward(int batch, int hidden, boolean relu, float[] pre, int preOff, float[] h, int hOff, int ldh) {
    }

    @Override
    public void rnnBackward(int batch, int hidden, boolean relu, float[] y, int yOff, float[] dh, int dhOff, int lddh,
                            float[] dPre, int dpOff) {
    }
}
