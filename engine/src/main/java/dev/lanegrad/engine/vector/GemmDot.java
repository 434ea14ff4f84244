package dev.lanegrad.engine.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A @ B^T for few rows of A, without packing: every C element is a dot product of a stored row of A
 * and a stored row of B^T, both contiguous along k.
 *
 * <pre>
 * C (m,n) = alpha * A (m,k) @ B^T + beta * C,   A stored (m,k) with stride lda, B^T stored (n,k) with stride ldb
 * </pre>
 *
 * This is the shape of a recurrent step at small batch (h (B,H) . W_hh^T). The blocked path would
 * transpose all of B^T into panels on every call, a cost not amortized over few rows (batch 2: 8 GFLOP/s
 * with packing). Here a block of C keeps its accumulators over k, then one lane reduction per element, so
 * it pays when k is a few vectors long. The block follows the register count: (4, 4) with 32 registers,
 * 16 accumulators + 4 B vectors + 1 A vector, 8 loads per 16 FMAs; (2, 4) with 16 registers, 8 + 4 + 1,
 * 6 loads per 8 FMAs (the (4, 4) block needs 21 registers and spilled on AVX2).
 */
final class GemmDot {

    private static final VectorSpecies<Float> S = KernelShape.SPECIES;
    private static final int L = KernelShape.LANES;
    /** Rows of A per block: 4 with 32 registers (21 live vectors), 2 with 16 (13), see {@link KernelShape#DOT_ROWS}. */
    private static final int R = KernelShape.DOT_ROWS;

    private GemmDot() {
    }

