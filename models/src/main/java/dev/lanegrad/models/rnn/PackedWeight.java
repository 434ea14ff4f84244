package dev.lanegrad.models.rnn;

import dev.lanegrad.autograd.ParameterUpdates;
import dev.lanegrad.engine.FusedLstmStep;
import dev.lanegrad.engine.PrepackedGemm;

/**
 * A weight as the prepacked GEMM reads it, op(B) (k, n) = W^T or W, packed once per parameter version
 * ({@link ParameterUpdates#count()}): a run of inference passes packs once, a training step packs anew.
 * Whole, or in two halves ({@link #FIRST}, {@link #SECOND}) for the two threads of a {@link StepPair}: each
 * multiplies only its half's panels, which stay in its own core's L2. Halves of the columns, or halves of the
 * hidden units ({@link #packByUnits}: each half holds its units' columns of every gate block, so that each
 * thread can also run the pointwise step of its units). Every element of a product is the same sum
 * whichever part computes it, wherever its column lands. Or W packed in the fused LSTM step's
 * own layout ({@link #packLstm}), for that step alone.
 *
 * <p>Mutable scratch of one workspace or stream.
 */
final class PackedWeight {

    /** Which columns of a product: all of them, or the first or second of two threads' halves. */
    static final int ALL = 0;
    static final int FIRST = 1;
    static final int SECOND = 2;

    /** The panels' layouts: op(B) = W or W^T for the prepacked GEMM, or W for the fused LSTM step. */
    private static final int PLAIN = 0;
    private static final int TRANSPOSED = 1;
    private static final int LSTM = 2;
    private static final int UNITS = 3;

    /** The GEMM that multiplies the panels (null in the fused LSTM step's layout, which only that step reads). */
    private PrepackedGemm gemm;
    private float[] panels = new float[0];
    /** What the panels hold: W at (from, fromOff), op(B) (k, n), in layout, packed by packer, as of update count version. */
    private Object packer;
    private int layout;
    private float[] from;
    private int fromOff;
    private boolean halves;
    private int k;
    private int n;
    private long version = -1;
    /** The panels hold op(B)'s columns [0, split) at 0 and [split, n) at second. */
    private int split;
    private int second;
    /** Packed by units: the hidden units of the first half, [0, units), and the hidden size; else 0. */
    private int units;
    private int hidden;
    /**
     * Products so far by part (ALL, FIRST, SECOND): every other one walks its panels backwards
     * ({@link PrepackedGemm}'s cache hint). Per weight and per part, so each sweep turns back from where the
     * last sweep of the same panels ended, whatever else the step multiplies in between, and a pair's two
     * threads (one part each) never share a counter. A stream's step multiplies W_ih and W_hh (1.15 MB for a
     * GRU of I = 128, H = 256); one counter for all products had turned each of them the same way at every
     * step: S2 GRU at one thread 13.8-14.4 -> 13.4-14.0 us (AMD EPYC family 25 model 17, AVX-512, JDK 17.0.15,
     * three alternating rounds). Streams sharing a network share its weights and race on these counters,
     * which only ever choose an order of columns, never a result.
     */
    private final int[] turns = new int[3 * TURN_STRIDE];
    /** A part's counter at part * TURN_STRIDE: 64 bytes apart, so a pair's two threads never write one cache line. */
    private static final int TURN_STRIDE = 16;

    /**
     * Packs op(B) (k, n): W^T when transposed (W (n, k) at (w, wOff), row stride k), else W (k, n) with row
     * stride n; in two column halves when halves. Nothing to do if the panels already hold it.
     */
    void pack(PrepackedGemm gemm, boolean transposed, int k, int n, float[] w, int wOff, boolean halves) {
        long now = ParameterUpdates.count();
        int layout = transposed ? TRANSPOSED : PLAIN;
        if (holds(gemm, layout, w, wOff, halves, k, n, now)) {
            return;
        }
        split = halves ? halfColumns(n) : n;
        units = 0;
        hidden = 0;
        int first = gemm.packedSize(k, split);
        panels = RnnWorkspace.grow(panels, first + gemm.packedSize(k, n - split));
        second = first;
        int ldw = transposed ? k : n;
        gemm.pack(transposed, k, split, w, wOff, ldw, panels, 0);
        if (split < n) {
            // op(B) columns are W rows when transposed, W columns otherwise
            gemm.pack(transposed, k, n - split, w, transposed ? wOff + split * k : wOff + split, ldw, panels, second);
        }
        this.gemm = gemm;
        remember(gemm, layout, w, wOff, halves, k, n, now);
    }

    /**
     * Packs W (4 * hidden, k) at (w, wOff) in the fused LSTM step's own layout ({@link FusedLstmStep#packLstm}),
     * read by that step through {@link #panels}, never by {@link #multiply}. Nothing to do if the panels already
     * hold it.
     */
    void packLstm(FusedLstmStep engine, int k, int hidden, float[] w, int wOff) {
        long now = ParameterUpdates.count();
        if (holds(engine, LSTM, w, wOff, false, k, 4 * hidden, now)) {
            return;
        }
        panels = RnnWorkspace.grow(panels, engine.lstmPackedSize(k, hidden));
        engine.packLstm(k, hidden, w, wOff, panels, 0);
        gemm = null;
        split = 4 * hidden;
        second = 0;
        units = 0;
        this.hidden = 0;
        remember(engine, LSTM, w, wOff, false, k, 4 * hidden, now);
    }

