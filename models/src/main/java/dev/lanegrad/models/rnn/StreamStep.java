package dev.lanegrad.models.rnn;

import dev.lanegrad.autograd.ParameterUpdates;
import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.PrepackedGemm;

/**
 * Streaming: one time step of a unidirectional stack for a batch of streams, layer by layer, each layer
 * one input GEMM and one {@link Cell} step; the state lives in an {@link RnnStreamState}. Stepping T
 * times equals one T-step forward in eval mode. Shared and immutable.
 */
final class StreamStep {

    private final RnnParameters params;
    private final Gemm gemm;
    private final ArrayOps ops;
    private final Cell cell;
    private volatile Packed packed;

    /** W_ih and W_hh of every layer in the GEMM's panels, as of parameter-update count {@code version}. */
    private record Packed(long version, PrepackedGemm gemm, float[][] ih, Cell.HiddenWeights[] hh) {
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
        final int H = config.hiddenSize();
        final int GH = config.gateRows();
        final int BH = B * H;
        final float[] gates = state.gates;
        final float[] h = state.h;
        final float[] c = state.c;
        Packed p = packed();
        for (int k = 0; k < config.numLayers(); k++) {
            // unidirectional: layer k is slot k
            float[] in = k == 0 ? x.data() : h;
            int inOff = k == 0 ? x.offset() : (k - 1) * BH;
            int in0 = config.layerInputSize(k);
            Cell.HiddenWeights whh;
            if (p != null) {
                p.gemm().multiply(B, GH, in0, 1f, in, inOff, in0, p.ih()[k], 0, 0f, gates, 0, GH);
                whh = p.hh()[k];
            } else {
                gemm.sgemm(false, true, B, GH, in0, 1f, in, inOff, in0, params.weightIh(k), params.weightIhOff(k), in0, 0f, gates, 0, GH);
                state.weights.forForward(gemm, null, params, k, false);
                whh = state.weights;
            }
            cell.addBiases(B, gates, 0, state.gh, 0, params, k, 0, GH);
            int hk = k * BH;
            cell.forward(B, whh, gates, 0, state.gh, h, hk, state.hNew, 0, c, hk, state.cNew, 0);
            if (c != null) {
                ops.copy(state.cNew, 0, c, hk, BH);
            }
            ops.copy(state.hNew, 0, h, hk, BH);
        }
        if (out != null) {
            ops.copy(h, (config.numLayers() - 1) * BH, out.data(), out.offset(), BH);
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
                float[][] ih = new float[layers][];
                Cell.HiddenWeights[] hh = new Cell.HiddenWeights[layers];
                for (int k = 0; k < layers; k++) {
                    int in0 = config.layerInputSize(k);
                    ih[k] = new float[pg.packedSize(in0, config.gateRows())];
                    pg.pack(true, in0, config.gateRows(), params.weightIh(k), params.weightIhOff(k), in0, ih[k], 0);
                    hh[k] = new Cell.HiddenWeights();
                    hh[k].forForward(gemm, pg, params, k, false);
                }
                p = new Packed(version, pg, ih, hh);
                packed = p;
            }
            return p;
        }
    }
}
