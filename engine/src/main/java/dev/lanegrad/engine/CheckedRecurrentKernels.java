package dev.lanegrad.engine;

/**
 * The one checked entry of {@link RecurrentKernels}: every argument check of a call happens here, once,
 * then the call goes to an implementation that only computes (the scalar specification or the Vector
 * API kernels).
 */
final class CheckedRecurrentKernels implements RecurrentKernels {

    /** The implementation that computes, unchecked. */
    final RecurrentKernels impl;

    CheckedRecurrentKernels(RecurrentKernels impl) {
        this.impl = impl;
    }

    @Override
    public void lstmForward(int batch, int hidden, float[] gates, int gOff,
                            float[] cPrev, int cPrevOff, int ldcPrev,
                            float[] c, int cOff, int ldc,
                            float[] h, int hOff, int ldh) {
        RecurrentChecks.lstmForward(batch, hidden, gates, gOff, cPrev, cPrevOff, ldcPrev, c, cOff, ldc, h, hOff, ldh);
        impl.lstmForward(batch, hidden, gates, gOff, cPrev, cPrevOff, ldcPrev, c, cOff, ldc, h, hOff, ldh);
    }

    @Override
    public void lstmBackward(int batch, int hidden, float[] gates, int gOff,
                             float[] cPrev, int cPrevOff, int ldcPrev,
                             float[] c, int cOff, int ldc,
                             float[] dh, int dhOff, int lddh,
                             float[] dc, int dcOff, int lddc,
                             float[] dGates, int dgOff) {
        RecurrentChecks.lstmBackward(batch, hidden, gates, gOff, cPrev, cPrevOff, ldcPrev, c, cOff, ldc, dh, dhOff, lddh, dc, dcOff, lddc, dGates, dgOff);
        impl.lstmBackward(batch, hidden, gates, gOff, cPrev, cPrevOff, ldcPrev, c, cOff, ldc, dh, dhOff, lddh, dc, dcOff, lddc, dGates, dgOff);
    }

    @Override
    public void gruForward(int batch, int hidden, float[] xp, int xpOff, float[] gh, int ghOff,
                           float[] hPrev, int hPrevOff, int ldhPrev,
                           float[] h, int hOff, int ldh) {
        RecurrentChecks.gruForward(batch, hidden, xp, xpOff, gh, ghOff, hPrev, hPrevOff, ldhPrev, h, hOff, ldh);
        impl.gruForward(batch, hidden, xp, xpOff, gh, ghOff, hPrev, hPrevOff, ldhPrev, h, hOff, ldh);
    }

    @Override
    public void gruBackward(int batch, int hidden, float[] gates, int gOff, float[] gh, int ghOff,
                            float[] hPrev, int hPrevOff, int ldhPrev,
                            float[] dh, int dhOff, int lddh,
                            float[] dGatesX, int dgxOff, float[] dGatesH, int dghOff,
                            float[] dhPrev, int dhPrevOff, int lddhPrev) {
        RecurrentChecks.gruBackward(batch, hidden, gates, gOff, gh, ghOff, hPrev, hPrevOff, ldhPrev, dh, dhOff, lddh, dGatesX, dgxOff, dGatesH, dghOff, dhPrev, dhPrevOff, lddhPrev);
        impl.gruBackward(batch, hidden, gates, gOff, gh, ghOff, hPrev, hPrevOff, ldhPrev, dh, dhOff, lddh, dGatesX, dgxOff, dGatesH, dghOff, dhPrev, dhPrevOff, lddhPrev);
    }

    @Override
    public void rnnForward(int batch, int hidden, boolean relu, float[] pre, int preOff, float[] h, int hOff, int ldh) {
        RecurrentChecks.rnnForward(batch, hidden, relu, pre, preOff, h, hOff, ldh);
        impl.rnnForward(batch, hidden, relu, pre, preOff, h, hOff, ldh);
    }

    @Override
    public void rnnBackward(int batch, int hidden, boolean relu, float[] y, int yOff,
                            float[] dh, int dhOff, int lddh, float[] dPre, int dpOff) {
        RecurrentChecks.rnnBackward(batch, hidden, relu, y, yOff, dh, dhOff, lddh, dPre, dpOff);
        impl.rnnBackward(batch, hidden, relu, y, yOff, dh, dhOff, lddh, dPre, dpOff);
    }
}
