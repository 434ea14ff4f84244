package dev.lanegrad.engine.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One row of C from packed B panels, in the micro-kernel's operation order: the batch-1 product
 * (h . W_hh^T at B = 1, a streaming step) without padding the row to a 4- or 6-row tile.
 *
 * <pre>
 * Bp panels (kc, NR), panel q at b + q * kc * NR, Bp[q][p * NR + j] = op(B)[p0 + p, q * NR + j]
 * c[cOff + j] = alpha * sum_p x[x0 + p * xs] * op(B)[p0 + p, j] + beta * c[cOff + j]   (j < n)
 * </pre>
 *
 * Every element is one FMA chain over the k block in increasing p, starting from zero, then scaled
 * into C as {@link GemmMicroKernel} does: bit for bit the value the micro-kernel computes for the same
 * row inside a tile of any height. Batch invariance depends on it (a row must not change with the
 * number of rows in the call), so the instruction-level parallelism comes from independent output
 * vectors along n, never from splitting k: {@link #PANELS} panels at a time, NV accumulators each (16
 * with 32 registers, 8 with 16: two FMA pipes times a 4-cycle latency at least), one broadcast of x per k
 * step, one load per FMA. The product is bound by how fast the panels stream in, and four streams feed
 * it faster than two: at 512 bits (AMD EPYC family 26 model 2, Zen 5, 1 MB L2, JDK 17), one row against
 * 256-deep panels of 512 / 768 / 1024 columns (512 KB to 1 MB), 4 panels x 4 vectors made 152-162 / 125-135
 * / 98-99 GB/s where 2 panels x 4 vectors made 122-136 / 118-122 / 94-100 (a scratch harness, best of 60
 * x 200 calls, five alternating rounds); 256 columns (256 KB): 157 both ways.
 */
final class GemmRowKernel {

    private static final VectorSpecies<Float> S = KernelShape.SPECIES;
    private static final int L = KernelShape.LANES;
    private static final int NV = KernelShape.NV;
    private static final int NR = KernelShape.NR;
    /** Panels summed at once, NV vectors each: 4 x 4 vectors (16 + 1 of 32 registers) or 4 x 2 (8 + 1 of 16). */
    static final int PANELS = 4;
    /**
     * Prepacked products with up to this many rows compute each row alone with this kernel, instead of in
     * micro-kernel slivers padded to 4 rows; both give the same bits. Two rows alone measured slower than
     * one padded sliver at n = 1024 (AVX-512: 27.1 vs 18.9 us at 2 x 1024 x 256), see docs/kernels.md.
     */
    static final int ROWS_ALONE = 1;
    /** Columns of C per kernel call: PANELS * NV vectors. */
    static final int COLS = PANELS * NR;

    private GemmRowKernel() {
    }

    /**
     * Columns [0, n) of one row of C over one k block. x: op(A)'s row, element p at x[x0 + p * xs].
     * edge: per-thread scratch of at least {@link #COLS} floats.
     */
    static void row(int kc, int n, float alpha, float[] x, int x0, int xs, float[] bp, int b,
                    float beta, float[] c, int cOff, float[] edge, boolean backwards) {
        int ps = kc * NR;
        int full = n / COLS * COLS;
        if (!backwards) {
            for (int j = 0; j < full; j += COLS) {
                group(kc, n, alpha, x, x0, xs, bp, b, ps, beta, c, cOff, edge, j);
            }
            tail(kc, n, alpha, x, x0, xs, bp, b, ps, beta, c, cOff, edge, full);
        } else {
            tail(kc, n, alpha, x, x0, xs, bp, b, ps, beta, c, cOff, edge, full);
            for (int j = full - COLS; j >= 0; j -= COLS) {
                group(kc, n, alpha, x, x0, xs, bp, b, ps, beta, c, cOff, edge, j);
            }
        }
    }

    /** Columns [j, j + COLS) of the row. */
    private static void group(int kc, int n, float alpha, float[] x, int x0, int xs, float[] bp, int b, int ps,
                              float beta, float[] c, int cOff, float[] edge, int j) {
        chains(kc, x, x0, xs, bp, b + (j / NR) * ps, ps, edge);
        update(edge, COLS, alpha, beta, c, cOff + j);
    }

    /** Columns [from, n): fewer than PANELS panels, the last possibly partial. */
    private static void tail(int kc, int n, float alpha, float[] x, int x0, int xs, float[] bp, int b, int ps,
                             float beta, float[] c, int cOff, float[] edge, int from) {
        for (int j = from; j < n; j += NR) {
            panel(kc, x, x0, xs, bp, b + (j / NR) * ps, edge);
            update(edge, Math.min(NR, n - j), alpha, beta, c, cOff + j);
        }
    }

