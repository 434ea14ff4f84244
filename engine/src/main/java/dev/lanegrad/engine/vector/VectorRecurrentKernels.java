package dev.lanegrad.engine.vector;

import dev.lanegrad.engine.RecurrentKernels;

/** PLACEHOLDER: the scalar specification until the SIMD kernels land. */
public final class VectorRecurrentKernels implements RecurrentKernels {
    private final RecurrentKernels s = dev.lanegrad.engine.Kernels.scalar().recurrent();
    public void lstmForward(int batch, int hidden, float[] gates, int gOff, float[] cPrev, int cPrevOff, int ldcPrev, float[] c, int cOff, int ldc, float[] h, int hOff, int ldh) {
        s.lstmForward(batch, hidden, gates, gOff, cPrev, cPrevOff, ldcPrev, c, cOff, ldc, h, hOff, ldh);
    }
    public void lstmBackward(int batch, int hidden, float[] gates, int gOff, float[] cPrev, int cPrevOff, int ldcPrev, float[] c, int cOff, int ldc, float[] dh, int dhOff, int lddh, float[] dc, int dcOff, int lddc, float[] dGates, int dgOff) {
        s.lstmBackward(batch, hidden, gates, gOff, cPrev, cPrevOff, ldcPrev, c, cOff, ldc, dh, dhOff, lddh, dc, dcOff, lddc, dGates, dgOff);
    }
    public void gruForward(int batch, int hidden, float[] xp, int xpOff, float[] gh, int ghOff, float[] hPrev, int hPrevOff, int ldhPrev, float[] h, int hOff, int ldh) {
        s.gruForward(batch, hidden, xp, xpOff, gh, ghOff, hPrev, hPrevOff, ldhPrev, h, hOff, ldh);
    }
    public void gruBackward(int batch, int hidden, float[] gates, int gOff, float[] gh, int ghOff, float[] hPrev, int hPrevOff, int ldhPrev, float[] dh, int dhOff, int lddh, float[] dGatesX, int dgxOff, float[] dGatesH, int dghOff, float[] dhPrev, int dhPrevOff, int lddhPrev) {
        s.gruBackward(batch, hidden, gates, gOff, gh, ghOff, hPrev, hPrevOff, ldhPrev, dh, dhOff, lddh, dGatesX, dgxOff, dGatesH, dghOff, dhPrev, dhPrevOff, lddhPrev);
    }
    public void rnnForward(int batch, int hidden, boolean relu, float[] pre, int preOff, float[] h, int hOff, int ldh) {
        s.rnnForward(batch, hidden, relu, pre, preOff, h, hOff, ldh);
    }
    public void rnnBackward(int batch, int hidden, boolean relu, float[] y, int yOff, float[] dh, int dhOff, int lddh, float[] dPre, int dpOff) {
        s.rnnBackward(batch, hidden, relu, y, yOff, dh, dhOff, lddh, dPre, dpOff);
    }
}
