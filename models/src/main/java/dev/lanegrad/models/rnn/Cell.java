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
     * The bias terms of `rows` rows of the input projection xp (rows, G*H) = X W_ih^T, slot s of p: here
     * b_ih + b_hh, since the hidden product adds into the same gates (a GRU keeps its hidden side apart).
     */
    void addBiases(int rows, float[] xp, int xpOff, float[] gh, int ghOff, RnnParameters p, int s) {
        float[] bih = p.biasIh(s);
        if (bih != null) {
            ops.addRowBias(xp, xpOff, rows, gateRows, gateRows, bih, p.biasIhOff(s));
            ops.addRowBias(xp, xpOff, rows, gateRows, gateRows, p.biasHh(s), p.biasHhOff(s));
        }
    }

    /**
     * Forward of one step. In: gates (rows, G*H) at g = the input projection with its biases (and gh of a
     * GRU at g); hPrev, cPrev = the state before the step. Adds hPrev W_hh^T, then the fused kernel writes
     * the state after the step to h (and c) and leaves in gates (and gh) what {@link #backward} needs.
     * cPrev and c are ignored unless the cell has a cell state.
     */
    abstract void forward(int rows, HiddenWeights w, float[] gates, int g, float[] gh,
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
        private float[] panels = new float[0];
        private float[] whh;
        private int whhOff;
        private int hidden;
        private int gateRows;

        /** For forward steps, h W_hh^T: W_hh^T packed when packed is not null. */
        void forForward(Gemm gemm, PrepackedGemm packed, RnnParameters p, int s) {
            set(gemm, packed, p, s);
            if (packed != null) {
                panels = RnnWorkspace.grow(panels, packed.packedSize(hidden, gateRows));
                packed.pack(true, hidden, gateRows, whh, whhOff, hidden, panels, 0);
            }
        }

        /** For backward steps, dGates W_hh: W_hh packed when packed is not null. */
        void forBackward(Gemm gemm, PrepackedGemm packed, RnnParameters p, int s) {
            set(gemm, packed, p, s);
            if (packed != null) {
                panels = RnnWorkspace.grow(panels, packed.packedSize(gateRows, hidden));
                packed.pack(false, gateRows, hidden, whh, whhOff, hidden, panels, 0);
            }
        }

        private void set(Gemm gemm, PrepackedGemm packed, RnnParameters p, int s) {
            this.gemm = gemm;
            this.packed = packed;
            this.whh = p.weightHh(s);
            this.whhOff = p.weightHhOff(s);
            this.hidden = p.config().hiddenSize();
            this.gateRows = p.config().gateRows();
        }

        /** Whether the products run prepacked (then only on the calling thread, see BatchSplit). */
        boolean packed() {
            return packed != null;
        }

        /** target (rows, G*H) at tOff += h (rows, H) at hOff . W_hh^T */
        void addHiddenProduct(int rows, float[] h, int hOff, float[] target, int tOff) {
            if (packed != null) {
                packed.multiply(rows, gateRows, hidden, 1f, h, hOff, hidden, panels, 0, 1f, target, tOff, gateRows);
            } else {
                gemm.sgemm(false, true, rows, gateRows, hidden, 1f, h, hOff, hidden, whh, whhOff, hidden, 1f, target, tOff, gateRows);
            }
        }

        /** dh (rows, H) at dhOff = dg (rows, G*H) at gOff . W_hh + beta * dh */
        void backThroughWeights(int rows, float[] dg, int gOff, float beta, float[] dh, int dhOff) {
            if (packed != null) {
                packed.multiply(rows, hidden, gateRows, 1f, dg, gOff, gateRows, panels, 0, beta, dh, dhOff, hidden);
            } else {
                gemm.sgemm(false, false, rows, hidden, gateRows, 1f, dg, gOff, gateRows, whh, whhOff, hidden, beta, dh, dhOff, hidden);
            }
        }

        long floatsHeld() {
            return panels.length;
        }
    }
}
