package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.PrepackedGemm;
import dev.lanegrad.engine.RecurrentKernels;

/**
 * One recurrent step for a block of rows, forward and backward, as PyTorch's RNN.cpp has a Cell: the
 * recurrent product with W_hh and the engine's fused pointwise kernel. One subclass per cell type
 * ({@link LstmCell}, {@link GruCell}, {@link ElmanCell}); the time loops ({@link TimeLoop}) and streaming
 * ({@link StreamStep}) call only this, so no loop asks which cell it runs.
 *
 * <p>State buffers hold rows of H floats with stride H; gate buffers rows of G*H floats. A cell is
 * immutable and shared by every thread running its network.
 */
abstract class Cell {

    final RecurrentKernels kernels;
    final ArrayOps ops;
    /** H */
    final int hidden;
    /** G * H */
    final int gateRows;

    Cell(RnnConfig cfg, RecurrentKernels kernels, ArrayOps ops) {
        this.kernels = kernels;
        this.ops = ops;
        this.hidden = cfg.hiddenSize();
        this.gateRows = cfg.gateRows();
    }

    /** The cell of cfg's mode. */
    static Cell of(RnnConfig cfg, RecurrentKernels kernels, ArrayOps ops) {
        return switch (cfg.mode()) {
            case RNN_TANH -> new ElmanCell(cfg, kernels, ops, false);
            case RNN_RELU -> new ElmanCell(cfg, kernels, ops, true);
            case LSTM -> new LstmCell(cfg, kernels, ops);
            case GRU -> new GruCell(cfg, kernels, ops);
        };
    }

    /**
     * The bias terms of `rows` rows of a step's input projection xp (rows, G*H), columns [c0, c1), slot s
     * of p: here b_ih + b_hh, in one pass (ArrayOps#addRowBiases), since the hidden product adds into the
     * same gates (a GRU keeps its hidden side apart). The time loops add them step by step, just before the
     * hidden product reads the same rows: over the whole projection at once they were two passes over a buffer
     * far larger than L2
     * (8 % of an S5 LSTM forward on AVX-512, B = 64, T = 50, in a JFR profile).
     */
    void addBiases(int rows, float[] xp, int xpOff, float[] gh, int ghOff, RnnParameters p, int s, int c0, int c1) {
        float[] bih = p.biasIh(s);
        if (bih != null) {
            ops.addRowBiases(xp, xpOff + c0, rows, c1 - c0, gateRows,
                    bih, p.biasIhOff(s) + c0, p.biasHh(s), p.biasHhOff(s) + c0);
        }
    }

    /**
     * {@link #addBiases} for a part of a pair packed by units (PackedWeight#packByUnits): `rows` rows of G*H
     * gates whose columns [c0, c0 + G * (u1 - u0)) hold units [u0, u1) of each gate block, block after block.
     */
    final void addUnitBiases(int rows, float[] xp, int xpOff, float[] gh, int ghOff, RnnParameters p, int s,
                             int u0, int u1, int c0) {
        int units = u1 - u0;
        for (int b = 0; b * hidden < gateRows; b++) {
            int from = b * hidden + u0;
            int shift = c0 + b * units - from;
            addBiases(rows, xp, xpOff + shift, gh, ghOff + shift, p, s, from, from + units);
        }
    }

    /**
     * Forward of one step. In: gates (rows, G*H) at g = the input projection with its biases (and gh of a
     * GRU at g); hPrev, cPrev = the state before the step. Adds hPrev W_hh^T, then the fused kernel writes
     * the state after the step to h (and c) and leaves in gates (and gh) what {@link #backward} needs.
     * cPrev and c are ignored unless the cell has a cell state.
     */
    final void forward(int rows, HiddenWeights w, float[] gates, int g, float[] gh,
                       float[] hPrev, int hPrevOff, float[] h, int hOff,
                       float[] cPrev, int cPrevOff, float[] c, int cOff) {
        w.addHiddenProduct(rows, hPrev, hPrevOff, productTarget(gates, gh), g, PackedWeight.ALL);
        pointwise(rows, hidden, gates, g, gh, hPrev, hPrevOff, h, hOff, cPrev, cPrevOff, c, cOff);
    }

    /** Where a step's hidden product hPrev W_hh^T adds into: the gates, or a GRU's own gh. */
    float[] productTarget(float[] gates, float[] gh) {
        return gates;
    }

    /**
     * The fused pointwise part of a forward step, once the hidden product is in: from gates (and gh) at g
     * and the state before the step, the state after it. Rows are independent, so any split of them gives
     * the same bits. units: hidden (rows of G*H gates), or, for one row (rows = 1), a part of a pair packed by
     * units (PackedWeight#packByUnits), whose gates are those of a cell of that many units: the state's units
     * from hPrevOff, hOff, cPrevOff and cOff on, the same bits as in the whole row.
     */
    abstract void pointwise(int rows, int units, float[] gates, int g, float[] gh,
                            float[] hPrev, int hPrevOff, float[] h, int hOff,
                            float[] cPrev, int cPrevOff, float[] c, int cOff);

    /**
     * Backward of one step, from what forward saved: gates and gh at g, the state history h (and c) with
     * the state before the step at row offset prev and after it at next (offsets in floats).
     * In: dh (rows, H) at dOff = d loss / d h_t, dc at dOff = d loss / d c_t (LSTM).
     * Out: dgx (rows, G*H) at g = d loss / d input pre-activations, and for a GRU dgh = d loss / d gh;
     * dc becomes d loss / d c_{t-1}; the returned array (dh itself, or spare) holds d loss / d h_{t-1} at dOff.
     */
    abstract float[] backward(int rows, HiddenWeights w, float[] gates, int g, float[] gh,
                              float[] h, float[] c, int prev, int next,
                              float[] dh, float[] spare, float[] dc, int dOff, float[] dgx, float[] dgh);

