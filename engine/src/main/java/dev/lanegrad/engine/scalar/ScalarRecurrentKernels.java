package dev.lanegrad.engine.scalar;

import dev.lanegrad.engine.RecurrentKernels;

/** The fused recurrent steps written out element by element: the specification of the SIMD versions. */
final class ScalarRecurrentKernels implements RecurrentKernels {

    private static float sigmoid(float x) {
        return (float) ScalarArrayOps.sigmoid(x);
    }

    private static float tanh(float x) {
        return (float) Math.tanh(x);
    }

    @Override
    public void lstmForward(int batch, int hidden, float[] gates, int gOff,
                            float[] cPrev, int cPrevOff, int ldcPrev,
                            float[] c, int cOff, int ldc,
                            float[] h, int hOff, int ldh) {
        int H = hidden;
        for (int b = 0; b < batch; b++) {
            int g = gOff + b * 4 * H;
            for (int j = 0; j < H; j++) {
                float i = sigmoid(gates[g + j]);
                float f = sigmoid(gates[g + H + j]);
                float gg = tanh(gates[g + 2 * H + j]);
                float o = sigmoid(gates[g + 3 * H + j]);
                gates[g + j] = i;
                gates[g + H + j] = f;
                gates[g + 2 * H + j] = gg;
                gates[g + 3 * H + j] = o;
                float cNew = f * cPrev[cPrevOff + b * ldcPrev + j] + i * gg;
                c[cOff + b * ldc + j] = cNew;
                h[hOff + b * ldh + j] = o * tanh(cNew);
            }
        }
    }

    @Override
    public void lstmBackward(int batch, int hidden, float[] gates, int gOff,
                             float[] cPrev, int cPrevOff, int ldcPrev,
                             float[] c, int cOff, int ldc,
                             float[] dh, int dhOff, int lddh,
                             float[] dc, int dcOff, int lddc,
                             float[] dGates, int dgOff) {
        int H = hidden;
        for (int b = 0; b < batch; b++) {
            int g = gOff + b * 4 * H;
            int dg = dgOff + b * 4 * H;
            for (int j = 0; j < H; j++) {
                float i = gates[g + j];
                float f = gates[g + H + j];
                float gg = gates[g + 2 * H + j];
                float o = gates[g + 3 * H + j];
                float tc = tanh(c[cOff + b * ldc + j]);
                float dhv = dh[dhOff + b * lddh + j];
                int dci = dcOff + b * lddc + j;
                float dcTotal = dc[dci] + dhv * o * (1f - tc * tc);
                dGates[dg + j] = dcTotal * gg * i * (1f - i);
                dGates[dg + H + j] = dcTotal * cPrev[cPrevOff + b * ldcPrev + j] * f * (1f - f);
                dGates[dg + 2 * H + j] = dcTotal * i * (1f - gg * gg);
                dGates[dg + 3 * H + j] = dhv * tc * o * (1f - o);
                dc[dci] = dcTotal * f;
            }
        }
    }

    @Override
    public void gruForward(int batch, int hidden, float[] xp, int xpOff, float[] gh, int ghOff,
                           float[] hPrev, int hPrevOff, int ldhPrev,
                           float[] h, int hOff, int ldh) {
        int H = hidden;
        for (int b = 0; b < batch; b++) {
            int x = xpOff + b * 3 * H;
            int y = ghOff + b * 3 * H;
            for (int j = 0; j < H; j++) {
                float r = sigmoid(xp[x + j] + gh[y + j]);
                float z = sigmoid(xp[x + H + j] + gh[y + H + j]);
                float n = tanh(xp[x + 2 * H + j] + r * gh[y + 2 * H + j]);
                xp[x + j] = r;
                xp[x + H + j] = z;
                xp[x + 2 * H + j] = n;
                h[hOff + b * ldh + j] = (1f - z) * n + z * hPrev[hPrevOff + b * ldhPrev + j];
            }
        }
    }

    @Override
    public void gruBackward(int batch, int hidden, float[] gates, int gOff, float[] gh, int ghOff,
                            float[] hPrev, int hPrevOff, int ldhPrev,
                            float[] dh, int dhOff, int lddh,
                            float[] dGatesX, int dgxOff, float[] dGatesH, int dghOff,
                            float[] dhPrev, int dhPrevOff, int lddhPrev) {
        int H = hidden;
        for (int b = 0; b < batch; b++) {
            int g = gOff + b * 3 * H;
            int y = ghOff + b * 3 * H;
            int dx = dgxOff + b * 3 * H;
            int dhh = dghOff + b * 3 * H;
            RecurrentKernels.gruBackwardElements(H, 0, gates, g, gh, y, hPrev, hPrevOff + b * ldhPrev, dh, dhOff + b * lddh,
                    dGatesX, dx, dGatesH, dhh, dhPrev, dhPrevOff + b * lddhPrev);
        }
    }

    @Override
    public void rnnForward(int batch, int hidden, boolean relu, float[] pre, int preOff, float[] h, int hOff, int ldh) {
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < hidden; j++) {
                int p = preOff + b * hidden + j;
                float v = pre[p];
                float y = relu ? (v > 0f ? v : 0f) : tanh(v);
                pre[p] = y;
                h[hOff + b * ldh + j] = y;
            }
        }
    }

    @Override
    public void rnnBackward(int batch, int hidden, boolean relu, float[] y, int yOff,
                            float[] dh, int dhOff, int lddh, float[] dPre, int dpOff) {
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < hidden; j++) {
                float v = y[yOff + b * hidden + j];
                float d = dh[dhOff + b * lddh + j];
                dPre[dpOff + b * hidden + j] = relu ? (v > 0f ? d : 0f) : d * (1f - v * v);
            }
        }
    }
}
