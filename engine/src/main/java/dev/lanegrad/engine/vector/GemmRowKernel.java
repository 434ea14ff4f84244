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
 * vectors along n, never from splitting k: {@link #PANELS} panels at a time, 8 accumulators (two FMA
 * pipes times a 4-cycle latency), one broadcast of x per k step, 8 loads per 8 FMAs.
 */
final class GemmRowKernel {

    private static final VectorSpecies<Float> S = KernelShape.SPECIES;
    private static final int L = KernelShape.LANES;
    private static final int NV = KernelShape.NV;
    private static final int NR = KernelShape.NR;
    /** Panels summed at once: 4 of 2 vectors (16 registers) or 2 of 4 vectors (32 registers), 8 chains. */
    static final int PANELS = 8 / NV;
    /**
     * Prepacked products with up to this many rows compute each row alone with this kernel, instead of in
     * micro-kernel slivers padded to 4 rows; both give the same bits. Two rows alone measured slower than
     * one padded sliver at n = 1024 (AVX-512: 27.1 vs 18.9 us at 2 x 1024 x 256), see docs/kernels.md.
     */
    static final int ROWS_ALONE = 1;
    /** Columns of C per kernel call: 8 vectors. */
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
        chains8(kc, x, x0, xs, bp, b + (j / NR) * ps, ps, edge);
        update(edge, COLS, alpha, beta, c, cOff + j);
    }

    /** Columns [from, n): fewer than PANELS panels, the last possibly partial. */
    private static void tail(int kc, int n, float alpha, float[] x, int x0, int xs, float[] bp, int b, int ps,
                             float beta, float[] c, int cOff, float[] edge, int from) {
        for (int j = from; j < n; j += NR) {
            chains1(kc, x, x0, xs, bp, b + (j / NR) * ps, edge);
            update(edge, Math.min(NR, n - j), alpha, beta, c, cOff + j);
        }
    }

    /** edge (1, COLS) = x @ PANELS consecutive panels (panel stride ps): 8 accumulators. */
    private static void chains8(int kc, float[] x, int x0, int xs, float[] bp, int b, int ps, float[] edge) {
        // vector v of the 8 sits in panel v / NV at lane offset (v % NV) * L; NV is a static final
        int o1 = L;
        int o2 = NV == 2 ? ps : 2 * L;
        int o3 = NV == 2 ? ps + L : 3 * L;
        int o4 = NV == 2 ? 2 * ps : ps;
        int o5 = NV == 2 ? 2 * ps + L : ps + L;
        int o6 = NV == 2 ? 3 * ps : ps + 2 * L;
        int o7 = NV == 2 ? 3 * ps + L : ps + 3 * L;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0; p < kc; p++) {
            int bo = b + p * NR;
            FloatVector a = FloatVector.broadcast(S, x[x0 + p * xs]);
            c0 = a.fma(FloatVector.fromArray(S, bp, bo), c0);
            c1 = a.fma(FloatVector.fromArray(S, bp, bo + o1), c1);
            c2 = a.fma(FloatVector.fromArray(S, bp, bo + o2), c2);
            c3 = a.fma(FloatVector.fromArray(S, bp, bo + o3), c3);
            c4 = a.fma(FloatVector.fromArray(S, bp, bo + o4), c4);
            c5 = a.fma(FloatVector.fromArray(S, bp, bo + o5), c5);
            c6 = a.fma(FloatVector.fromArray(S, bp, bo + o6), c6);
            c7 = a.fma(FloatVector.fromArray(S, bp, bo + o7), c7);
        }
        c0.intoArray(edge, 0);
        c1.intoArray(edge, L);
        c2.intoArray(edge, 2 * L);
        c3.intoArray(edge, 3 * L);
        c4.intoArray(edge, 4 * L);
        c5.intoArray(edge, 5 * L);
        c6.intoArray(edge, 6 * L);
        c7.intoArray(edge, 7 * L);
    }

    /** edge (1, NR) = x @ one panel: NV accumulators (the columns left over after the 8-vector groups). */
    private static void chains1(int kc, float[] x, int x0, int xs, float[] bp, int b, float[] edge) {
        for (int v = 0; v < NR; v += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                acc = FloatVector.broadcast(S, x[x0 + p * xs]).fma(FloatVector.fromArray(S, bp, b + p * NR + v), acc);
            }
            acc.intoArray(edge, v);
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
