package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.Kernels;
import dev.lanegrad.engine.PrepackedGemm;
import dev.lanegrad.engine.RecurrentKernels;


/**
 * A stack of RNN / LSTM / GRU layers with PyTorch's semantics, computed directly on float arrays
 * with the engine's kernels (no autograd): a forward that saves what its backward needs in an
 * {@link RnnWorkspace}, and a backward that ACCUMULATES parameter gradients into an
 * {@link RnnParameters} and input / initial-state gradients into the given views. A tape wraps one
 * forward + backward pair as ONE coarse node.
 *
 * Layout is time-major: x [T, B, I], output [T, B, D*H] (features [0, H) forward, [H, 2H) reverse),
 * h0 / h_n / c0 / c_n [L*D, B, H] with entry k*D + d for layer k, direction d.
 *
 * <h2>Variable lengths</h2>
 * {@code lengths[b]} in [1, T] (like PyTorch's pack_padded_sequence, which rejects 0) says that row b
 * holds a sequence right-padded to T. Outputs past a length are zero; h_n / c_n of row b are the
 * state after its last valid step (reverse direction: after reading step 0, having started at step
 * lengths[b] - 1 from h0); padded x values affect nothing. Like PyTorch's packed sequences, the rows
 * are sorted by decreasing length (stable) once per forward, so that the rows still running at step t
 * are a PREFIX of size batchSizes[t]: each step's GEMM and fused kernel run on exactly the active rows,
 * no work is wasted on padding, and no per-row masking is needed in forward or backward. The price is
 * one gather of x / h0 and one scatter of the outputs, O(T*B*(I + D*H)), with no per-step allocation.
 *
 * <h2>Threads</h2>
 * An Rnn only reads its parameters; any number of threads may run forward (each with its own
 * workspace) or {@link #step} (each stream with its own {@link RnnStreamState}) at once, as long as
 * nobody writes the parameters meanwhile.
 */
public final class Rnn {

    /**
     * Batches of at least this many rows multiply W_hh prepacked (packed once per direction, see
     * PrepackedGemm). Also at B = 1: the packed GEMV sums each 64-column panel in registers, S1 thread CPU
     * time rnn 0.191 -> 0.172 ms, lstm 0.868 -> 0.792, gru 0.613 -> 0.552 including the packing.
     */
    static final int PACKED_MIN_ROWS = Integer.getInteger("lanegrad.rnn.packedMinRows", 1);

    /** Batches of at least this many rows run their time loops split over two threads (see BatchSplit). */
    static final int SPLIT_MIN_ROWS = Integer.getInteger("lanegrad.rnn.splitMinRows", 8);

    private final RnnConfig config;
    private final RnnParameters params;
    private final Gemm gemm;
    private final ArrayOps ops;
    private final RecurrentKernels cells;

    public Rnn(RnnParameters params) {
        this(params, Kernels.gemm(), Kernels.ops(), Kernels.recurrent());
    }

    /** With explicit kernels (e.g. {@code Kernels.scalar()}'s, to test against the specification). */
    public Rnn(RnnParameters params, Gemm gemm, ArrayOps ops, RecurrentKernels cells) {
        if (params == null) {
            throw new IllegalArgumentException("params is null");
        }
        this.config = params.config();
        this.params = params;
        this.gemm = gemm;
        this.ops = ops;
        this.cells = cells;
    }

    public RnnConfig config() {
        return config;
    }

    public RnnParameters parameters() {
        return params;
    }

    public RnnWorkspace newWorkspace() {
        return new RnnWorkspace();
    }

    /** Outputs of {@link #run}. cn is null unless LSTM. */
    public record Result(FloatView output, FloatView hn, FloatView cn) {
    }

    /** Convenience for inference and tests: allocates a workspace and the outputs (eval mode). */
    public Result run(FloatView x, int[] lengths, FloatView h0, FloatView c0) {
        RnnArguments.checkInput(config, x);
        int t = x.dim(0);
        int b = x.dim(1);
        FloatView out = FloatView.zeros(t, b, config.outputSize());
        FloatView hn = FloatView.zeros(config.stateCount(), b, config.hiddenSize());
        FloatView cn = config.mode().hasCell() ? FloatView.zeros(config.stateCount(), b, config.hiddenSize()) : null;
        forward(new RnnWorkspace(), x, lengths, h0, c0, false, 0L, out, hn, cn);
        return new Result(out, hn, cn);
    }