    static void gemm(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc, float[] spill) {
        int i = 0;
        for (; i + R <= m; i += R) {
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                if (R == 4) { // a static final: C2 compiles one branch
                    block4x4(k, alpha, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, beta, c, cOff + i * ldc + j, ldc, spill);
                } else {
                    block2x4(k, alpha, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, beta, c, cOff + i * ldc + j, ldc, spill);
                }
            }
            for (int r = 0; r < R; r++) {
                rowTail(j, n, k, alpha, a, aOff + (i + r) * lda, b, bOff, ldb, beta, c, cOff + (i + r) * ldc);
            }
        }
        for (; i < m; i++) {
            rowTail(0, n, k, alpha, a, aOff + i * lda, b, bOff, ldb, beta, c, cOff + i * ldc);
        }
    }

    /** C[i0..i0+2, j0..j0+4] from 2 rows of A at ai and 4 rows of B^T at bj: 13 live vectors. */
    private static void block2x4(int k, float alpha, float[] a, int ai, int lda, float[] b, int bj, int ldb,
                                 float beta, float[] c, int ci, int ldc, float[] spill) {
        int kv = k - k % L;
        int a0 = ai;
        int a1 = ai + lda;
        int b0 = bj;
        int b1 = bj + ldb;
        int b2 = b1 + ldb;
        int b3 = b2 + ldb;
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s03 = s00;
        FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        for (int p = 0; p < kv; p += L) {
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + p);
            FloatVector y3 = FloatVector.fromArray(S, b, b3 + p);
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s00 = x.fma(y0, s00);
            s01 = x.fma(y1, s01);
            s02 = x.fma(y2, s02);
            s03 = x.fma(y3, s03);
            x = FloatVector.fromArray(S, a, a1 + p);
            s10 = x.fma(y0, s10);
            s11 = x.fma(y1, s11);
            s12 = x.fma(y2, s12);
            s13 = x.fma(y3, s13);
        }
        s00.intoArray(spill, 0);
        s01.intoArray(spill, L);
        s02.intoArray(spill, 2 * L);
        s03.intoArray(spill, 3 * L);
        s10.intoArray(spill, 4 * L);
        s11.intoArray(spill, 5 * L);
        s12.intoArray(spill, 6 * L);
        s13.intoArray(spill, 7 * L);
        reduceInto(2, k, kv, alpha, a, ai, lda, b, bj, ldb, beta, c, ci, ldc, spill);
    }

    /** C[i0..i0+4, j0..j0+4] from 4 rows of A at ai and 4 rows of B^T at bj. */
    private static void block4x4(int k, float alpha, float[] a, int ai, int lda, float[] b, int bj, int ldb,
                                 float beta, float[] c, int ci, int ldc, float[] spill) {
        int kv = k - k % L;
        int a0 = ai;
        int a1 = ai + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int b0 = bj;
        int b1 = bj + ldb;
        int b2 = b1 + ldb;
        int b3 = b2 + ldb;
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s03 = s00;
        FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        FloatVector s20 = s00, s21 = s00, s22 = s00, s23 = s00;
        FloatVector s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        for (int p = 0; p < kv; p += L) {
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + p);
            FloatVector y3 = FloatVector.fromArray(S, b, b3 + p);
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s00 = x.fma(y0, s00);
            s01 = x.fma(y1, s01);
            s02 = x.fma(y2, s02);
            s03 = x.fma(y3, s03);
            x = FloatVector.fromArray(S, a, a1 + p);
            s10 = x.fma(y0, s10);
            s11 = x.fma(y1, s11);
            s12 = x.fma(y2, s12);
            s13 = x.fma(y3, s13);
            x = FloatVector.fromArray(S, a, a2 + p);
            s20 = x.fma(y0, s20);
            s21 = x.fma(y1, s21);
            s22 = x.fma(y2, s22);
            s23 = x.fma(y3, s23);
            x = FloatVector.fromArray(S, a, a3 + p);
            s30 = x.fma(y0, s30);
            s31 = x.fma(y1, s31);
            s32 = x.fma(y2, s32);
            s33 = x.fma(y3, s33);
        }
        // Spill the 16 accumulators and reduce them from memory in one loop: 16 inlined reductions made
        // the method too large for C2 to inline everything (a vector passed to a call is boxed).
        s00.intoArray(spill, 0);
        s01.intoArray(spill, L);
        s02.intoArray(spill, 2 * L);
        s03.intoArray(spill, 3 * L);
        s10.intoArray(spill, 4 * L);
        s11.intoArray(spill, 5 * L);
        s12.intoArray(spill, 6 * L);
        s13.intoArray(spill, 7 * L);
        s20.intoArray(spill, 8 * L);
        s21.intoArray(spill, 9 * L);
        s22.intoArray(spill, 10 * L);
        s23.intoArray(spill, 11 * L);
        s30.intoArray(spill, 12 * L);
        s31.intoArray(spill, 13 * L);
        s32.intoArray(spill, 14 * L);
        s33.intoArray(spill, 15 * L);
        reduceInto(4, k, kv, alpha, a, ai, lda, b, bj, ldb, beta, c, ci, ldc, spill);
    }

    /** C[rows, 4] from the spilled accumulators (rows * 4 vectors), plus the scalar tail of k. */
    private static void reduceInto(int rows, int k, int kv, float alpha, float[] a, int ai, int lda, float[] b, int bj,
                                   int ldb, float beta, float[] c, int ci, int ldc, float[] spill) {
        for (int r = 0; r < rows; r++) {
            int ar = ai + r * lda;
            for (int q = 0; q < 4; q++) {
                int bq = bj + q * ldb;
                float d = FloatVector.fromArray(S, spill, (4 * r + q) * L).reduceLanes(VectorOperators.ADD);
                // scalar tail: the last k % L steps
                for (int p = kv; p < k; p++) {
                    d += a[ar + p] * b[bq + p];
                }
                int cq = ci + r * ldc + q;
                c[cq] = beta == 0f ? alpha * d : alpha * d + beta * c[cq];
            }
        }
    }

    /** Columns [j0, n) of one row of C: the GEMV dot kernel on that row of A. */
    private static void rowTail(int j0, int n, int k, float alpha, float[] a, int ai, float[] b, int bOff, int ldb,
                                float beta, float[] c, int ci) {
        if (j0 < n) {
            Gemv.dots(n - j0, k, alpha, a, ai, b, bOff + j0 * ldb, ldb, beta, c, ci + j0);
        }
    }
}
