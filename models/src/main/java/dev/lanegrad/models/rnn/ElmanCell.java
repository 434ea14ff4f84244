package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.RecurrentKernels;

/** The Elman step of nn.RNN: h = tanh (or relu) (W_ih x + b_ih + W_hh h_prev + b_hh); the engine's fused kernels. */
final class ElmanCell extends Cell {

    private final boolean relu;

    ElmanCell(RnnConfig cfg, RecurrentKernels kernels, ArrayOps ops, boolean relu) {
        super(cfg, kernels, ops);
        this.relu = relu;
    }

    @Override
    void pointwise(int rows, int units, float[] gates, int g, float[] gh,
                   float[] hPrev, int hPrevOff, float[] h, int hOff,
                   float[] cPrev, int cPrevOff, float[] c, int cOff) {
        kernels.rnnForward(rows, units, relu, gates, g, h, hOff, hidden);
    }

    @Override
    float[] backward(int rows, HiddenWeights w, float[] gates, int g, float[] gh,
                     float[] h, float[] c, int prev, int next,
                     float[] dh, float[] spare, float[] dc, int dOff, float[] dgx, float[] dgh) {
        kernels.rnnBackward(rows, hidden, relu, gates, g, dh, dOff, hidden, dgx, g);
        w.backThroughWeights(rows, dgx, g, 0f, dh, dOff);
        return dh;
    }
}
