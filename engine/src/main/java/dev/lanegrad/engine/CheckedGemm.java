package dev.lanegrad.engine;

/**
 * The one entry of every {@link Gemm} implementation: the argument checks and BLAS's trivial cases, then
 * the implementation's product. Empty C: nothing happens. k == 0 or alpha == 0: C = beta * C without
 * reading A or B (beta == 0 clears C, even NaN garbage), so the scalar specification and the SIMD kernels
 * agree on them by construction.
 */
public abstract class CheckedGemm implements Gemm {

    @Override
    public final void sgemm(boolean transA, boolean transB, int m, int n, int k,
                            float alpha, float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        Checks.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        product(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** The product itself: arguments checked, m, n, k >= 1 and alpha != 0. */
    protected abstract void product(boolean transA, boolean transB, int m, int n, int k,
                                    float alpha, float[] a, int aOff, int lda,
                                    float[] b, int bOff, int ldb,
                                    float beta, float[] c, int cOff, int ldc);

    /** C = beta * C (beta == 0 clears C, whatever it held). */
    public static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, row, row + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[row + j] *= beta;
                }
            }
        }
    }
}
