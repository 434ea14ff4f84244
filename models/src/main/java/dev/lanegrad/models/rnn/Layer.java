package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.FusedLstmStep;
import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.PrepackedGemm;

/**
 * One layer of the stack, both directions, over packed rows (PyTorch's FullLayer, BidirectionalLayer and
 * PackedLayer in one): the input projection of all valid tokens in one GEMM (or step by step inside the
 * loop for wide batches, {@link StepProjection}), the {@link TimeLoop} of each direction, and in backward
 * the weight and input gradients, each one GEMM over the valid tokens. Every part costs in proportion to
 * sum(lengths), not T*B. Shared and immutable.
 */
final class Layer {

    /**
     * Batches of at least this many rows multiply W_hh prepacked (packed once per direction, see
     * PrepackedGemm). Also at B = 1: the packed GEMV sums each 64-column panel in registers, S1 thread CPU
     * time rnn 0.191 -> 0.172 ms, lstm 0.868 -> 0.792, gru 0.613 -> 0.552 including the packing.
     */
    static final int PACKED_MIN_ROWS = Integer.getInteger("lanegrad.rnn.packedMinRows", 1);

    private final RnnConfig config;
    private final RnnParameters params;
    private final Gemm gemm;
    private final ArrayOps ops;
    private final Cell cell;
    private final TimeLoop loop;

    Layer(RnnParameters params, Gemm gemm, ArrayOps ops, Cell cell) {
        this.config = params.config();
        this.params = params;
        this.gemm = gemm;
        this.ops = ops;
        this.cell = cell;
        this.loop = new TimeLoop(config, cell, ops);
    }

    /**
     * Layer k over the packed input (tokens, In) at (in, inOff): fills ws.y[k] (tokens, D*H) and the saved state
     * of each direction; a unidirectional last layer's output is its state history itself (RnnWorkspace.output),
     * not copied, or, when RnnWorkspace.direct says so, its states go straight into the caller's output.
     */
    void forward(RnnWorkspace ws, int k, float[] in, int inOff) {
        final int D = config.directions();
        for (int d = 0; d < D; d++) {
            int s = k * D + d;
            if (d == 0) {
                // the forward direction's history starts with h0 (the reverse one takes it row by row)
                int bh = ws.batch * config.hiddenSize();
                ops.copy(ws.h0s, s * bh, ws.hs[s], 0, bh);
                if (ws.cs[s] != null) {
                    ops.copy(ws.c0s, s * bh, ws.cs[s], 0, bh);
                }
            }
            forwardLoop(ws, s, d, in, inOff, config.layerInputSize(k));
            if (ws.y[k] != null) {
                copyOutput(ws, ws.hs[s], d, ws.y[k]);
            }
        }
    }

    /**
     * gates[s] (N, GH) = X (N, In) . W_ih^T: every valid token in one GEMM (the time loop adds the biases).
     * A narrow batch, whose loop runs on the calling thread, multiplies a W_ih packed once per parameter
     * version (StepProjection) instead of packing it in every call: at B = 1 (S1, H = 256, 4H x 128)
     * packing W_ih took ~45 us of each ~0.5 ms forward (JFR, AMD EPYC Zen 5, AVX-512, JDK 17).
     */
    private void project(RnnWorkspace ws, int s, float[] in, int inOff, int In, PrepackedGemm packed) {
        final int N = ws.tokens;
        final int GH = config.gateRows();
        if (packed != null && ws.batch < Rnn.SPLIT_MIN_ROWS && StepProjection.fits(GH, In)) {
            ws.projection.set(packed, params.weightIh(s), params.weightIhOff(s), GH, config.hiddenSize(), in, inOff, In, false, false);
            ws.projection.projectAll(N, ws.gates[s]);
            ws.projection.clear();
            return;
        }
        gemm.sgemm(false, true, N, GH, In, 1f, in, inOff, In, params.weightIh(s), params.weightIhOff(s), In, 0f, ws.gates[s], 0, GH);
    }

