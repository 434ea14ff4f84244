package dev.lanegrad.models.rnn;

import dev.lanegrad.autograd.ParameterUpdates;
import dev.lanegrad.engine.PrepackedGemm;

/**
 * A weight as the prepacked GEMM reads it, op(B) (k, n) = W^T or W, packed once per parameter version
 * ({@link ParameterUpdates#count()}): a run of inference passes packs once, a training step packs anew.
 * Whole, or in two column halves ({@link #FIRST}, {@link #SECOND}) for the two threads of a
 * {@link StepPair}: each multiplies only its half's panels, which stay in its own core's L2.
 * Every element of a product is the same sum whichever part computes it.
 *
 * <p>Mutable scratch of one workspace or stream.
 */
final class PackedWeight {

    /** Which columns of a product: all of them, or the first or second of two threads' halves. */
    static final int ALL = 0;
    static final int FIRST = 1;
    static final int SECOND = 2;

    private PrepackedGemm gemm;
    private float[] panels = new float[0];
    /** What the panels hold: W at (from, fromOff), op(B) (k, n), as of update count version. */
    private float[] from;
    private int fromOff;
    private boolean transposed;
    private boolean halves;
    private int k;
    private int n;
    private long version = -1;
    /** The panels hold op(B)'s columns [0, split) at 0 and [split, n) at second. */
    private int split;
    private int second;

    /**
     * Packs op(B) (k, n): W^T when transposed (W (n, k) at (w, wOff), row stride k), else W (k, n) with row
     * stride n; in two column halves when halves. Nothing to do if the panels already hold it.
     */
    void pack(PrepackedGemm gemm, boolean transposed, int k, int n, float[] w, int wOff, boolean halves) {
        long now = ParameterUpdates.count();
        if (this.gemm == gemm && from == w && fromOff == wOff && this.transposed == transposed && this.halves == halves
                && this.k == k && this.n == n && version == now) {
            return;
        }
        split = halves ? halfColumns(n) : n;
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
        from = w;
        fromOff = wOff;
        this.transposed = transposed;
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
        if (part != SECOND) {
            gemm.multiply(rows, split, k, 1f, a, aOff, lda, panels, 0, beta, c, cOff, ldc);
        }
        if (part != FIRST && split < n) {
            gemm.multiply(rows, n - split, k, 1f, a, aOff, lda, panels, second, beta, c, cOff + split, ldc);
        }
    }

    long floatsHeld() {
        return panels.length;
    }
}
