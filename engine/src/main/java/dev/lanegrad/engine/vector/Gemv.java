package dev.lanegrad.engine.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One or two rows of op(A) times a stored B (k, n), unpacked (batch-1 inference, a streaming step):
 *
 * <pre>
 * y (1,n) = alpha * x (1,k) @ B (k,n) + beta * y
 * </pre>
 *
 * Every element of B is used once per row, so the product is bound by reading B and packing would only
 * add a second pass over it: B is read in place, along its stored rows.
 *
 * The operation order is the micro-kernel's ({@link GemmMicroKernel}), so a row gets the same bits here
 * as in a call with many rows: k in blocks of KC; within a block one FMA chain per element of y in
 * increasing k from zero (the vector and the scalar tail columns alike); each block scaled into C as
 * alpha * sum + beta * C, later blocks with beta 1.
 */
final class Gemv {

    private static final VectorSpecies<Float> S = KernelShape.SPECIES;
    private static final int L = KernelShape.LANES;

    private Gemv() {
    }

    static void gemv(boolean transA, int n, int k, int kb, float alpha, float[] a, int aOff, int lda,
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
        float[] acc = ws.acc(n);
        for (int pc = 0; pc < k; pc += kb) {
            int kc = Math.min(kb, k - pc);
            rowStreams(n, kc, x, xOff + pc, b, bOff + pc * ldb, ldb, acc);
            float betaBlock = pc == 0 ? beta : 1f; // later k blocks accumulate onto the first
            for (int j = 0; j < n; j++) {
                c[cOff + j] = betaBlock == 0f ? alpha * acc[j] : alpha * acc[j] + betaBlock * c[cOff + j];
            }
        }
    }

    /**
     * acc (1, n) = x (1, kc) @ B (kc, n), walked along B's rows: acc += x[p] B[p, :] for 4 rows p at a
     * time, in a contiguous scratch row (L1-resident). B is read as 4 sequential streams, which the
     * hardware prefetcher follows, instead of 256-byte pieces at a stride of ldb.
     */
    private static void rowStreams(int n, int kc, float[] x, int xOff, float[] b, int bOff, int ldb, float[] acc) {
        java.util.Arrays.fill(acc, 0, n, 0f);
        int nv = n - n % L;
        int p = 0;
        for (; p + 4 <= kc; p += 4) {
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
            for (int j = nv; j < n; j++) { // scalar tail: the last n % L columns, the same chain
                float y = Math.fma(x[xOff + p], b[r0 + j], acc[j]);
                y = Math.fma(x[xOff + p + 1], b[r1 + j], y);
                y = Math.fma(x[xOff + p + 2], b[r2 + j], y);
                acc[j] = Math.fma(x[xOff + p + 3], b[r3 + j], y);
            }
        }
        for (; p < kc; p++) {
            FloatVector x0 = FloatVector.broadcast(S, x[xOff + p]);
            int r0 = bOff + p * ldb;
            for (int j = 0; j < nv; j += L) {
                FloatVector.fromArray(S, b, r0 + j).fma(x0, FloatVector.fromArray(S, acc, j)).intoArray(acc, j);
            }
            for (int j = nv; j < n; j++) {
                acc[j] = Math.fma(x[xOff + p], b[r0 + j], acc[j]);
            }
        }
    }

    /**
     * Two rows at once, B stored (k, n): C[i0..i0+2, :] = alpha * op(A)[i0..i0+2, :] @ B + beta * C, with
     * op(A)[i, p] at a[ai + i*aRow + p*aCol]. Few rows do not amortize packing B, and a pass over B is
     * bound by reading it, so two rows per pass double the work per byte of B. As in
     * {@link #rowStreams}, B is walked along 4 stored rows at a time into 2 scratch rows (acc, 2n).
     */
    static void axpys2(int n, int k, int kb, float alpha, float[] a, int ai, int aRow, int aCol, float[] b, int bOff, int ldb,
                       float beta, float[] c, int c0, int ldc, float[] acc) {
        int c1 = c0 + ldc;
        for (int pc = 0; pc < k; pc += kb) {
            int kc = Math.min(kb, k - pc);
            axpys2Block(n, kc, a, ai + pc * aCol, aRow, aCol, b, bOff + pc * ldb, ldb, acc);
            float betaBlock = pc == 0 ? beta : 1f; // later k blocks accumulate onto the first
            for (int j = 0; j < n; j++) {
                c[c0 + j] = betaBlock == 0f ? alpha * acc[j] : alpha * acc[j] + betaBlock * c[c0 + j];
                c[c1 + j] = betaBlock == 0f ? alpha * acc[n + j] : alpha * acc[n + j] + betaBlock * c[c1 + j];
            }
        }
    }

    /** acc (2, n) = op(A) rows (2, kc) @ B (kc, n), one k block. */
    private static void axpys2Block(int n, int kc, float[] a, int ai, int aRow, int aCol, float[] b, int bOff, int ldb,
                                    float[] acc) {
        java.util.Arrays.fill(acc, 0, 2 * n, 0f);
        int a1 = ai + aRow;
        int nv = n - n % L;
        int p = 0;
        for (; p + 4 <= kc; p += 4) {
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
            // scalar tail: the last n % L columns, the same chains
            for (int j = nv; j < n; j++) {
                for (int q = 0; q < 4; q++) {
                    float bq = b[r0 + q * ldb + j];
                    acc[j] = Math.fma(a[ai + (p + q) * aCol], bq, acc[j]);
                    acc[n + j] = Math.fma(a[a1 + (p + q) * aCol], bq, acc[n + j]);
                }
            }
        }
        for (; p < kc; p++) {
            int r0 = bOff + p * ldb;
            float xs = a[ai + p * aCol];
            float zs = a[a1 + p * aCol];
            for (int j = 0; j < n; j++) {
                acc[j] = Math.fma(xs, b[r0 + j], acc[j]);
                acc[n + j] = Math.fma(zs, b[r0 + j], acc[n + j]);
            }
        }
    }
}
