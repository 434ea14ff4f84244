package dev.lanegrad.models.rnn;

import dev.lanegrad.autograd.ParameterUpdates;
import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.EngineThreads;
import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.PrepackedGemm;

/**
 * Streaming: one time step of a unidirectional stack for a batch of streams, layer by layer, each layer
 * one input GEMM and one {@link Cell} step; the state lives in an {@link RnnStreamState}. Stepping T
 * times equals one T-step forward in eval mode. Shared and immutable.
 *
 * <p>With two engine threads or more, a small batch's step runs as a {@link StepPair}: the caller and one
 * engine worker each multiply their column half of W_ih and W_hh, meet, and each run the pointwise step on
 * half of the rows. Each core then keeps its halves in its own L2 from step to step: W_ih and W_hh of an
 * LSTM with I = 128, H = 256 are 1.5 MB, more than a core's L2 (1 MB on Zen 4 and 5), so one core alone
 * streams them from L3 at every step. The same bits either way.
 */
final class StreamStep {

    private final RnnParameters params;
    private final Gemm gemm;
    private final ArrayOps ops;
    private final Cell cell;
    private volatile Packed packed;

    /**
     * W_ih^T and W_hh^T of every layer in the GEMM's panels, as of parameter-update count {@code version}, in
     * two column halves each when {@code halves}.
     */
    private record Packed(long version, boolean halves, PackedWeight[] ih, Cell.HiddenWeights[] hh) {
    }

    StreamStep(RnnParameters params, Gemm gemm, ArrayOps ops, Cell cell) {
        this.params = params;
        this.gemm = gemm;
        this.ops = ops;
        this.cell = cell;
    }

    /** x [B, I] (checked) -> the state moves one step; out [B, H] (or null) gets the last layer's h. */
    void step(RnnStreamState state, FloatView x, FloatView out) {
        final int B = state.batch();
        final RnnConfig config = params.config();
        final int BH = B * config.hiddenSize();
        Packed p = packed();
        if (p == null) {
            unpacked(state, x);
        } else {
            Pass pass = state.pass;
            pass.set(this, state, x, p);
            try {
                if (p.halves() && StepPair.pays(B, config.gateRows(), config.hiddenSize(), true)) {
                    // no waiting for a worker to wake: a step is shorter than that (StepPair.run)
                    StepPair.run(pass, true);
                } else {
                    pass.run(null, 0);
                }
            } finally {
                pass.clear();
            }
        }
        if (out != null) {
            ops.copy(state.h, (config.numLayers() - 1) * BH, out.data(), out.offset(), BH);
        }
    }

    /** A step with the weights read in place (a GEMM that does not pack). */
    private void unpacked(RnnStreamState state, FloatView x) {
        final int B = state.batch();
        final RnnConfig config = params.config();
        final int GH = config.gateRows();
        final int BH = B * config.hiddenSize();
        for (int k = 0; k < config.numLayers(); k++) {
            // unidirectional: layer k is slot k
            float[] in = k == 0 ? x.data() : state.h;
            int inOff = k == 0 ? x.offset() : (k - 1) * BH;
            int in0 = config.layerInputSize(k);
            gemm.sgemm(false, true, B, GH, in0, 1f, in, inOff, in0, params.weightIh(k), params.weightIhOff(k), in0, 0f,
                    state.gates, 0, GH);
            state.weights.forForward(gemm, null, params, k, false, false);
            cell.addBiases(B, state.gates, 0, state.gh, 0, params, k, 0, GH);
            int hk = k * BH;
            cell.forward(B, state.weights, state.gates, 0, state.gh, state.h, hk, state.hNew, 0, state.c, hk, state.cNew, 0);
            commit(state, 0, B, hk);
        }
    }

    /** The new state of rows [lo, hi) of the layer at hk (hNew, cNew) into h and c. */
    private void commit(RnnStreamState state, int lo, int hi, int hk) {
        int H = params.config().hiddenSize();
        if (state.c != null) {
            ops.copy(state.cNew, lo * H, state.c, hk + lo * H, (hi - lo) * H);
        }
        ops.copy(state.hNew, lo * H, state.h, hk + lo * H, (hi - lo) * H);
    }

