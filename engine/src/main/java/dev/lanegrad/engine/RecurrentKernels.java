package dev.lanegrad.engine;

/**
 * The pointwise part of one recurrent step, fused: each call makes ONE pass over the gate buffer.
 * The matrix products around it (X W_ih^T for all steps, h W_hh^T per step) are the caller's GEMMs.
 *
 * Shapes for a batch of B rows and hidden size H; gate buffers are contiguous (B, G*H) with gate
 * blocks in PyTorch's order; state buffers (h, c) are (B, H) with a row stride (ld) so that they can
 * live inside a wider output tensor (e.g. one direction of a bidirectional output (T, B, 2H)).
 */
public interface RecurrentKernels {

    /**
     * The checked entry in front of an implementation that only computes: every argument check of a
     * call happens once, here, whichever implementation runs (the providers hand out only this).
     */
    static RecurrentKernels checked(RecurrentKernels computeOnly) {
        return computeOnly instanceof CheckedRecurrentKernels ? computeOnly : new CheckedRecurrentKernels(computeOnly);
    }

    /**
     * LSTM step, gates (i, f, g, o). In: gates (B, 4H) = pre-activations (W_ih x + b_ih + W_hh h + b_hh).
     * Out: gates overwritten in place with the activations (sigmoid i, f, o; tanh g), kept for backward;
     * c = f * cPrev + i * g; h = o * tanh(c).
     */
    void lstmForward(int batch, int hidden, float[] gates, int gOff,
                     float[] cPrev, int cPrevOff, int ldcPrev,
                     float[] c, int cOff, int ldc,
                     float[] h, int hOff, int ldh);

    /**
     * LSTM step backward. In: gates (B, 4H) = the activations saved by forward; cPrev, c of that step;
     * dh = total gradient w.r.t. h_t; dc = gradient w.r.t. c_t arriving from step t+1.
     * Out: dGates (B, 4H) OVERWRITTEN with the gradient w.r.t. the pre-activations (it must not overlap
     * the inputs: the Vector API kernel parks tanh(c) in it); dc OVERWRITTEN in place with the gradient
     * w.r.t. cPrev (dc_total * f).
     */
    void lstmBackward(int batch, int hidden, float[] gates, int gOff,
                      float[] cPrev, int cPrevOff, int ldcPrev,
                      float[] c, int cOff, int ldc,
                      float[] dh, int dhOff, int lddh,
                      float[] dc, int dcOff, int lddc,
                      float[] dGates, int dgOff);

    /**
     * GRU step, gates (r, z, n). In: xp (B, 3H) = W_ih x + b_ih; gh (B, 3H) = W_hh hPrev + b_hh.
     * r = sigmoid(xp_r + gh_r), z = sigmoid(xp_z + gh_z), n = tanh(xp_n + r * gh_n),
     * h = (1 - z) * n + z * hPrev.
     * Out: xp overwritten in place with (r, z, n) for backward; gh is left as it is (backward needs gh_n).
     */
    void gruForward(int batch, int hidden, float[] xp, int xpOff, float[] gh, int ghOff,
                    float[] hPrev, int hPrevOff, int ldhPrev,
                    float[] h, int hOff, int ldh);

    /**
     * GRU step backward. In: gates (B, 3H) = (r, z, n) saved by forward; gh of that step; hPrev;
     * dh = total gradient w.r.t. h_t.
     * Out, OVERWRITTEN: dGatesX (B, 3H) = gradient w.r.t. xp; dGatesH (B, 3H) = gradient w.r.t. gh
     * (equal to dGatesX in the r and z blocks, dGatesX_n * r in the n block).
     * ACCUMULATED: dhPrev += dh * z (the direct path; the caller adds dGatesH @ W_hh).
     */
    void gruBackward(int batch, int hidden, float[] gates, int gOff, float[] gh, int ghOff,
                     float[] hPrev, int hPrevOff, int ldhPrev,
                     float[] dh, int dhOff, int lddh,
                     float[] dGatesX, int dgxOff, float[] dGatesH, int dghOff,
                     float[] dhPrev, int dhPrevOff, int lddhPrev);

    /**
     * {@link #gruBackward}'s formulas for elements [from, H) of one batch row, element by element: gates,
     * gh, dGatesX, dGatesH (3H) at g, y, dx, dhh; hPrev, dh, dhPrev (H) at hp, dr, dp. The scalar kernel
     * (from 0) and the vector kernel's tail.
     */
    static void gruBackwardElements(int H, int from, float[] gates, int g, float[] gh, int y, float[] hPrev, int hp,
                                    float[] dh, int dr, float[] dGatesX, int dx, float[] dGatesH, int dhh,
                                    float[] dhPrev, int dp) {
        for (int j = from; j < H; j++) {
            float r = gates[g + j];
            float z = gates[g + H + j];
            float n = gates[g + 2 * H + j];
            float d = dh[dr + j];
            float dnPre = d * (1f - z) * (1f - n * n);
            float dzPre = d * (hPrev[hp + j] - n) * z * (1f - z);
            float drPre = dnPre * gh[y + 2 * H + j] * r * (1f - r);
            dGatesX[dx + j] = drPre;
            dGatesX[dx + H + j] = dzPre;
            dGatesX[dx + 2 * H + j] = dnPre;
            dGatesH[dhh + j] = drPre;
            dGatesH[dhh + H + j] = dzPre;
            dGatesH[dhh + 2 * H + j] = dnPre * r;
            dhPrev[dp + j] += d * z;
        }
    }

    /**
     * Elman RNN step. In: pre (B, H) = W_ih x + b_ih + W_hh h + b_hh.
     * Out: pre overwritten in place with act(pre) (kept for backward) and the same written to h.
     */
    void rnnForward(int batch, int hidden, boolean relu, float[] pre, int preOff, float[] h, int hOff, int ldh);

    /** Elman RNN step backward: dPre (B, H) OVERWRITTEN with dh * act'(y), y = the saved activation. */
    void rnnBackward(int batch, int hidden, boolean relu, float[] y, int yOff,
                     float[] dh, int dhOff, int lddh, float[] dPre, int dpOff);
}
