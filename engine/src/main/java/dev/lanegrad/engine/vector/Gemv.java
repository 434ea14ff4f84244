package dev.lanegrad.engine.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The m == 1 case of GEMM (a GEMV, batch-1 inference): one row x of op(A) times op(B).
 *
 * <pre>
 * y (1,n) = alpha * x (1,k) @ op(B) (k,n) + beta * y
 * </pre>
 *
 * Every element of B is used once, so the product is bound by reading B and packing would only add a
 * second pass over it: B is read in place, along its stored rows in both layouts.
 */
final class Gemv {

    private static final VectorSpecies<Float> S = KernelShape.SPECIES;
    private static final int L = KernelShape.LANES;

    private Gemv() {
    }

    static void gemv(boolean transA, boolean transB, int n, int k, float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, GemmWorkspace ws) {
        float[] x = a;
        int xOff = aOff;
        if (transA && lda != 1) {
            // op(A) row 0 is a column of the stored A^T (stride lda): gather it once into a contiguous copy
            x = ws.vec(k);
            for (int p = 0; p < k; p++) {
                x[p] = a[aOff + p * lda];
            }
            xOff = 0;
        }
        if (transB) {
            dots(n, k, alpha, x, xOff, b, bOff, ldb, beta, c, cOff);
        } else {
            rowStreams(n, k, alpha, x, xOff, b, bOff, ldb, beta, c, cOff, ws.acc(n));
        }
    }

