package dev.lanegrad.engine.scalar;

import dev.lanegrad.engine.Checks;
import dev.lanegrad.engine.Gemm;

/**
 * C (m,n) = alpha * op(A) (m,k) @ op(B) (k,n) + beta * C, plain loops.
 * Each C element is one float dot product over k in increasing order, then scaled and added.
 */
public final class ScalarGemm implements Gemm {

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Checks.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        // A[i, p] of op(A) lives at aOff + i*aRow + p*aCol; likewise for B
        int aRow = transA ? 1 : lda;
        int aCol = transA ? lda : 1;
        int bRow = transB ? 1 : ldb;
        int bCol = transB ? ldb : 1;
        for (int i = 0; i < m; i++) {
            int cRow = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                int ai = aOff + i * aRow;
                int bj = bOff + j * bCol;
                for (int p = 0; p < k; p++) {
                    acc += a[ai + p * aCol] * b[bj + p * bRow];
                }
                float old = beta == 0f ? 0f : beta * c[cRow + j];
                c[cRow + j] = alpha * acc + old;
            }
        }
    }
}
