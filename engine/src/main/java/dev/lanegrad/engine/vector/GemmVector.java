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
final class GemmVector {

    private static final VectorSpecies<Float> S = GemmMicroKernel.S;
    private static final int L = GemmMicroKernel.L;

    private GemmVector() {
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
     * op(A)[i, p] at a[ai + i*aRow + p*aCol]. Few rows do not amortize packing B, and each pass over B
     * is bound by reading it, so two rows per pass double the work per byte of B (4 vectors of 2 rows:
     * 8 FMA chains per k step, 4 loads and 2 broadcasts).
     */
    static void axpys2(int n, int k, float alpha, float[] a, int ai, int aRow, int aCol, float[] b, int bOff, int ldb,
                       float beta, float[] c, int c0, int ldc) {
        int c1 = c0 + ldc;
        int a1 = ai + aRow;
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            FloatVector y0 = FloatVector.zero(S), y1 = y0, y2 = y0, y3 = y0;
            FloatVector z0 = y0, z1 = y0, z2 = y0, z3 = y0;
            int row = bOff + j;
            for (int p = 0; p < k; p++, row += ldb) {
                FloatVector b0 = FloatVector.fromArray(S, b, row);
                FloatVector b1 = FloatVector.fromArray(S, b, row + L);
                FloatVector b2 = FloatVector.fromArray(S, b, row + 2 * L);
                FloatVector b3 = FloatVector.fromArray(S, b, row + 3 * L);
                FloatVector x = FloatVector.broadcast(S, a[ai + p * aCol]);
                y0 = b0.fma(x, y0);
                y1 = b1.fma(x, y1);
                y2 = b2.fma(x, y2);
                y3 = b3.fma(x, y3);
                x = FloatVector.broadcast(S, a[a1 + p * aCol]);
                z0 = b0.fma(x, z0);
                z1 = b1.fma(x, z1);
                z2 = b2.fma(x, z2);
                z3 = b3.fma(x, z3);
            }
            store(y0, alpha, beta, c, c0 + j);
            store(y1, alpha, beta, c, c0 + j + L);
            store(y2, alpha, beta, c, c0 + j + 2 * L);
            store(y3, alpha, beta, c, c0 + j + 3 * L);
            store(z0, alpha, beta, c, c1 + j);
            store(z1, alpha, beta, c, c1 + j + L);
            store(z2, alpha, beta, c, c1 + j + 2 * L);
            store(z3, alpha, beta, c, c1 + j + 3 * L);
        }
        // tail: the last n % (4 L) columns, one scalar dot product each (at most 63 per row)
        for (; j < n; j++) {
            float d0 = 0f;
            float d1 = 0f;
            for (int p = 0; p < k; p++) {
                float bp = b[bOff + p * ldb + j];
                d0 += a[ai + p * aCol] * bp;
                d1 += a[a1 + p * aCol] * bp;
            }
            c[c0 + j] = beta == 0f ? alpha * d0 : alpha * d0 + beta * c[c0 + j];
            c[c1 + j] = beta == 0f ? alpha * d1 : alpha * d1 + beta * c[c1 + j];
        }
    }

    private static void store(FloatVector y, float alpha, float beta, float[] c, int ci) {
        if (beta == 0f) {
            y.mul(alpha).intoArray(c, ci);
        } else {
            y.mul(alpha).add(FloatVector.fromArray(S, c, ci).mul(beta)).intoArray(c, ci);
        }
    }

    private static void put(float d, float alpha, float beta, float[] c, int ci) {
        c[ci] = beta == 0f ? alpha * d : alpha * d + beta * c[ci];
    }
}