    /**
     * The forward time loop of slot s, in up to two phases of threading: the steps with at least
     * Rnn.SPLIT_MIN_ROWS rows running split by rows ({@link BatchSplit}), the steps with fewer rows in two
     * threads in step when that pays ({@link StepPair}). The running rows shrink with t, so the forward
     * direction meets its wide steps first and the reverse direction last. A mixed batch (1 x 100 + 31 x 10)
     * thus runs its long tail of one row as fast as that sequence alone, which StepPair speeds up.
     */
    private void forwardLoop(RnnWorkspace ws, int s, int d, float[] in, int inOff, int In) {
        final int T = ws.steps;
        PrepackedGemm packed = prepacked(ws.batch);
        int wide = 0;
        while (wide < T && ws.batchSizes[wide] >= Rnn.SPLIT_MIN_ROWS) {
            wide++;
        }
        int narrowRows = wide < T ? ws.batchSizes[wide] : 0;
        boolean pair = StepPair.pays(narrowRows, config.gateRows(), config.hiddenSize(), packed != null);
        if (pair && s == ws.directSlot) {
            ws.directSlot = -1; // a pair's steps keep the history (LayerStack then copies it out)
        }
        boolean stepwise = !pair && packed != null && StepProjection.pays(ws.batch, config.gateRows(), In);
        // an inference pass projecting step by step keeps no history (Rnn.infer); a pair's loop projects all its
        // steps before them, so its gates need every step's rows
        ws.stepScratch[s] = stepwise && !ws.saving;
        FusedLstmStep fused = ws.stepScratch[s] ? FusedLstm.engine(gemm, cell, In, config.hiddenSize()) : null;
        if (fused != null) {
            ws.fusedLstm.set(fused, params, s, in, inOff, In);
            try {
                forwardRows(ws, s, d, packed, T, 0, T);
            } finally {
                ws.fusedLstm.clear();
            }
            return;
        }
        boolean pairOnly = pair && wide == 0;
        // an inference pass whose every step is a pair's: each thread its half of the hidden units (of every
        // gate), so it also runs those units' pointwise step, and the two meet once per step, not twice
        boolean byUnits = pairOnly && !ws.saving && PackedWeight.splitsByUnits(config.hiddenSize());
        ws.weights.forForward(gemm, packed, params, s, pair, byUnits);
        if (pairOnly || stepwise) {
            // the input projection inside the loop (StepProjection): step by step, or, in a StepPair's two
            // threads, each thread's half of the columns for all its steps before them, with W_ih packed once
            // per version in the same halves: no whole-sequence GEMM split over the pool (and W_ih packed)
            // before every pair. S1 LSTM at two threads: ~30 % of the caller's time was that GEMM, its
            // packing of W_ih and the wait for the pool's worker (JFR, AMD EPYC Zen 5, AVX-512, JDK 17).
            ws.projection.set(packed, params.weightIh(s), params.weightIhOff(s), config.gateRows(), config.hiddenSize(),
                    in, inOff, In, pairOnly, byUnits);
            try {
                if (pairOnly) {
                    StepPair.forward(loop, ws, s, d, narrowRows, 0, T);
                } else {
                    forwardRows(ws, s, d, packed, T, 0, T);
                }
            } finally {
                ws.projection.clear();
            }
            return;
        }
        project(ws, s, in, inOff, In, packed);
        if (!pair) {
            forwardRows(ws, s, d, packed, T, 0, T);
            return;
        }
        int narrow = T - wide;
        if (d == 1) {
            StepPair.forward(loop, ws, s, d, narrowRows, 0, narrow);
        }
        if (wide > 0) {
            forwardRows(ws, s, d, packed, wide, d == 0 ? 0 : narrow, d == 0 ? wide : T);
        }
        if (d == 0) {
            StepPair.forward(loop, ws, s, d, narrowRows, wide, T);
        }
    }

    /**
     * Forward steps [from, to) (in the direction's order; the steps t < wide of the sequence) over all rows,
     * split by rows over two threads when that pays (see BatchSplit).
     */
    private void forwardRows(RnnWorkspace ws, int s, int d, PrepackedGemm packed, int wide, int from, int to) {
        int split = BatchSplit.rows(ws, packed, wide);
        if (split > 0) {
            BatchSplit.run(loop, ws, s, d, null, from, to, split, ws.batch);
        } else {
            loop.forward(ws, s, d, 0, ws.batch, from, to, null, 0);
        }
    }

    /** The backward time loop of slot s over all rows, split by rows over two threads when that pays. */
    private void backwardRows(RnnWorkspace ws, int s, int d, float[] dy, PrepackedGemm packed) {
        int split = BatchSplit.rows(ws, packed, ws.steps);
        if (split > 0) {
            BatchSplit.run(loop, ws, s, d, dy, 0, ws.steps, split, ws.batch);
        } else {
            loop.backward(ws, s, d, dy, 0, ws.batch);
        }
    }

