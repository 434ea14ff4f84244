package dev.lanegrad.engine;

/**
 * The argument checks of each fused recurrent kernel, once per call, shared by the scalar and the
 * Vector API implementations so that both reject the same calls with the same messages.
 */
public final class RecurrentChecks {

    private RecurrentChecks() {
    }

    public static void lstmForward(int batch, int hidden, float[] gates, int gOff, float[] cPrev, int cPrevOff,
                                   int ldcPrev, float[] c, int cOff, int ldc, float[] h, int hOff, int ldh) {
        String k = "lstmForward";
        lstmStep(k, batch, hidden, gates, gOff, cPrev, cPrevOff, ldcPrev, c, cOff, ldc);
        Checks.matrix(k, "h", h, hOff, batch, hidden, ldh);
    }

    public static void lstmBackward(int batch, int hidden, float[] gates, int gOff, float[] cPrev, int cPrevOff,
                                    int ldcPrev, float[] c, int cOff, int ldc, float[] dh, int dhOff, int lddh,
                                    float[] dc, int dcOff, int lddc, float[] dGates, int dgOff) {
        String k = "lstmBackward";
        lstmStep(k, batch, hidden, gates, gOff, cPrev, cPrevOff, ldcPrev, c, cOff, ldc);
        Checks.matrix(k, "dh", dh, dhOff, batch, hidden, lddh);
        Checks.matrix(k, "dc", dc, dcOff, batch, hidden, lddc);
        Checks.gates(k, "dGates", dGates, dgOff, batch, 4, hidden);
    }

    public static void gruForward(int batch, int hidden, float[] xp, int xpOff, float[] gh, int ghOff,
                                  float[] hPrev, int hPrevOff, int ldhPrev, float[] h, int hOff, int ldh) {
        String k = "gruForward";
        gruStep(k, batch, hidden, "xp", xp, xpOff, gh, ghOff, hPrev, hPrevOff, ldhPrev);
        Checks.matrix(k, "h", h, hOff, batch, hidden, ldh);
    }

    public static void gruBackward(int batch, int hidden, float[] gates, int gOff, float[] gh, int ghOff,
                                   float[] hPrev, int hPrevOff, int ldhPrev, float[] dh, int dhOff, int lddh,
                                   float[] dGatesX, int dgxOff, float[] dGatesH, int dghOff, float[] dhPrev,
                                   int dhPrevOff, int lddhPrev) {
        String k = "gruBackward";
        gruStep(k, batch, hidden, "gates", gates, gOff, gh, ghOff, hPrev, hPrevOff, ldhPrev);
        Checks.matrix(k, "dh", dh, dhOff, batch, hidden, lddh);
        Checks.gates(k, "dGatesX", dGatesX, dgxOff, batch, 3, hidden);
        Checks.gates(k, "dGatesH", dGatesH, dghOff, batch, 3, hidden);
        Checks.matrix(k, "dhPrev", dhPrev, dhPrevOff, batch, hidden, lddhPrev);
    }

    public static void rnnForward(int batch, int hidden, boolean relu, float[] pre, int preOff, float[] h,
                                  int hOff, int ldh) {
        String k = "rnnForward";
        Checks.step(k, batch, hidden);
        Checks.gates(k, "pre", pre, preOff, batch, 1, hidden);
        Checks.matrix(k, "h", h, hOff, batch, hidden, ldh);
    }

    public static void rnnBackward(int batch, int hidden, boolean relu, float[] y, int yOff, float[] dh,
                                   int dhOff, int lddh, float[] dPre, int dpOff) {
        String k = "rnnBackward";
        Checks.step(k, batch, hidden);
        Checks.gates(k, "y", y, yOff, batch, 1, hidden);
        Checks.matrix(k, "dh", dh, dhOff, batch, hidden, lddh);
        Checks.gates(k, "dPre", dPre, dpOff, batch, 1, hidden);
    }

    /** What an LSTM step's forward and backward both read: the sizes, the gates (B, 4H), c_{t-1} and c_t. */
    private static void lstmStep(String k, int batch, int hidden, float[] gates, int gOff, float[] cPrev, int cPrevOff,
                                 int ldcPrev, float[] c, int cOff, int ldc) {
        Checks.step(k, batch, hidden);
        Checks.gates(k, "gates", gates, gOff, batch, 4, hidden);
        Checks.matrix(k, "cPrev", cPrev, cPrevOff, batch, hidden, ldcPrev);
        Checks.matrix(k, "c", c, cOff, batch, hidden, ldc);
    }

    /** What a GRU step's forward and backward both read: the sizes, the input-side gates (B, 3H), gh and h_{t-1}. */
    private static void gruStep(String k, int batch, int hidden, String gatesName, float[] gates, int gOff, float[] gh,
                                int ghOff, float[] hPrev, int hPrevOff, int ldhPrev) {
        Checks.step(k, batch, hidden);
        Checks.gates(k, gatesName, gates, gOff, batch, 3, hidden);
        Checks.gates(k, "gh", gh, ghOff, batch, 3, hidden);
        Checks.matrix(k, "hPrev", hPrev, hPrevOff, batch, hidden, ldhPrev);
    }
}
