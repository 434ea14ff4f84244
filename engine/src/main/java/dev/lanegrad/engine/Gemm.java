package dev.lanegrad.engine;

/**
 * Single-precision general matrix multiply on row-major {@code float[]} ranges.
 *
 * <pre>
 * C (m,n) = alpha * op(A) (m,k) @ op(B) (k,n) + beta * C (m,n)
 * op(A) = A (m,k) stored with row stride lda, or A^T where A (k,m) is stored with row stride lda
 * op(B) = B (k,n) stored with row stride ldb, or B^T where B (n,k) is stored with row stride ldb
 * </pre>
 *
 * When beta == 0, C is overwritten and its old contents (even NaN) are ignored, as in BLAS.
 * Implementations never allocate per call in steady state and are safe to call from many threads.
 */
public interface Gemm {

    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);
}