    /** This direction's feature block [d*H, (d+1)*H) of the layer output y (tokens, D*H), from the history. */
    private void copyOutput(RnnWorkspace ws, float[] hs, int d, float[] y) {
        final int H = config.hiddenSize();
        final int DH = config.outputSize();
        if (DH == H) {
            // unidirectional: the states after each step are the output, already in packed order
            ops.copy(hs, ws.after(0, 0) * H, y, 0, ws.tokens * H);
            return;
        }
        for (int t = 0; t < ws.steps; t++) {
            int src = ws.after(d, t) * H;
            int dst = ws.stepOffset[t] * DH + d * H;
            for (int i = 0; i < ws.batchSizes[t]; i++) {
                ops.copy(hs, src + i * H, y, dst + i * DH, H);
            }
        }
    }

    /**
     * Backward of layer k: dy (tokens, D*H) = d loss / d y[k], in = the layer's input as forward read it.
     * Parameter gradients ACCUMULATE into grads (if not null); dIn (tokens, In) is OVERWRITTEN (if not null).
     */
    void backward(RnnWorkspace ws, int k, float[] dy, float[] in, RnnParameters grads, float[] dIn) {
        final int N = ws.tokens;
        final int D = config.directions();
        final int GH = config.gateRows();
        final int In = config.layerInputSize(k);
        final float[] dgx = ws.dgx;
        final float[] dgh = cell.hiddenSide(ws.dgx, ws.dgh);
        for (int d = 0; d < D; d++) {
            int s = k * D + d;
            PrepackedGemm packed = prepacked(ws.batch);
            ws.weights.forBackward(gemm, packed, params, s);
            backwardRows(ws, s, d, dy, packed);
            if (grads != null) {
                addHiddenWeightGradient(ws, d, dgh, ws.hs[s], grads, s);
                // dW_ih (GH, In) += dGates_x^T (GH, N) . X (N, In)
                gemm.sgemm(true, false, GH, In, N, 1f, dgx, 0, GH, in, 0, In, 1f, grads.weightIh(s), grads.weightIhOff(s), In);
                if (config.bias()) {
                    ops.addColumnSums(dgx, 0, N, GH, GH, grads.biasIh(s), grads.biasIhOff(s));
                    ops.addColumnSums(dgh, 0, N, GH, GH, grads.biasHh(s), grads.biasHhOff(s));
                }
            }
            if (dIn != null) {
                // dX (N, In) (+)= dGates_x (N, GH) . W_ih (GH, In)
                gemm.sgemm(false, false, N, In, GH, 1f, dgx, 0, GH, params.weightIh(s), params.weightIhOff(s), In,
                        d == 0 ? 0f : 1f, dIn, 0, In);
            }
        }
    }

    /**
     * dW_hh (GH, H) += dGates_h^T (GH, N) . H_prev (N, H). The states before consecutive steps lie in
     * the history at a constant distance from their gate rows while the batch size does not change, so
     * this is one GEMM per run of equal batch sizes: one in all for equal lengths and for the reverse
     * direction, at most one per distinct length otherwise.
     */
    private void addHiddenWeightGradient(RnnWorkspace ws, int d, float[] dgh, float[] hs, RnnParameters grads, int s) {
        final int H = config.hiddenSize();
        final int GH = config.gateRows();
        final int T = ws.steps;
        int t0 = 0;
        while (t0 < T) {
            int shift = ws.before(d, t0) - ws.stepOffset[t0];
            int t1 = t0 + 1;
            while (t1 < T && ws.before(d, t1) - ws.stepOffset[t1] == shift) {
                t1++;
            }
            int r0 = ws.stepOffset[t0];
            int rows = ws.stepOffset[t1] - r0;
            gemm.sgemm(true, false, GH, H, rows, 1f, dgh, r0 * GH, GH, hs, (r0 + shift) * H, H, 1f,
                    grads.weightHh(s), grads.weightHhOff(s), H);
            t0 = t1;
        }
    }

    private PrepackedGemm prepacked(int B) {
        return gemm instanceof PrepackedGemm p && B >= PACKED_MIN_ROWS ? p : null;
    }
}
