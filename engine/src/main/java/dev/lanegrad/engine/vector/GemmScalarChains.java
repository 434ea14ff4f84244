package dev.lanegrad.engine.vector;

/**
 * A few rows of op(A) times a stored B^T (n, k), in the micro-kernel's operation order, without
 * packing B^T:
 *
 * <pre>
 * C (m,n) = alpha * op(A) (m,k) @ B^T + beta * C,   B^T stored (n,k) with stride ldb
 * </pre>
 *
 * The micro-kernel sums each element in one FMA chain over k (in KC blocks). A SIMD lane holds one
 * element of C, so along a stored row of B^T the vector order needs a transpose: packing B^T into panels
 * with gathers cost 150 us for 1024 x 256 at 256 bits on Zen 5 (against 20 us for the whole product with
 * lane-wise dot products, which sum k in another order and broke batch invariance). Scalar FMA chains
 * keep the order at no transpose: 8 rows of B^T per pass, 8 independent chains (two FMA pipes times a
 * 4-cycle latency), each reading its row of B^T sequentially. They cost m * n * k / 2 cycles, so they
 * serve only the rows of {@link #MAX_ROWS}; more rows amortize the packing.
 */
final class GemmScalarChains {

    /** Calls with at most this many rows of A @ B^T take the scalar chains; more pack B^T (measured, see docs/kernels.md). */
    static final int MAX_ROWS = 2;

    private GemmScalarChains() {
    }

    /** op(A)[i, p] at a[aOff + i * aRow + p * aCol]. */
    static void gemm(int m, int n, int k, int kb, float alpha, float[] a, int aOff, int aRow, int aCol,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        for (int pc = 0; pc < k; pc += kb) {
            int kc = Math.min(kb, k - pc);
            float betaBlock = pc == 0 ? beta : 1f; // later k blocks accumulate onto the first
            for (int i = 0; i < m; i++) {
                row(n, kc, alpha, a, aOff + i * aRow + pc * aCol, aCol, b, bOff + pc, ldb, betaBlock, c, cOff + i * ldc);
            }
        }
    }

    /** One row of C, one k block: x[x0 + p * xs] against rows of B^T from b (k block already applied). */
    private static void row(int n, int kc, float alpha, float[] x, int x0, int xs, float[] b, int b0, int ldb,
                            float beta, float[] c, int ci) {
        int j = 0;
        for (; j + 8 <= n; j += 8) {
            int r0 = b0 + j * ldb;
            int r1 = r0 + ldb;
            int r2 = r1 + ldb;
            int r3 = r2 + ldb;
            int r4 = r3 + ldb;
            int r5 = r4 + ldb;
            int r6 = r5 + ldb;
            int r7 = r6 + ldb;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (int p = 0; p < kc; p++) {
                float xp = x[x0 + p * xs];
                s0 = Math.fma(xp, b[r0 + p], s0);
                s1 = Math.fma(xp, b[r1 + p], s1);
                s2 = Math.fma(xp, b[r2 + p], s2);
                s3 = Math.fma(xp, b[r3 + p], s3);
                s4 = Math.fma(xp, b[r4 + p], s4);
                s5 = Math.fma(xp, b[r5 + p], s5);
                s6 = Math.fma(xp, b[r6 + p], s6);
                s7 = Math.fma(xp, b[r7 + p], s7);
            }
            put(s0, alpha, beta, c, ci + j);
            put(s1, alpha, beta, c, ci + j + 1);
            put(s2, alpha, beta, c, ci + j + 2);
            put(s3, alpha, beta, c, ci + j + 3);
            put(s4, alpha, beta, c, ci + j + 4);
            put(s5, alpha, beta, c, ci + j + 5);
            put(s6, alpha, beta, c, ci + j + 6);
            put(s7, alpha, beta, c, ci + j + 7);
        }
        for (; j < n; j++) {
            int r0 = b0 + j * ldb;
            float s0 = 0f;
            for (int p = 0; p < kc; p++) {
                s0 = Math.fma(x[x0 + p * xs], b[r0 + p], s0);
            }
            put(s0, alpha, beta, c, ci + j);
        }
    }

    /** The micro-kernel's scaling: alpha * sum + beta * C, C not read when beta == 0. */
    private static void put(float s, float alpha, float beta, float[] c, int ci) {
        c[ci] = beta == 0f ? alpha * s : alpha * s + beta * c[ci];
    }
}