    /** The gradient of the hidden side's pre-activations (for dW_hh and db_hh): dgx, or a GRU's own dgh. */
    float[] hiddenSide(float[] dgx, float[] dgh) {
        return dgx;
    }

    /**
     * W_hh of one direction as the steps multiply it: packed once per pass into the GEMM kernel's panels
     * when the GEMM can (packing it per step cost as much as the product at small batch, see PrepackedGemm),
     * or read in place. Mutable scratch: one per workspace or stream, set before each pass.
     */
    static final class HiddenWeights {
        private Gemm gemm;
        private PrepackedGemm packed;
        private RnnParameters params;
        private int slot;
        private float[] whh;
        private int whhOff;
        private int hidden;
        private int gateRows;
        /** W_hh^T (forward) or W_hh (backward), whole or in two column halves (see {@link PackedWeight}). */
        private final PackedWeight panels = new PackedWeight();
        /**
         * W_hh^T in two halves of the hidden units, for a StepPair's inference passes. Its own panels, not
         * {@link #panels} repacked: a busy machine makes PairBackoff switch between paired and solo passes, and
         * with one set of panels every switch packed W_hh again, allocating a temporary of half of it (S1 LSTM
         * at two threads, AMD EPYC family 25 model 1, Zen 3, AVX2, JDK 17.0.15: 492-1,433 bytes per pass in
         * some runs, JFR: PackedWeight.packByUnits from the timed passes).
         */
        private final PackedWeight unitPanels = new PackedWeight();
        /** The panels the current pass multiplies: {@link #panels} or {@link #unitPanels}. */
        private PackedWeight current = panels;

        /**
         * For forward steps, h W_hh^T: W_hh^T packed when packed is not null, in two halves when halves (of the
         * hidden units when byUnits, else of the columns).
         */
        void forForward(Gemm gemm, PrepackedGemm packed, RnnParameters p, int s, boolean halves, boolean byUnits) {
            set(gemm, packed, p, s);
            if (packed == null) {
                return;
            }
            // packing W_hh of H = 256 (1 MB) took 116 us of a 0.8 ms batch-1 LSTM forward on AVX-512: once per version
            if (halves && byUnits) {
                unitPanels.packByUnits(packed, hidden, gateRows, hidden, whh, whhOff);
                current = unitPanels;
            } else {
                panels.pack(packed, true, hidden, gateRows, whh, whhOff, halves);
                current = panels;
            }
        }

        /** For backward steps, dGates W_hh: W_hh packed when packed is not null. */
        void forBackward(Gemm gemm, PrepackedGemm packed, RnnParameters p, int s) {
            set(gemm, packed, p, s);
            if (packed != null) {
                panels.pack(packed, false, gateRows, hidden, whh, whhOff, false);
            }
            current = panels;
        }

        private void set(Gemm gemm, PrepackedGemm packed, RnnParameters p, int s) {
            this.params = p;
            this.slot = s;
            this.gemm = gemm;
            this.packed = packed;
            this.whh = p.weightHh(s);
            this.whhOff = p.weightHhOff(s);
            this.hidden = p.config().hiddenSize();
            this.gateRows = p.config().gateRows();
        }

        /** The parameters and slot whose W_hh this is (their biases go with it). */
        RnnParameters params() {
            return params;
        }

        int slot() {
            return slot;
        }

        /** The first product column of a part (PackedWeight's ALL, FIRST or SECOND). */
        int firstColumn(int part) {
            return current.firstColumn(part);
        }

        /** The end of a part's product columns. */
        int endColumn(int part) {
            return current.endColumn(part);
        }

        /** A part's first hidden unit, packed by units. */
        int firstUnit(int part) {
            return current.firstUnit(part);
        }

        /** The end of a part's hidden units, packed by units. */
        int endUnit(int part) {
            return current.endUnit(part);
        }

        /** Whether the products run prepacked (then only on the calling thread, see BatchSplit). */
        boolean packed() {
            return packed != null;
        }

        /**
         * target (rows, G*H) at tOff += h (rows, H) at hOff . W_hh^T, all columns or one half of them (two
         * threads each multiplying their half keep each half's panels in their own core's L2: W_hh of
         * H = 256 is 1 MB, a Zen 5 core's whole L2). Every element is the same sum either way.
         */
        void addHiddenProduct(int rows, float[] h, int hOff, float[] target, int tOff, int part) {
            if (packed == null) {
                gemm.sgemm(false, true, rows, gateRows, hidden, 1f, h, hOff, hidden, whh, whhOff, hidden, 1f, target, tOff, gateRows);
                return;
            }
            current.multiply(part, rows, h, hOff, hidden, 1f, target, tOff, gateRows);
        }

        /** dh (rows, H) at dhOff = dg (rows, G*H) at gOff . W_hh + beta * dh */
        void backThroughWeights(int rows, float[] dg, int gOff, float beta, float[] dh, int dhOff) {
            if (packed != null) {
                current.multiply(PackedWeight.ALL, rows, dg, gOff, gateRows, beta, dh, dhOff, hidden);
            } else {
                gemm.sgemm(false, false, rows, hidden, gateRows, 1f, dg, gOff, gateRows, whh, whhOff, hidden, beta, dh, dhOff, hidden);
            }
        }

        long floatsHeld() {
            return panels.floatsHeld() + unitPanels.floatsHeld();
        }
    }
}
