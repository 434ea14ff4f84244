package dev.lanegrad.engine.scalar;

import dev.lanegrad.engine.CheckedGemm;

/**
 * C (m,n) = alpha * op(A) (m,k) @ op(B) (k,n) + beta * C, plain loops.
 * Each C element is one float dot product over k in increasing order, summed in blocks of {@value #BLOCK}:
 * each block in its own float accumulator, then the block sums added in order. A single running float
 * sum over k terms has a worst-case error growing like k * eps; blocked, like (BLOCK + k / BLOCK) * eps.
 * It matters for the weight gradients of recurrent layers, sums over T*B rows: on a bidirectional GRU
 * (I=130, H=257, T*B=660) the single running sum was up to 4x less accurate than PyTorch's float32, the
 * blocked sum is within it (LargeCaseAccuracyTest). The order of the terms for one element never depends
 * on m, n, threads or how a caller splits C, so results are deterministic.
 */
public final class ScalarGemm extends CheckedGemm {

    /** Terms per partial sum: about sqrt of the longest reductions we see (T*B of a few hundred to a few thousand). */
    static final int BLOCK = 32;

    @Override
    protected void product(boolean transA, boolean transB, int m, int n, int k,
                           float alpha, float[] a, int aOff, int lda,
                           float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc) {
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
                for (int p0 = 0; p0 < k; p0 += BLOCK) {
                    int end = Math.min(k, p0 + BLOCK);
                    float block = 0f;
                    for (int p = p0; p < end; p++) {
                        block += a[ai + p * aCol] * b[bj + p * bRow];
                    }
                    acc += block;
                }
                float old = beta == 0f ? 0f : beta * c[cRow + j];
                c[cRow + j] = alpha * acc + old;
            }
        }
    }
}
