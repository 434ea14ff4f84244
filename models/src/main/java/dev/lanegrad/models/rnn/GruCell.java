package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.RecurrentKernels;

/**
 * The GRU step, gates (r, z, n) with n = tanh(W_in x + b_in + r * (W_hn h + b_hn)): the hidden side
 * gh = h W_hh^T + b_hh stays apart from the input side, because r scales its n block.
 */
final class GruCell extends Cell {

    GruCell(RnnConfig cfg, RecurrentKernels kernels, ArrayOps ops) {
        super(cfg, kernels, ops);
    }

    /** gh = b_hh (or zeros) for the hidden product to add into; xp += b_ih; columns [c0, c1) of rows rows. */
    @Override
    void addBiases(int rows, float[] xp, int xpOff, float[] gh, int ghOff, RnnParameters p, int s, int c0, int c1) {
        float[] bih = p.biasIh(s);
        for (int r = 0; r < rows; r++) {
            ops.fill(0f, gh, ghOff + r * gateRows + c0, c1 - c0);
        }
        if (bih != null) {
            ops.addRowBias(xp, xpOff + c0, rows, c1 - c0, gateRows, bih, p.biasIhOff(s) + c0);
            ops.addRowBias(gh, ghOff + c0, rows, c1 - c0, gateRows, p.biasHh(s), p.biasHhOff(s) + c0);
        }
    }

    @Override
    void pointwise(int rows, int units, float[] gates, int g, float[] gh,
                   float[] hPrev, int hPrevOff, float[] h, int hOff,
                   float[] cPrev, int cPrevOff, float[] c, int cOff) {
        kernels.gruForward(rows, units, gates, g, gh, g, hPrev, hPrevOff, hidden, h, hOff, hidden);
    }

    @Override
    float[] productTarget(float[] gates, float[] gh) {
        return gh;
    }

    /** The kernel ACCUMULATES dh * z into d h_{t-1}, so that goes to spare (zeroed here), then + dgh . W_hh. */
    @Override
    float[] backward(int rows, HiddenWeights w, float[] gates, int g, float[] gh,
                     float[] h, float[] c, int prev, int next,
                     float[] dh, float[] spare, float[] dc, int dOff, float[] dgx, float[] dgh) {
        ops.fill(0f, spare, dOff, rows * hidden);
        kernels.gruBackward(rows, hidden, gates, g, gh, g, h, prev, hidden, dh, dOff, hidden, dgx, g, dgh, g, spare, dOff, hidden);
        w.backThroughWeights(rows, dgh, g, 1f, spare, dOff);
        return spare;
    }

    @Override
    float[] hiddenSide(float[] dgx, float[] dgh) {
        return dgh;
    }
}