    /**
     * One step over prepacked weights, as a {@link StepPair.Pass}: alone (pair null) every column and row, or
     * a pair's part: its half of the products' columns, then (after both are done) its half of the rows.
     * One per stream state, set for each step.
     */
    static final class Pass implements StepPair.Pass {
        private StreamStep step;
        private RnnStreamState state;
        private float[] x;
        private int xOff;
        private Packed packed;

        private void set(StreamStep step, RnnStreamState state, FloatView x, Packed packed) {
            this.step = step;
            this.state = state;
            this.x = x.data();
            this.xOff = x.offset();
            this.packed = packed;
        }

        private void clear() {
            step = null;
            x = null;
            packed = null;
        }

        @Override
        public void run(StepPair pair, int part) {
            step.run(state, x, xOff, packed, pair, part);
        }
    }

    private void run(RnnStreamState state, float[] x, int xOff, Packed p, StepPair pair, int part) {
        final int B = state.batch();
        final RnnConfig config = params.config();
        final int H = config.hiddenSize();
        final int GH = config.gateRows();
        final int BH = B * H;
        final float[] gates = state.gates;
        final float[] gh = state.gh;
        final int columns = pair == null ? PackedWeight.ALL : part == 0 ? PackedWeight.FIRST : PackedWeight.SECOND;
        // the caller's rows: all of them at B = 1
        final int first = pair == null ? B : (B + 1) / 2;
        final int lo = part == 0 ? 0 : first;
        final int hi = part == 0 ? first : B;
        for (int k = 0; k < config.numLayers(); k++) {
            // unidirectional: layer k is slot k
            float[] in = k == 0 ? x : state.h;
            int inOff = k == 0 ? xOff : (k - 1) * BH;
            int in0 = config.layerInputSize(k);
            PackedWeight ih = p.ih()[k];
            ih.multiply(columns, B, in, inOff, in0, 0f, gates, 0, GH);
            cell.addBiases(B, gates, 0, gh, 0, params, k, ih.firstColumn(columns), ih.endColumn(columns));
            int hk = k * BH;
            p.hh()[k].addHiddenProduct(B, state.h, hk, cell.productTarget(gates, gh), 0, columns);
            if (pair != null) {
                pair.await(part);
            }
            if (hi > lo) {
                cell.pointwise(hi - lo, H, gates, lo * GH, gh, state.h, hk + lo * H, state.hNew, lo * H,
                        state.c, hk + lo * H, state.cNew, lo * H);
                commit(state, lo, hi, hk);
            }
            if (pair != null) {
                pair.await(part);
            }
        }
    }

    /** The packed weights for the current parameters (packed now if they changed), or null without a packing GEMM. */
    private Packed packed() {
        if (!(gemm instanceof PrepackedGemm pg)) {
            return null;
        }
        Packed p = packed;
        long version = ParameterUpdates.count();
        if (p != null && p.version() == version) {
            return p;
        }
        synchronized (this) {
            p = packed;
            if (p == null || p.version() != version) {
                RnnConfig config = params.config();
                int layers = config.numLayers();
                // halves only where a pair can pay (at B = 1): two products per weight cost a small step more
                // when it then runs alone (S2 RNN at two threads: 4.0 -> 4.2-4.4 us)
                boolean halves = EngineThreads.threads() >= 2
                        && (long) config.gateRows() * config.hiddenSize() >= StepPair.MIN_STEP_MACS;
                PackedWeight[] ih = new PackedWeight[layers];
                Cell.HiddenWeights[] hh = new Cell.HiddenWeights[layers];
                for (int k = 0; k < layers; k++) {
                    ih[k] = new PackedWeight();
                    ih[k].pack(pg, true, config.layerInputSize(k), config.gateRows(), params.weightIh(k),
                            params.weightIhOff(k), halves);
                    hh[k] = new Cell.HiddenWeights();
                    hh[k].forForward(gemm, pg, params, k, halves, false);
                }
                p = new Packed(version, halves, ih, hh);
                packed = p;
            }
            return p;
        }
    }
}