    // ------------------------------------------------------------------------------------------
    // forward
    // ------------------------------------------------------------------------------------------

    /**
     * Runs the stack over a whole sequence and saves what {@link #backward} needs in ws.
     *
     * @param x           [T, B, I], T >= 1, B >= 1
     * @param lengths     null (every row has length T) or int[B] with values in [1, T]
     * @param h0          null (zeros) or [L*D, B, H]
     * @param c0          LSTM only: null (zeros) or [L*D, B, H]
     * @param training    dropout between layers only when true
     * @param dropoutSeed seeds the dropout masks (same seed, same masks)
     * @param out         written: [T, B, D*H]; zero past each row's length
     * @param hn          written if not null: [L*D, B, H]
     * @param cn          LSTM only, written if not null: [L*D, B, H]
     */
    public void forward(RnnWorkspace ws, FloatView x, int[] lengths, FloatView h0, FloatView c0,
                        boolean training, long dropoutSeed, FloatView out, FloatView hn, FloatView cn) {
        if (ws == null) {
            throw new IllegalArgumentException("workspace is null");
        }
        ws.forwardDone = false;
        RnnArguments.checkInput(config, x);
        final int T = x.dim(0);
        final int B = x.dim(1);
        final int I = config.inputSize();
        final int H = config.hiddenSize();
        final int D = config.directions();
        final int L = config.numLayers();
        final int S = config.stateCount();
        final int DH = D * H;
        RnnArguments.checkLengths(lengths, T, B);
        RnnArguments.checkShape("h0", h0, true, S, B, H);
        RnnArguments.checkCell(config, "c0", c0);
        RnnArguments.checkShape("c0", c0, true, S, B, H);
        RnnArguments.checkShape("output", out, false, T, B, DH);
        RnnArguments.checkShape("h_n", hn, true, S, B, H);
        RnnArguments.checkCell(config, "c_n", cn);
        RnnArguments.checkShape("c_n", cn, true, S, B, H);

        ws.prepareForward(config, T, B);
        ws.owner = this;
        RowOrder.sort(ws, lengths, T, B);
        int[] order = ws.order;
        int[] bs = ws.batchSizes;

        // gather x into sorted order; padded positions become zeros
        if (lengths == null) {
            ops.copy(x.data(), x.offset(), ws.x0, 0, T * B * I);
        } else {
            for (int t = 0; t < T; t++) {
                for (int i = 0; i < B; i++) {
                    int dst = (t * B + i) * I;
                    if (i < bs[t]) {
                        ops.copy(x.data(), x.offset() + (t * B + order[i]) * I, ws.x0, dst, I);
                    } else {
                        ops.fill(0f, ws.x0, dst, I);
                    }
                }
            }
        }
        RowOrder.gather(ops, h0, ws.h0s, order, S, B, H);
        if (config.mode().hasCell()) {
            RowOrder.gather(ops, c0, ws.c0s, order, S, B, H);
        }

        float p = config.dropout();
        ws.dropped = training && p > 0f && L > 1;
        long rng = dropoutSeed;
        for (int k = 0; k < L; k++) {
            float[] in;
            if (k == 0) {
                in = ws.x0;
            } else if (ws.dropped) {
                ws.prepareDropout(k);
                rng = makeMask(ws.mask[k], T * B * DH, p, rng);
                ops.mul(ws.y[k - 1], 0, ws.mask[k], 0, ws.xd[k], 0, T * B * DH);
                in = ws.xd[k];
            } else {
                in = ws.y[k - 1];
            }
            for (int d = 0; d < D; d++) {
                forwardDirection(ws, k, d, in);
            }
        }

        // scatter the last layer's output, zeros past each length
        float[] y = ws.y[L - 1];
        if (lengths == null) {
            ops.copy(y, 0, out.data(), out.offset(), T * B * DH);
        } else {
            for (int t = 0; t < T; t++) {
                for (int i = 0; i < B; i++) {
                    int dst = out.offset() + (t * B + order[i]) * DH;
                    if (i < bs[t]) {
                        ops.copy(y, (t * B + i) * DH, out.data(), dst, DH);
                    } else {
                        ops.fill(0f, out.data(), dst, DH);
                    }
                }
            }
        }
        RowOrder.scatterFinal(ops, config, ws, ws.hs, hn);
        if (config.mode().hasCell()) {
            RowOrder.scatterFinal(ops, config, ws, ws.cs, cn);
        }
        ws.forwardDone = true;
    }

