package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.RecurrentKernels;

/** The LSTM step, gates (i, f, g, o): c = f * c_prev + i * g, h = o * tanh(c); the engine's fused kernels. */
final class LstmCell extends Cell {

    LstmCell(RnnConfig cfg, RecurrentKernels kernels, ArrayOps ops) {
        super(cfg, kernels, ops);
    }

    @Override
    void pointwise(int rows, int units, float[] gates, int g, float[] gh,
                   float[] hPrev, int hPrevOff, float[] h, int hOff,
                   float[] cPrev, int cPrevOff, float[] c, int cOff) {
        kernels.lstmForward(rows, units, gates, g, cPrev, cPrevOff, hidden, c, cOff, hidden, h, hOff, hidden);
    }

    @Override
    float[] backward(int rows, HiddenWeights w, float[] gates, int g, float[] gh,
                     float[] h, float[] c, int prev, int next,
                     float[] dh, float[] spare, float[] dc, int dOff, float[] dgx, float[] dgh) {
        kernels.lstmBackward(rows, hidden, gates, g, c, prev, hidden, c, next, hidden, dh, dOff, hidden, dc, dOff, hidden, dgx, g);
        w.backThroughWeights(rows, dgx, g, 0f, dh, dOff);
        return dh;
    }
}