    /**
     * edge (1, COLS) = x @ PANELS consecutive panels (panel stride ps). Vector v of panel q lands at edge[q * NR
     * + v * L]; the vectors past NV (NV is a static final) are never used, so C2 drops them.
     */
    private static void chains(int kc, float[] x, int x0, int xs, float[] bp, int b, int ps, float[] edge) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int p = 0; p < kc; p++) {
            int b0 = b + p * NR;
            int b1 = b0 + ps;
            int b2 = b1 + ps;
            int b3 = b2 + ps;
            FloatVector a = FloatVector.broadcast(S, x[x0 + p * xs]);
            c00 = a.fma(FloatVector.fromArray(S, bp, b0), c00);
            c01 = a.fma(FloatVector.fromArray(S, bp, b0 + L), c01);
            c10 = a.fma(FloatVector.fromArray(S, bp, b1), c10);
            c11 = a.fma(FloatVector.fromArray(S, bp, b1 + L), c11);
            c20 = a.fma(FloatVector.fromArray(S, bp, b2), c20);
            c21 = a.fma(FloatVector.fromArray(S, bp, b2 + L), c21);
            c30 = a.fma(FloatVector.fromArray(S, bp, b3), c30);
            c31 = a.fma(FloatVector.fromArray(S, bp, b3 + L), c31);
            if (NV == 4) {
                c02 = a.fma(FloatVector.fromArray(S, bp, b0 + 2 * L), c02);
                c03 = a.fma(FloatVector.fromArray(S, bp, b0 + 3 * L), c03);
                c12 = a.fma(FloatVector.fromArray(S, bp, b1 + 2 * L), c12);
                c13 = a.fma(FloatVector.fromArray(S, bp, b1 + 3 * L), c13);
                c22 = a.fma(FloatVector.fromArray(S, bp, b2 + 2 * L), c22);
                c23 = a.fma(FloatVector.fromArray(S, bp, b2 + 3 * L), c23);
                c32 = a.fma(FloatVector.fromArray(S, bp, b3 + 2 * L), c32);
                c33 = a.fma(FloatVector.fromArray(S, bp, b3 + 3 * L), c33);
            }
        }
        c00.intoArray(edge, 0);
        c01.intoArray(edge, L);
        c10.intoArray(edge, NR);
        c11.intoArray(edge, NR + L);
        c20.intoArray(edge, 2 * NR);
        c21.intoArray(edge, 2 * NR + L);
        c30.intoArray(edge, 3 * NR);
        c31.intoArray(edge, 3 * NR + L);
        if (NV == 4) {
            c02.intoArray(edge, 2 * L);
            c03.intoArray(edge, 3 * L);
            c12.intoArray(edge, NR + 2 * L);
            c13.intoArray(edge, NR + 3 * L);
            c22.intoArray(edge, 2 * NR + 2 * L);
            c23.intoArray(edge, 2 * NR + 3 * L);
            c32.intoArray(edge, 3 * NR + 2 * L);
            c33.intoArray(edge, 3 * NR + 3 * L);
        }
    }

    /** edge (1, NR) = x @ one panel: NV accumulators (the panels left over after the groups of PANELS). */
    private static void panel(int kc, float[] x, int x0, int xs, float[] bp, int b, float[] edge) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        for (int p = 0; p < kc; p++) {
            int bo = b + p * NR;
            FloatVector a = FloatVector.broadcast(S, x[x0 + p * xs]);
            c0 = a.fma(FloatVector.fromArray(S, bp, bo), c0);
            c1 = a.fma(FloatVector.fromArray(S, bp, bo + L), c1);
            if (NV == 4) {
                c2 = a.fma(FloatVector.fromArray(S, bp, bo + 2 * L), c2);
                c3 = a.fma(FloatVector.fromArray(S, bp, bo + 3 * L), c3);
            }
        }
        c0.intoArray(edge, 0);
        c1.intoArray(edge, L);
        if (NV == 4) {
            c2.intoArray(edge, 2 * L);
            c3.intoArray(edge, 3 * L);
        }
    }

    /** c (1, cols) = alpha * edge + beta * c, with the micro-kernel's rounding steps (beta == 0: C not read). */
    private static void update(float[] edge, int cols, float alpha, float beta, float[] c, int ci) {
        int v = 0;
        for (; v + L <= cols; v += L) {
            FloatVector t = FloatVector.fromArray(S, edge, v).mul(alpha);
            if (beta != 0f) {
                t = FloatVector.fromArray(S, c, ci + v).mul(beta).add(t);
            }
            t.intoArray(c, ci + v);
        }
        for (; v < cols; v++) {
            c[ci + v] = beta == 0f ? alpha * edge[v] : alpha * edge[v] + beta * c[ci + v];
        }
    }
}