    /**
     * Packs op(B) = W^T (k, n) in two halves by hidden units, W (n, k) at (w, wOff) made of n / hidden gate
     * blocks of hidden rows: the first half holds the columns of units [0, {@link #unitHalf}(hidden)) of every
     * gate block, block after block, the second half those of the other units. A part's product then writes
     * its units' gates as the gates of a cell of that many units, which the pointwise kernels step as they
     * are. Nothing to do if the panels already hold it.
     */
    void packByUnits(PrepackedGemm gemm, int k, int n, int hidden, float[] w, int wOff) {
        long now = ParameterUpdates.count();
        if (holds(gemm, UNITS, w, wOff, true, k, n, now) && this.hidden == hidden) {
            return;
        }
        int blocks = n / hidden;
        units = unitHalf(hidden);
        this.hidden = hidden;
        split = blocks * units;
        int first = gemm.packedSize(k, split);
        panels = RnnWorkspace.grow(panels, first + gemm.packedSize(k, n - split));
        second = first;
        // the rows of each half gathered, then packed as a whole matrix (once per parameter version)
        float[] rows = new float[Math.max(split, n - split) * k];
        gatherUnits(w, wOff, k, blocks, 0, units, rows);
        gemm.pack(true, k, split, rows, 0, k, panels, 0);
        gatherUnits(w, wOff, k, blocks, units, hidden, rows);
        gemm.pack(true, k, n - split, rows, 0, k, panels, second);
        this.gemm = gemm;
        remember(gemm, UNITS, w, wOff, true, k, n, now);
    }

    /** rows = W's rows of units [u0, u1) of every gate block, block after block (rows of k floats). */
    private void gatherUnits(float[] w, int wOff, int k, int blocks, int u0, int u1, float[] rows) {
        int to = 0;
        for (int b = 0; b < blocks; b++) {
            int n = (u1 - u0) * k;
            System.arraycopy(w, wOff + (b * hidden + u0) * k, rows, to, n);
            to += n;
        }
    }

    /**
     * The units of the first of two halves by units: about half, on a 16-unit boundary (the widest vector), so
     * that the pointwise kernels' vector lanes and scalar tail fall on the same units as over the whole row.
     */
    static int unitHalf(int hidden) {
        return (hidden / 2 + 15) / 16 * 16;
    }

    /** Whether {@link #packByUnits} can split hidden units into two non-empty halves. */
    static boolean splitsByUnits(int hidden) {
        return unitHalf(hidden) < hidden;
    }

    /** The first hidden unit of a part packed by units (FIRST: 0, SECOND: where the halves meet). */
    int firstUnit(int part) {
        return part == SECOND ? units : 0;
    }

    /** The end of a part's hidden units, packed by units. */
    int endUnit(int part) {
        return part == FIRST ? units : hidden;
    }

    /** The packed floats, from 0 (the fused LSTM step reads them itself). */
    float[] panels() {
        return panels;
    }

    private boolean holds(Object packer, int layout, float[] w, int wOff, boolean halves, int k, int n, long now) {
        return this.packer == packer && this.layout == layout && from == w && fromOff == wOff && this.halves == halves
                && this.k == k && this.n == n && version == now;
    }

    private void remember(Object packer, int layout, float[] w, int wOff, boolean halves, int k, int n, long now) {
        this.packer = packer;
        this.layout = layout;
        from = w;
        fromOff = wOff;
        this.halves = halves;
        this.k = k;
        this.n = n;
        version = now;
    }

    /** Where two threads split n product columns: about half, on a 64-column boundary (the widest GEMM panel). */
    static int halfColumns(int n) {
        int half = (n / 2 + 63) / 64 * 64;
        return half < n ? half : n / 2;
    }

    /** The first product column of a part (ALL and FIRST: 0, SECOND: where the halves meet). */
    int firstColumn(int part) {
        return part == SECOND ? split : 0;
    }

    /** The end of a part's product columns. */
    int endColumn(int part) {
        return part == FIRST ? split : n;
    }

    /** c (rows, part's columns) at cOff (+ the part's first column) = a (rows, k) . op(B) + beta * c. */
    void multiply(int part, int rows, float[] a, int aOff, int lda, float beta, float[] c, int cOff, int ldc) {
        boolean backwards = (turns[part * TURN_STRIDE]++ & 1) == 1;
        if (backwards && part == ALL && split < n) {
            // the halves' order turns too: the second half was read last
            gemm.multiply(rows, n - split, k, 1f, a, aOff, lda, panels, second, beta, c, cOff + split, ldc, true);
            gemm.multiply(rows, split, k, 1f, a, aOff, lda, panels, 0, beta, c, cOff, ldc, true);
            return;
        }
        if (part != SECOND) {
            gemm.multiply(rows, split, k, 1f, a, aOff, lda, panels, 0, beta, c, cOff, ldc, backwards);
        }
        if (part != FIRST && split < n) {
            gemm.multiply(rows, n - split, k, 1f, a, aOff, lda, panels, second, beta, c, cOff + split, ldc, backwards);
        }
    }

    long floatsHeld() {
        return panels.length;
    }
}
