package dev.lanegrad.engine.vector;

import dev.lanegrad.engine.RecurrentKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The recurrent steps on Vector API lanes, per batch row: the activations run as VectorMath's array
 * loops, one call per gate block (VectorMath#expLoop says why no vector may cross a call, and why a step
 * with five activations in one loop boxed its vectors in the deterministic mode), the cell arithmetic
 * in small loops of their own. The gate blocks of a row are a few KB, so the extra passes stay in L1.
 * Scalar tails (hidden % lanes units per block) repeat the specification's float formulas.
 *
 * Arguments are checked once per call in front of this class ({@link RecurrentKernels#checked}). Only
 * arrays and ints cross the per-row methods' boundaries, so if C2 does not inline one nothing is boxed
 * (with the checks and the whole LSTM backward in one method C2 stopped inlining the vector helpers and
 * boxed every vector, 246 KB per call at B=32, H=256, before this split and the lazy messages in Checks).
 */
final class VectorRecurrentKernels implements RecurrentKernels {

    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final int L = F.length();

    /** gates (B, 4H) pre-activations -> activations in place; c (B, H; ldc) and h (B, H; ldh) from cPrev (B, H; ldcPrev) */
    @Override
    public void lstmForward(int batch, int hidden, float[] gates, int gOff,
                            float[] cPrev, int cPrevOff, int ldcPrev,
                            float[] c, int cOff, int ldc,
                            float[] h, int hOff, int ldh) {
        for (int b = 0; b < batch; b++) {
            lstmForwardRow(hidden, gates, gOff + b * 4 * hidden, cPrev, cPrevOff + b * ldcPrev, c, cOff + b * ldc, h, hOff + b * ldh);
        }
    }

    /** one batch row: gates (4H) from gi, cPrev (H) from cp, c (H) from cr, h (H) from hr */
    private static void lstmForwardRow(int H, float[] gates, int gi, float[] cPrev, int cp, float[] c, int cr, float[] h, int hr) {
        int gf = gi + H;
        int gg = gi + 2 * H;
        int go = gi + 3 * H;
        VectorMath.apply(VectorMath.SIGMOID, gates, gi, gates, gi, H);
        VectorMath.apply(VectorMath.SIGMOID, gates, gf, gates, gf, H);
        VectorMath.apply(VectorMath.TANH, gates, gg, gates, gg, H);
        VectorMath.apply(VectorMath.SIGMOID, gates, go, gates, go, H);
        lstmCell(H, gates, gi, cPrev, cp, c, cr);
        VectorMath.apply(VectorMath.TANH, c, cr, h, hr, H);
        VectorArrayOps.mulUnchecked(gates, go, h, hr, h, hr, H); // h *= o
    }

    /** c (H) = f cPrev + i g from the activated gates (4H) at gi */
    private static void lstmCell(int H, float[] gates, int gi, float[] cPrev, int cp, float[] c, int cr) {
        int j = 0;
        for (int bound = F.loopBound(H); j < bound; j += L) {
            FloatVector i = FloatVector.fromArray(F, gates, gi + j);
            FloatVector f = FloatVector.fromArray(F, gates, gi + H + j);
            FloatVector g = FloatVector.fromArray(F, gates, gi + 2 * H + j);
            f.fma(FloatVector.fromArray(F, cPrev, cp + j), i.mul(g)).intoArray(c, cr + j);
        }
        for (; j < H; j++) { // scalar tail
            c[cr + j] = gates[gi + H + j] * cPrev[cp + j] + gates[gi + j] * gates[gi + 2 * H + j];
        }
    }

    /** dGates (B, 4H) overwritten; dc (B, H; lddc) overwritten with the gradient w.r.t. cPrev */
    @Override
    public void lstmBackward(int batch, int hidden, float[] gates, int gOff,
                             float[] cPrev, int cPrevOff, int ldcPrev,
                             float[] c, int cOff, int ldc,
                             float[] dh, int dhOff, int lddh,
                             float[] dc, int dcOff, int lddc,
                             float[] dGates, int dgOff) {
        for (int b = 0; b < batch; b++) {
            lstmBackwardRow(hidden, gates, gOff + b * 4 * hidden, cPrev, cPrevOff + b * ldcPrev, c, cOff + b * ldc,
                    dh, dhOff + b * lddh, dc, dcOff + b * lddc, dGates, dgOff + b * 4 * hidden);
        }
    }

    /** one batch row: gates, dGates (4H) from g0, d0; cPrev, c, dh, dc (H) from cp, cr, hr, dcr */
    private static void lstmBackwardRow(int H, float[] gates, int g0, float[] cPrev, int cp, float[] c, int cr,
                                        float[] dh, int hr, float[] dc, int dcr, float[] dGates, int d0) {
        // tanh(c) in a loop of its own, parked in the o block of dGates until the loop below overwrites it
        int dOut = d0 + 3 * H;
        VectorMath.apply(VectorMath.TANH, c, cr, dGates, dOut, H);
        int j = 0;
        for (int bound = F.loopBound(H); j < bound; j += L) {
            FloatVector i = FloatVector.fromArray(F, gates, g0 + j);
            FloatVector f = FloatVector.fromArray(F, gates, g0 + H + j);
            FloatVector g = FloatVector.fromArray(F, gates, g0 + 2 * H + j);
            FloatVector o = FloatVector.fromArray(F, gates, g0 + 3 * H + j);
            FloatVector tc = FloatVector.fromArray(F, dGates, dOut + j);
            FloatVector d = FloatVector.fromArray(F, dh, hr + j);
            // dcTotal = dc + dh o (1 - tc^2)
            FloatVector dcTotal = d.mul(o).fma(VectorMath.oneMinusSquare(tc), FloatVector.fromArray(F, dc, dcr + j));
            dcTotal.mul(g).mul(i.fma(i.neg(), i)).intoArray(dGates, d0 + j);                                   // dc g i (1 - i)
            dcTotal.mul(FloatVector.fromArray(F, cPrev, cp + j)).mul(f.fma(f.neg(), f)).intoArray(dGates, d0 + H + j); // dc cPrev f (1 - f)
            dcTotal.mul(i).mul(VectorMath.oneMinusSquare(g)).intoArray(dGates, d0 + 2 * H + j);                 // dc i (1 - g^2)
            d.mul(tc).mul(o.fma(o.neg(), o)).intoArray(dGates, d0 + 3 * H + j);                                  // dh tc o (1 - o)
            dcTotal.mul(f).intoArray(dc, dcr + j);
        }
        for (; j < H; j++) { // scalar tail
            float i = gates[g0 + j];
            float f = gates[g0 + H + j];
            float g = gates[g0 + 2 * H + j];
            float o = gates[g0 + 3 * H + j];
            float tc = dGates[dOut + j];
            float dhv = dh[hr + j];
            float dcTotal = dc[dcr + j] + dhv * o * (1f - tc * tc);
            dGates[d0 + j] = dcTotal * g * i * (1f - i);
            dGates[d0 + H + j] = dcTotal * cPrev[cp + j] * f * (1f - f);
            dGates[d0 + 2 * H + j] = dcTotal * i * (1f - g * g);
            dGates[d0 + 3 * H + j] = dhv * tc * o * (1f - o);
            dc[dcr + j] = dcTotal * f;
        }
    }

    /** xp (B, 3H) -> (r, z, n) in place; gh (B, 3H) read only; h (B, H; ldh) from hPrev (B, H; ldhPrev) */
    @Override
    public void gruForward(int batch, int hidden, float[] xp, int xpOff, float[] gh, int ghOff,
                           float[] hPrev, int hPrevOff, int ldhPrev,
                           float[] h, int hOff, int ldh) {
        for (int b = 0; b < batch; b++) {
            gruForwardRow(hidden, xp, xpOff + b * 3 * hidden, gh, ghOff + b * 3 * hidden, hPrev, hPrevOff + b * ldhPrev, h, hOff + b * ldh);
        }
    }

    /** one batch row: xp, gh (3H) from x, y; hPrev, h (H) from hp, hr */
    private static void gruForwardRow(int H, float[] xp, int x, float[] gh, int y, float[] hPrev, int hp, float[] h, int hr) {
        addInPlace(2 * H, gh, y, xp, x);
        VectorMath.apply(VectorMath.SIGMOID, xp, x, xp, x, H);
        VectorMath.apply(VectorMath.SIGMOID, xp, x + H, xp, x + H, H);
        gruCandidate(H, xp, x, gh, y);
        VectorMath.apply(VectorMath.TANH, xp, x + 2 * H, xp, x + 2 * H, H);
        gruBlend(H, xp, x, hPrev, hp, h, hr);
    }

    /** y (n) += a (n) */
    private static void addInPlace(int n, float[] a, int aOff, float[] y, int yOff) {
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += L) {
            FloatVector.fromArray(F, y, yOff + j).add(FloatVector.fromArray(F, a, aOff + j)).intoArray(y, yOff + j);
        }
        for (; j < n; j++) { // scalar tail
            y[yOff + j] += a[aOff + j];
        }
    }

    /** the n block of xp (3H) at x: xp_n + r gh_n, r already activated */
    private static void gruCandidate(int H, float[] xp, int x, float[] gh, int y) {
        int n = x + 2 * H;
        int j = 0;
        for (int bound = F.loopBound(H); j < bound; j += L) {
            FloatVector r = FloatVector.fromArray(F, xp, x + j);
            r.fma(FloatVector.fromArray(F, gh, y + 2 * H + j), FloatVector.fromArray(F, xp, n + j)).intoArray(xp, n + j);
        }
        for (; j < H; j++) { // scalar tail
            xp[n + j] = xp[n + j] + xp[x + j] * gh[y + 2 * H + j];
        }
    }

    /** h (H) = (1 - z) n + z hPrev from the activated gates (3H) at x */
    private static void gruBlend(int H, float[] xp, int x, float[] hPrev, int hp, float[] h, int hr) {
        int j = 0;
        for (int bound = F.loopBound(H); j < bound; j += L) {
            FloatVector z = FloatVector.fromArray(F, xp, x + H + j);
            FloatVector n = FloatVector.fromArray(F, xp, x + 2 * H + j);
            // (1 - z) n + z hPrev = n + z (hPrev - n)
            z.fma(FloatVector.fromArray(F, hPrev, hp + j).sub(n), n).intoArray(h, hr + j);
        }
        for (; j < H; j++) { // scalar tail
            float z = xp[x + H + j];
            h[hr + j] = (1f - z) * xp[x + 2 * H + j] + z * hPrev[hp + j];
        }
    }

    /** dGatesX, dGatesH (B, 3H) overwritten; dhPrev (B, H; lddhPrev) += dh * z */
    @Override
    public void gruBackward(int batch, int hidden, float[] gates, int gOff, float[] gh, int ghOff,
                            float[] hPrev, int hPrevOff, int ldhPrev,
                            float[] dh, int dhOff, int lddh,
                            float[] dGatesX, int dgxOff, float[] dGatesH, int dghOff,
                            float[] dhPrev, int dhPrevOff, int lddhPrev) {
        for (int b = 0; b < batch; b++) {
            int row3 = b * 3 * hidden;
            gruBackwardRow(hidden, gates, gOff + row3, gh, ghOff + row3, hPrev, hPrevOff + b * ldhPrev, dh, dhOff + b * lddh,
                    dGatesX, dgxOff + row3, dGatesH, dghOff + row3, dhPrev, dhPrevOff + b * lddhPrev);
        }
    }

    /** one batch row: gates, gh, dGatesX, dGatesH (3H) from g, y, dx, dhh; hPrev, dh, dhPrev (H) from hp, dr, dp */
    private static void gruBackwardRow(int H, float[] gates, int g, float[] gh, int y, float[] hPrev, int hp, float[] dh, int dr,
                                       float[] dGatesX, int dx, float[] dGatesH, int dhh, float[] dhPrev, int dp) {
        int j = 0;
        for (int bound = F.loopBound(H); j < bound; j += L) {
            FloatVector r = FloatVector.fromArray(F, gates, g + j);
            FloatVector z = FloatVector.fromArray(F, gates, g + H + j);
            FloatVector n = FloatVector.fromArray(F, gates, g + 2 * H + j);
            FloatVector d = FloatVector.fromArray(F, dh, dr + j);
            FloatVector dz = d.mul(z);
            FloatVector dnPre = d.sub(dz).mul(VectorMath.oneMinusSquare(n));                                  // d (1 - z) (1 - n^2)
            FloatVector dzPre = d.mul(FloatVector.fromArray(F, hPrev, hp + j).sub(n)).mul(z.fma(z.neg(), z)); // d (hp - n) z (1 - z)
            FloatVector drPre = dnPre.mul(FloatVector.fromArray(F, gh, y + 2 * H + j)).mul(r.fma(r.neg(), r)); // dn gh_n r (1 - r)
            drPre.intoArray(dGatesX, dx + j);
            dzPre.intoArray(dGatesX, dx + H + j);
            dnPre.intoArray(dGatesX, dx + 2 * H + j);
            drPre.intoArray(dGatesH, dhh + j);
            dzPre.intoArray(dGatesH, dhh + H + j);
            dnPre.mul(r).intoArray(dGatesH, dhh + 2 * H + j);
            FloatVector.fromArray(F, dhPrev, dp + j).add(dz).intoArray(dhPrev, dp + j);
        }
        // scalar tail
        RecurrentKernels.gruBackwardElements(H, j, gates, g, gh, y, hPrev, hp, dh, dr, dGatesX, dx, dGatesH, dhh, dhPrev, dp);
    }

    /** pre (B, H) -> act(pre) in place and into h (B, H; ldh) */
    @Override
    public void rnnForward(int batch, int hidden, boolean relu, float[] pre, int preOff, float[] h, int hOff, int ldh) {
        for (int b = 0; b < batch; b++) {
            int p = preOff + b * hidden;
            if (relu) {
                reluRow(hidden, pre, p);
            } else {
                VectorMath.apply(VectorMath.TANH, pre, p, pre, p, hidden);
            }
            System.arraycopy(pre, p, h, hOff + b * ldh, hidden);
        }
    }

    /** a (n) = max(a, 0) in place, 0 for NaN (the spec's "v > 0 ? v : 0", not lanewise max) */
    private static void reluRow(int n, float[] a, int off) {
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += L) {
            FloatVector v = FloatVector.fromArray(F, a, off + j);
            FloatVector.zero(F).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(a, off + j);
        }
        for (; j < n; j++) { // scalar tail
            a[off + j] = a[off + j] > 0f ? a[off + j] : 0f;
        }
    }

    /** dPre (B, H) overwritten with dh (B, H; lddh) * act'(y) */
    @Override
    public void rnnBackward(int batch, int hidden, boolean relu, float[] y, int yOff,
                            float[] dh, int dhOff, int lddh, float[] dPre, int dpOff) {
        int bound = F.loopBound(hidden);
        for (int b = 0; b < batch; b++) {
            int yr = yOff + b * hidden;
            int dr = dhOff + b * lddh;
            int pr = dpOff + b * hidden;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector v = FloatVector.fromArray(F, y, yr + j);
                FloatVector d = FloatVector.fromArray(F, dh, dr + j);
                FloatVector g = relu ? FloatVector.zero(F).blend(d, v.compare(VectorOperators.GT, 0f)) : d.mul(VectorMath.oneMinusSquare(v));
                g.intoArray(dPre, pr + j);
            }
            for (; j < hidden; j++) { // scalar tail
                float v = y[yr + j];
                float d = dh[dr + j];
                dPre[pr + j] = relu ? (v > 0f ? d : 0f) : d * (1f - v * v);
            }
        }
    }
}