    /**
     * B^T stored (n, k): y[j] = dot(x, row j of the stored B^T). Four rows at a time share each vector of
     * x, with one accumulator each and one lane reduction per result.
     */
    static void dots(int n, int k, float alpha, float[] x, int xOff, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff) {
        int kv = k - k % L;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            int r0 = bOff + j * ldb;
            int r1 = r0 + ldb;
            int r2 = r1 + ldb;
            int r3 = r2 + ldb;
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int p = 0; p < kv; p += L) {
                FloatVector xv = FloatVector.fromArray(S, x, xOff + p);
                s0 = FloatVector.fromArray(S, b, r0 + p).fma(xv, s0);
                s1 = FloatVector.fromArray(S, b, r1 + p).fma(xv, s1);
                s2 = FloatVector.fromArray(S, b, r2 + p).fma(xv, s2);
                s3 = FloatVector.fromArray(S, b, r3 + p).fma(xv, s3);
            }
            float d0 = s0.reduceLanes(VectorOperators.ADD);
            float d1 = s1.reduceLanes(VectorOperators.ADD);
            float d2 = s2.reduceLanes(VectorOperators.ADD);
            float d3 = s3.reduceLanes(VectorOperators.ADD);
            // scalar tail: the last k % L steps
            for (int p = kv; p < k; p++) {
                float xp = x[xOff + p];
                d0 += xp * b[r0 + p];
                d1 += xp * b[r1 + p];
                d2 += xp * b[r2 + p];
                d3 += xp * b[r3 + p];
            }
            put(d0, alpha, beta, c, cOff + j);
            put(d1, alpha, beta, c, cOff + j + 1);
            put(d2, alpha, beta, c, cOff + j + 2);
            put(d3, alpha, beta, c, cOff + j + 3);
        }
        for (; j < n; j++) {
            int r0 = bOff + j * ldb;
            FloatVector s0 = FloatVector.zero(S);
            for (int p = 0; p < kv; p += L) {
                s0 = FloatVector.fromArray(S, b, r0 + p).fma(FloatVector.fromArray(S, x, xOff + p), s0);
            }
            float d0 = s0.reduceLanes(VectorOperators.ADD);
            for (int p = kv; p < k; p++) {
                d0 += x[xOff + p] * b[r0 + p];
            }
            put(d0, alpha, beta, c, cOff + j);
        }
    }

    /**
     * B stored (k, n), walked along its rows: y += x[p] B[p, :] for 4 rows p at a time, accumulating
     * into a contiguous scratch row (L1-resident). B is read as 4 sequential streams, which the
     * hardware prefetcher follows, instead of 256-byte pieces at a stride of ldb.
     */
    static void rowStreams(int n, int k, float alpha, float[] x, int xOff, float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, float[] acc) {
        java.util.Arrays.fill(acc, 0, n, 0f);
        int nv = n - n % L;
        int p = 0;
        for (; p + 4 <= k; p += 4) {
            FloatVector x0 = FloatVector.broadcast(S, x[xOff + p]);
            FloatVector x1 = FloatVector.broadcast(S, x[xOff + p + 1]);
            FloatVector x2 = FloatVector.broadcast(S, x[xOff + p + 2]);
            FloatVector x3 = FloatVector.broadcast(S, x[xOff + p + 3]);
            int r0 = bOff + p * ldb;
            int r1 = r0 + ldb;
            int r2 = r1 + ldb;
            int r3 = r2 + ldb;
            for (int j = 0; j < nv; j += L) {
                FloatVector y = FloatVector.fromArray(S, acc, j);
                y = FloatVector.fromArray(S, b, r0 + j).fma(x0, y);
                y = FloatVector.fromArray(S, b, r1 + j).fma(x1, y);
                y = FloatVector.fromArray(S, b, r2 + j).fma(x2, y);
                y = FloatVector.fromArray(S, b, r3 + j).fma(x3, y);
                y.intoArray(acc, j);
            }
            for (int j = nv; j < n; j++) {
                acc[j] += x[xOff + p] * b[r0 + j] + x[xOff + p + 1] * b[r1 + j] + x[xOff + p + 2] * b[r2 + j]
                        + x[xOff + p + 3] * b[r3 + j];
            }
        }
        for (; p < k; p++) {
            FloatVector x0 = FloatVector.broadcast(S, x[xOff + p]);
            int r0 = bOff + p * ldb;
            for (int j = 0; j < nv; j += L) {
                FloatVector.fromArray(S, b, r0 + j).fma(x0, FloatVector.fromArray(S, acc, j)).intoArray(acc, j);
            }
            for (int j = nv; j < n; j++) {
                acc[j] += x[xOff + p] * b[r0 + j];
            }
        }
        for (int j = 0; j < n; j++) {
            c[cOff + j] = beta == 0f ? alpha * acc[j] : alpha * acc[j] + beta * c[cOff + j];
        }
    }

    /**
     * Two rows at once, B stored (k, n): C[i0..i0+2, :] = alpha * op(A)[i0..i0+2, :] @ B + beta * C, with
     * op(A)[i, p] at a[ai + i*aRow + p*aCol]. Few rows do not amortize packing B, and a pass over B is
     * bound by reading it, so two rows per pass double the work per byte of B. As in
     * {@link #rowStreams}, B is walked along 4 stored rows at a time into 2 scratch rows (acc, 2n).
     */
    static void axpys2(int n, int k, float alpha, float[] a, int ai, int aRow, int aCol, float[] b, int bOff, int ldb,
                       float beta, float[] c, int c0, int ldc, float[] acc) {
        java.util.Arrays.fill(acc, 0, 2 * n, 0f);
        int a1 = ai + aRow;
        int nv = n - n % L;
        int p = 0;
        for (; p + 4 <= k; p += 4) {
            int r0 = bOff + p * ldb;
            int r1 = r0 + ldb;
            int r2 = r1 + ldb;
            int r3 = r2 + ldb;
            FloatVector x0 = FloatVector.broadcast(S, a[ai + p * aCol]);
            FloatVector x1 = FloatVector.broadcast(S, a[ai + (p + 1) * aCol]);
            FloatVector x2 = FloatVector.broadcast(S, a[ai + (p + 2) * aCol]);
            FloatVector x3 = FloatVector.broadcast(S, a[ai + (p + 3) * aCol]);
            FloatVector z0 = FloatVector.broadcast(S, a[a1 + p * aCol]);
            FloatVector z1 = FloatVector.broadcast(S, a[a1 + (p + 1) * aCol]);
            FloatVector z2 = FloatVector.broadcast(S, a[a1 + (p + 2) * aCol]);
            FloatVector z3 = FloatVector.broadcast(S, a[a1 + (p + 3) * aCol]);
            for (int j = 0; j < nv; j += L) {
                FloatVector b0 = FloatVector.fromArray(S, b, r0 + j);
                FloatVector b1 = FloatVector.fromArray(S, b, r1 + j);
                FloatVector b2 = FloatVector.fromArray(S, b, r2 + j);
                FloatVector b3 = FloatVector.fromArray(S, b, r3 + j);
                FloatVector y = FloatVector.fromArray(S, acc, j);
                y = b0.fma(x0, y);
                y = b1.fma(x1, y);
                y = b2.fma(x2, y);
                y = b3.fma(x3, y);
                y.intoArray(acc, j);
                FloatVector w = FloatVector.fromArray(S, acc, n + j);
                w = b0.fma(z0, w);
                w = b1.fma(z1, w);
                w = b2.fma(z2, w);
                w = b3.fma(z3, w);
                w.intoArray(acc, n + j);
            }
            // scalar tail: the last n % L columns
            for (int j = nv; j < n; j++) {
                for (int q = 0; q < 4; q++) {
                    float bq = b[r0 + q * ldb + j];
                    acc[j] += a[ai + (p + q) * aCol] * bq;
                    acc[n + j] += a[a1 + (p + q) * aCol] * bq;
                }
            }
        }
        for (; p < k; p++) {
            int r0 = bOff + p * ldb;
            float xs = a[ai + p * aCol];
            float zs = a[a1 + p * aCol];
            for (int j = 0; j < n; j++) {
                acc[j] += xs * b[r0 + j];
                acc[n + j] += zs * b[r0 + j];
            }
        }
        int c1 = c0 + ldc;
        for (int j = 0; j < n; j++) {
            c[c0 + j] = beta == 0f ? alpha * acc[j] : alpha * acc[j] + beta * c[c0 + j];
            c[c1 + j] = beta == 0f ? alpha * acc[n + j] : alpha * acc[n + j] + beta * c[c1 + j];
        }
    }

    private static void put(float d, float alpha, float beta, float[] c, int ci) {
        c[ci] = beta == 0f ? alpha * d : alpha * d + beta * c[ci];
    }
}