    /** One direction of one layer over all steps: one input GEMM, then per step one GEMM + one fused kernel. */
    private void forwardDirection(RnnWorkspace ws, int k, int d, float[] in) {
        final int T = ws.steps;
        final int B = ws.batch;
        final int H = config.hiddenSize();
        final int D = config.directions();
        final int GH = config.gateRows();
        final int In = config.layerInputSize(k);
        final int BH = B * H;
        final RnnMode mode = config.mode();
        final int s = k * D + d;
        final float[] wih = params.weightIh(s);
        final int wihOff = params.weightIhOff(s);
        final float[] whh = params.weightHh(s);
        final int whhOff = params.weightHhOff(s);
        final float[] bih = params.biasIh(s);
        final float[] bhh = params.biasHh(s);
        final float[] gates = ws.gates[s];
        final float[] hs = ws.hs[s];
        final float[] cs = ws.cs[s];
        final float[] gh = ws.gh[s];
        final int[] bs = ws.batchSizes;

        // Xp (T*B, GH) = X (T*B, In) . W_ih^T + b_ih (+ b_hh, except GRU which needs W_hh h + b_hh apart)
        gemm.sgemm(false, true, T * B, GH, In, 1f, in, 0, In, wih, wihOff, In, 0f, gates, 0, GH);
        if (bih != null) {
            ops.addRowBias(gates, 0, T * B, GH, GH, bih, params.biasIhOff(s));
            if (mode != RnnMode.GRU) {
                ops.addRowBias(gates, 0, T * B, GH, GH, bhh, params.biasHhOff(s));
            }
        }
        if (mode == RnnMode.GRU) {
            ops.fill(0f, gh, 0, T * B * GH);
            if (bhh != null) {
                ops.addRowBias(gh, 0, T * B, GH, GH, bhh, params.biasHhOff(s));
            }
        }
        int h0Off = s * BH;
        if (d == 0) {
            ops.copy(ws.h0s, h0Off, hs, 0, BH);
            if (cs != null && mode.hasCell()) {
                ops.copy(ws.c0s, h0Off, cs, 0, BH);
            }
        }
        boolean relu = mode == RnnMode.RNN_RELU;
        // W_hh^T packed once per direction into the GEMM kernel's panels, then multiplied at every step:
        // packing it per step cost as much as the product at small batch (see PrepackedGemm).
        final PrepackedGemm packed = gemm instanceof PrepackedGemm p && B >= PACKED_MIN_ROWS ? p : null;
        if (packed != null) {
            ws.whhP = RnnWorkspace.grow(ws.whhP, packed.packedSize(H, GH));
            packed.pack(true, H, GH, whh, whhOff, H, ws.whhP, 0);
        }
        int split = BatchSplit.rows(B, packed);
        if (split > 0) {
            BatchSplit.RowsTask task = ws.rowsTask(this);
            task.set(true, k, d, split, B, packed, null);
            BatchSplit.run(task);
        } else {
            forwardRows(ws, k, d, 0, B, packed);
        }
        // this direction's feature block of the layer output; padded rows zero
        float[] y = ws.y[k];
        int DH = D * H;
        for (int t = 0; t < T; t++) {
            int src = (d == 0 ? t + 1 : t) * BH;
            int rows = bs[t];
            for (int i = 0; i < B; i++) {
                int dst = (t * B + i) * DH + d * H;
                if (i < rows) {
                    ops.copy(hs, src + i * H, y, dst, H);
                } else {
                    ops.fill(0f, y, dst, H);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // backward
    // ------------------------------------------------------------------------------------------

    /**
     * Backward of the last {@link #forward} run with ws. Every gradient ACCUMULATES (+=).
     *
     * @param dOut  null (zeros) or [T, B, D*H]: d loss / d output (values past a length are ignored)
     * @param dHn   null (zeros) or [L*D, B, H]
     * @param dCn   LSTM only: null (zeros) or [L*D, B, H]
     * @param grads null (no parameter gradients) or gradient buffers of this configuration
     * @param dx    null (not needed) or [T, B, I]; padded positions receive nothing
     * @param dh0   null or [L*D, B, H]
     * @param dc0   LSTM only: null or [L*D, B, H]
     */
    public void backward(RnnWorkspace ws, FloatView dOut, FloatView dHn, FloatView dCn,
                         RnnParameters grads, FloatView dx, FloatView dh0, FloatView dc0) {
        if (ws == null || !ws.forwardDone || ws.owner != this) {
            throw new IllegalStateException("backward needs a workspace filled by this network's forward");
        }
        final int T = ws.steps;
        final int B = ws.batch;
        final int I = config.inputSize();
        final int H = config.hiddenSize();
        final int D = config.directions();
        final int L = config.numLayers();
        final int S = config.stateCount();
        final int DH = D * H;
        RnnArguments.checkShape("dOutput", dOut, true, T, B, DH);
        RnnArguments.checkShape("dh_n", dHn, true, S, B, H);
        RnnArguments.checkCell(config, "dc_n", dCn);
        RnnArguments.checkShape("dc_n", dCn, true, S, B, H);
        RnnArguments.checkShape("dx", dx, true, T, B, I);
        RnnArguments.checkShape("dh0", dh0, true, S, B, H);
        RnnArguments.checkCell(config, "dc0", dc0);
        RnnArguments.checkShape("dc0", dc0, true, S, B, H);
        if (grads != null && !grads.config().equals(config)) {
            throw new IllegalArgumentException("grads are for " + grads.config() + ", expected " + config);
        }
        ws.prepareBackward();
        int[] order = ws.order;
        int[] bs = ws.batchSizes;

        float[] dy = ws.dyA;
        float[] dIn = ws.dyB;
        if (dOut == null) {
            ops.fill(0f, dy, 0, T * B * DH);
        } else if (!ws.sorted) {
            ops.copy(dOut.data(), dOut.offset(), dy, 0, T * B * DH);
        } else {
            for (int t = 0; t < T; t++) {
                for (int i = 0; i < B; i++) {
                    int dst = (t * B + i) * DH;
                    if (i < bs[t]) {
                        ops.copy(dOut.data(), dOut.offset() + (t * B + order[i]) * DH, dy, dst, DH);
                    } else {
                        ops.fill(0f, dy, dst, DH);
                    }
                }
            }
        }
        RowOrder.gather(ops, dHn, ws.dhn, order, S, B, H);
        ops.fill(0f, ws.dh0s, 0, S * B * H);
        if (config.mode().hasCell()) {
            RowOrder.gather(ops, dCn, ws.dcn, order, S, B, H);
            ops.fill(0f, ws.dc0s, 0, S * B * H);
        }

        for (int k = L - 1; k >= 0; k--) {
            float[] in = k == 0 ? ws.x0 : ws.dropped ? ws.xd[k] : ws.y[k - 1];
            boolean needDIn = k > 0 || dx != null;
            for (int d = 0; d < D; d++) {
                backwardDirection(ws, k, d, dy, in, grads, needDIn ? dIn : null);
            }
            if (k > 0) {
                if (ws.dropped) {
                    ops.mul(dIn, 0, ws.mask[k], 0, dIn, 0, T * B * DH);
                }
                float[] tmp = dy;
                dy = dIn;
                dIn = tmp;
            } else if (dx != null && !ws.sorted) {
                ops.axpy(1f, dIn, 0, dx.data(), dx.offset(), T * B * I);
            } else if (dx != null) {
                for (int t = 0; t < T; t++) {
                    for (int i = 0; i < bs[t]; i++) {
                        ops.axpy(1f, dIn, (t * B + i) * I, dx.data(), dx.offset() + (t * B + order[i]) * I, I);
                    }
                }
            }
        }
        RowOrder.scatterAdd(ops, ws.dh0s, dh0, order, S, B, H);
        if (config.mode().hasCell()) {
            RowOrder.scatterAdd(ops, ws.dc0s, dc0, order, S, B, H);
        }
    }

    /**
     * One direction of one layer, steps in reverse order of forward: the fused backward kernel gives
     * dGates of every step, the state gradient goes back through W_hh one GEMM per step; then the
     * weight gradients and the input gradient are one GEMM each over all T*B rows.
     * dIn (T*B, In) is overwritten by direction 0 and accumulated by direction 1.
     */
    private void backwardDirection(RnnWorkspace ws, int k, int d, float[] dy, float[] in,
                                   RnnParameters grads, float[] dIn) {
        final int T = ws.steps;
        final int B = ws.batch;
        final int H = config.hiddenSize();
        final int D = config.directions();
        final int DH = D * H;
        final int GH = config.gateRows();
        final int In = config.layerInputSize(k);
        final int BH = B * H;
        final RnnMode mode = config.mode();
        final int s = k * D + d;
        final float[] whh = params.weightHh(s);
        final int whhOff = params.weightHhOff(s);
        final float[] gates = ws.gates[s];
        final float[] hs = ws.hs[s];
        final float[] cs = ws.cs[s];
        final float[] gh = ws.gh[s];
        final float[] dgx = ws.dgx;
        final float[] dgh = mode == RnnMode.GRU ? ws.dgh : ws.dgx;
        final int[] bs = ws.batchSizes;
        final boolean relu = mode == RnnMode.RNN_RELU;
        final boolean cell = mode.hasCell();
        float[] dh = ws.dh;
        float[] dhNext = ws.dhNext;
        final float[] dc = ws.dc;
        final int stateOff = s * BH;

        // W_hh (G*H, H) packed once for the per-step dh = dGates_h . W_hh
        final PrepackedGemm packed = gemm instanceof PrepackedGemm p && B >= PACKED_MIN_ROWS ? p : null;
        if (packed != null) {
            ws.whhP = RnnWorkspace.grow(ws.whhP, packed.packedSize(GH, H));
            packed.pack(false, GH, H, whh, whhOff, H, ws.whhP, 0);
        }
        int split = BatchSplit.rows(B, packed);
        if (split > 0) {
            BatchSplit.RowsTask task = ws.rowsTask(this);
            task.set(false, k, d, split, B, packed, dy);
            BatchSplit.run(task);
        } else {
            backwardRows(ws, k, d, 0, B, packed, dy);
        }
        final int TB = T * B;
        if (grads != null) {
            // dW_hh (GH, H) += dGates_h^T (GH, T*B) . H_prev (T*B, H)
            gemm.sgemm(true, false, GH, H, TB, 1f, dgh, 0, GH, hs, d == 0 ? 0 : BH, H, 1f, grads.weightHh(s), grads.weightHhOff(s), H);
            // dW_ih (GH, In) += dGates_x^T (GH, T*B) . X (T*B, In)
            gemm.sgemm(true, false, GH, In, TB, 1f, dgx, 0, GH, in, 0, In, 1f, grads.weightIh(s), grads.weightIhOff(s), In);
            if (config.bias()) {
                ops.addColumnSums(dgx, 0, TB, GH, GH, grads.biasIh(s), grads.biasIhOff(s));
                ops.addColumnSums(dgh, 0, TB, GH, GH, grads.biasHh(s), grads.biasHhOff(s));
            }
        }
        if (dIn != null) {
            // dX (T*B, In) (+)= dGates_x (T*B, GH) . W_ih (GH, In)
            gemm.sgemm(false, false, TB, In, GH, 1f, dgx, 0, GH, params.weightIh(s), params.weightIhOff(s), In,
                    d == 0 ? 0f : 1f, dIn, 0, In);
        }
    }


    /**
     * The time loop of one direction for batch rows [r0, r1) (sorted order): per step one GEMM with W_hh
     * and one fused kernel. Rows are independent, so two ranges may run on two threads at once.
     */
    void forwardRows(RnnWorkspace ws, int k, int d, int r0, int r1, PrepackedGemm packed) {
        final int T = ws.steps;
        final int B = ws.batch;
        final int H = config.hiddenSize();
        final int D = config.directions();
        final int GH = config.gateRows();
        final int BH = B * H;
        final RnnMode mode = config.mode();
        final int s = k * D + d;
        final float[] whh = params.weightHh(s);
        final int whhOff = params.weightHhOff(s);
        final float[] gates = ws.gates[s];
        final float[] hs = ws.hs[s];
        final float[] cs = ws.cs[s];
        final float[] gh = ws.gh[s];
        final float[] whhP = ws.whhP;
        final int[] bs = ws.batchSizes;
        final int h0Off = s * BH;
        final boolean relu = mode == RnnMode.RNN_RELU;
        for (int step = 0; step < T; step++) {
            int t = d == 0 ? step : T - 1 - step;
            int hi = Math.min(bs[t], r1);
            int rows = hi - r0;
            if (rows <= 0) {
                continue;
            }
            int prev = (d == 0 ? t : t + 1) * BH + r0 * H;
            int next = (d == 0 ? t + 1 : t) * BH + r0 * H;
            if (d == 1) {
                // rows whose sequence starts (in reverse) at step t begin from h0
                int from = Math.max(bs[t + 1], r0);
                if (hi > from) {
                    int at = (t + 1) * BH + from * H;
                    ops.copy(ws.h0s, h0Off + from * H, hs, at, (hi - from) * H);
                    if (mode.hasCell()) {
                        ops.copy(ws.c0s, h0Off + from * H, cs, at, (hi - from) * H);
                    }
                }
            }
            int g = (t * B + r0) * GH;
            float[] target = mode == RnnMode.GRU ? gh : gates;
            if (packed != null) {
                packed.multiply(rows, GH, H, 1f, hs, prev, H, whhP, 0, 1f, target, g, GH);
            } else {
                gemm.sgemm(false, true, rows, GH, H, 1f, hs, prev, H, whh, whhOff, H, 1f, target, g, GH);
            }
            switch (mode) {
                case RNN_TANH, RNN_RELU -> cells.rnnForward(rows, H, relu, gates, g, hs, next, H);
                case LSTM -> cells.lstmForward(rows, H, gates, g, cs, prev, H, cs, next, H, hs, next, H);
                case GRU -> cells.gruForward(rows, H, gates, g, gh, g, hs, prev, H, hs, next, H);
            }
        }
    }

    /**
     * The reverse time loop of one direction for batch rows [r0, r1): per step the fused backward kernel
     * (dGates) and dh = dGates_h . W_hh; rows are independent, so two ranges may run at once.
     */
    void backwardRows(RnnWorkspace ws, int k, int d, int r0, int r1, PrepackedGemm packed, float[] dy) {
        final int T = ws.steps;
        final int B = ws.batch;
        final int H = config.hiddenSize();
        final int D = config.directions();
        final int DH = D * H;
        final int GH = config.gateRows();
        final int BH = B * H;
        final RnnMode mode = config.mode();
        final int s = k * D + d;
        final float[] whh = params.weightHh(s);
        final int whhOff = params.weightHhOff(s);
        final float[] gates = ws.gates[s];
        final float[] hs = ws.hs[s];
        final float[] cs = ws.cs[s];
        final float[] gh = ws.gh[s];
        final float[] dgx = ws.dgx;
        final float[] dgh = mode == RnnMode.GRU ? ws.dgh : ws.dgx;
        final float[] whhP = ws.whhP;
        final int[] bs = ws.batchSizes;
        final boolean relu = mode == RnnMode.RNN_RELU;
        final boolean cell = mode.hasCell();
        float[] dh = ws.dh;
        float[] dhNext = ws.dhNext;
        final float[] dc = ws.dc;
        final int stateOff = s * BH;
        final int n0 = r0 * H;

        if (d == 1) {
            // the reverse direction's final state is the state after step 0 for every row
            ops.copy(ws.dhn, stateOff + n0, dh, n0, (r1 - r0) * H);
            if (cell) {
                ops.copy(ws.dcn, stateOff + n0, dc, n0, (r1 - r0) * H);
            }
        }
        for (int step = 0; step < T; step++) {
            int t = d == 0 ? T - 1 - step : step;
            int hi = Math.min(bs[t], r1);
            int g0 = t * B * GH;
            // padded rows of this step contribute nothing to the weight GEMMs after the loop
            int pad = Math.max(hi, r0);
            if (pad < r1) {
                ops.fill(0f, dgx, g0 + pad * GH, (r1 - pad) * GH);
                if (dgh != dgx) {
                    ops.fill(0f, dgh, g0 + pad * GH, (r1 - pad) * GH);
                }
            }
            int rows = hi - r0;
            if (rows <= 0) {
                continue;
            }
            int prev = (d == 0 ? t : t + 1) * BH + n0;
            int next = (d == 0 ? t + 1 : t) * BH + n0;
            if (d == 0) {
                // rows whose last valid step is t receive dh_n (and dc_n) here
                int from = Math.max(bs[t + 1], r0);
                if (hi > from) {
                    ops.copy(ws.dhn, stateOff + from * H, dh, from * H, (hi - from) * H);
                    if (cell) {
                        ops.copy(ws.dcn, stateOff + from * H, dc, from * H, (hi - from) * H);
                    }
                }
            }
            // dh += dOutput[t] for the active rows
            int yOff = (t * B + r0) * DH + d * H;
            if (D == 1) {
                ops.axpy(1f, dy, yOff, dh, n0, rows * H);
            } else {
                for (int i = 0; i < rows; i++) {
                    ops.axpy(1f, dy, yOff + i * DH, dh, n0 + i * H, H);
                }
            }
            int g = g0 + r0 * GH;
            switch (mode) {
                case RNN_TANH, RNN_RELU -> {
                    cells.rnnBackward(rows, H, relu, gates, g, dh, n0, H, dgx, g);
                    dhThroughWhh(packed, rows, H, GH, dgx, g, whhP, whh, whhOff, 0f, dh, n0);
                }
                case LSTM -> {
                    cells.lstmBackward(rows, H, gates, g, cs, prev, H, cs, next, H, dh, n0, H, dc, n0, H, dgx, g);
                    dhThroughWhh(packed, rows, H, GH, dgx, g, whhP, whh, whhOff, 0f, dh, n0);
                }
                case GRU -> {
                    ops.fill(0f, dhNext, n0, rows * H);
                    cells.gruBackward(rows, H, gates, g, gh, g, hs, prev, H, dh, n0, H, dgx, g, dgh, g, dhNext, n0, H);
                    dhThroughWhh(packed, rows, H, GH, dgh, g, whhP, whh, whhOff, 1f, dhNext, n0);
                    float[] tmp = dh;
                    dh = dhNext;
                    dhNext = tmp;
                }
            }
            if (d == 1) {
                // rows that started (in reverse) at step t started from h0
                int from = Math.max(bs[t + 1], r0);
                if (hi > from) {
                    ops.axpy(1f, dh, from * H, ws.dh0s, stateOff + from * H, (hi - from) * H);
                    if (cell) {
                        ops.axpy(1f, dc, from * H, ws.dc0s, stateOff + from * H, (hi - from) * H);
                    }
                }
            }
        }
        if (d == 0) {
            // every row (length >= 1) started from h0 at step 0
            ops.axpy(1f, dh, n0, ws.dh0s, stateOff + n0, (r1 - r0) * H);
            if (cell) {
                ops.axpy(1f, dc, n0, ws.dc0s, stateOff + n0, (r1 - r0) * H);
            }
        }
    }

    /** dh (rows, H) = dGates (rows, G*H) . W_hh (G*H, H) + beta * dh, with W_hh prepacked when possible. */
    private void dhThroughWhh(PrepackedGemm packed, int rows, int H, int GH, float[] dg, int g, float[] whhP,
                              float[] whh, int whhOff, float beta, float[] dh, int dhOff) {
        if (packed != null) {
            packed.multiply(rows, H, GH, 1f, dg, g, GH, whhP, 0, beta, dh, dhOff, H);
        } else {
            gemm.sgemm(false, false, rows, H, GH, 1f, dg, g, GH, whh, whhOff, H, beta, dh, dhOff, H);
        }
    }

    // ------------------------------------------------------------------------------------------
    // streaming
    // ------------------------------------------------------------------------------------------

    /** A fresh per-stream state (zeros) for batches of the given size; needs a unidirectional stack. */
    public RnnStreamState newStreamState(int batch) {
        if (config.bidirectional()) {
            throw new IllegalStateException("step-by-step inference needs a unidirectional network: "
                    + "the reverse direction reads the sequence from its end");
        }
        return new RnnStreamState(config, batch);
    }

    /**
     * One time step for a batch: reads x [B, I] and the state, writes the new state into the state and
     * the last layer's h into out [B, H]. Parameters are only read, so many streams may step at once.
     * Stepping T times equals one T-step {@link #forward} (eval mode).
     */
    public void step(RnnStreamState state, FloatView x, FloatView out) {
        if (state == null || !state.config().equals(config)) {
            throw new IllegalArgumentException("the stream state was not made by a network of this configuration");
        }
        final int B = state.batch();
        final int I = config.inputSize();
        final int H = config.hiddenSize();
        final int GH = config.gateRows();
        final int BH = B * H;
        final RnnMode mode = config.mode();
        RnnArguments.checkShape("x", x, false, B, I);
        RnnArguments.checkShape("out", out, true, B, H);
        float[] gates = state.gates;
        float[] gh = state.gh;
        float[] h = state.h;
        float[] c = state.c;
        for (int k = 0; k < config.numLayers(); k++) {
            float[] in = k == 0 ? x.data() : h;
            int inOff = k == 0 ? x.offset() : (k - 1) * BH;
            int in0 = config.layerInputSize(k);
            // unidirectional: slot k
            float[] bih = params.biasIh(k);
            float[] bhh = params.biasHh(k);
            float[] whh = params.weightHh(k);
            int whhOff = params.weightHhOff(k);
            gemm.sgemm(false, true, B, GH, in0, 1f, in, inOff, in0, params.weightIh(k), params.weightIhOff(k), in0, 0f, gates, 0, GH);
            if (bih != null) {
                ops.addRowBias(gates, 0, B, GH, GH, bih, params.biasIhOff(k));
                if (mode != RnnMode.GRU) {
                    ops.addRowBias(gates, 0, B, GH, GH, bhh, params.biasHhOff(k));
                }
            }
            int hk = k * BH;
            switch (mode) {
                case RNN_TANH, RNN_RELU -> {
                    gemm.sgemm(false, true, B, GH, H, 1f, h, hk, H, whh, whhOff, H, 1f, gates, 0, GH);
                    cells.rnnForward(B, H, mode == RnnMode.RNN_RELU, gates, 0, state.hNew, 0, H);
                }
                case LSTM -> {
                    gemm.sgemm(false, true, B, GH, H, 1f, h, hk, H, whh, whhOff, H, 1f, gates, 0, GH);
                    cells.lstmForward(B, H, gates, 0, c, hk, H, state.cNew, 0, H, state.hNew, 0, H);
                    ops.copy(state.cNew, 0, c, hk, BH);
                }
                case GRU -> {
                    ops.fill(0f, gh, 0, B * GH);
                    if (bhh != null) {
                        ops.addRowBias(gh, 0, B, GH, GH, bhh, params.biasHhOff(k));
                    }
                    gemm.sgemm(false, true, B, GH, H, 1f, h, hk, H, whh, whhOff, H, 1f, gh, 0, GH);
                    cells.gruForward(B, H, gates, 0, gh, 0, h, hk, H, state.hNew, 0, H);
                }
            }
            ops.copy(state.hNew, 0, h, hk, BH);
        }
        if (out != null) {
            ops.copy(h, (config.numLayers() - 1) * BH, out.data(), out.offset(), BH);
        }
    }

    // ------------------------------------------------------------------------------------------
    // helpers
    // ------------------------------------------------------------------------------------------

    /** mask[i] = 0 with probability p, else 1/(1-p); splitmix64 from state, returns the new state. */
    private static long makeMask(float[] mask, int n, float p, long state) {
        float scale = p < 1f ? 1f / (1f - p) : 0f;
        for (int i = 0; i < n; i++) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            float u = (z >>> 40) * 0x1.0p-24f;
            mask[i] = u < p ? 0f : scale;
        }
        return state;
    }
}
