package dev.lanegrad.engine.vector;

import dev.lanegrad.engine.RecurrentKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused recurrent steps on Vector API lanes: per batch row, one pass over the hidden units that
 * reads every gate block once and writes every output once. Gate math in {@link VectorMath}; the
 * scalar tails (hidden % lanes units per row) repeat the specification's formulas in double.
 *
 * Arguments are checked once per call in front of this class ({@link RecurrentKernels#checked}). Each
 * public method calls a private per-row method with the loop: only
 * arrays and ints cross that boundary, so if C2 does not inline it nothing is boxed, and each
 * compiled unit stays well under C2's inlining budget (DesiredMethodLimit: with the checks and the
 * whole LSTM backward in one method C2 stopped inlining the vector helpers and boxed every vector,
 * 246 KB per call at B=32, H=256, before this split and the lazy messages in Checks).
 */
final class VectorRecurrentKernels implements RecurrentKernels {

    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final int L = F.length();

    private static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-(double) x)));
    }

    private static float tanh(float x) {
        return (float) Math.tanh(x);
    }

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
        int j = 0;
        for (int bound = F.loopBound(H); j < bound; j += L) {
            FloatVector i = VectorMath.sigmoid(FloatVector.fromArray(F, gates, gi + j));
            FloatVector f = VectorMath.sigmoid(FloatVector.fromArray(F, gates, gf + j));
            FloatVector g = VectorMath.tanh(FloatVector.fromArray(F, gates, gg + j));
            FloatVector o = VectorMath.sigmoid(FloatVector.fromArray(F, gates, go + j));
            i.intoArray(gates, gi + j);
            f.intoArray(gates, gf + j);
            g.intoArray(gates, gg + j);
            o.intoArray(gates, go + j);
            FloatVector cNew = f.fma(FloatVector.fromArray(F, cPrev, cp + j), i.mul(g));
            cNew.intoArray(c, cr + j);
            o.mul(VectorMath.tanh(cNew)).intoArray(h, hr + j);
        }
        for (; j < H; j++) { // scalar tail
            float i = sigmoid(gates[gi + j]);
            float f = sigmoid(gates[gf + j]);
            float g = tanh(gates[gg + j]);
            float o = sigmoid(gates[go + j]);
            gates[gi + j] = i;
            gates[gf + j] = f;
            gates[gg + j] = g;
            gates[go + j] = o;
            float cNew = f * cPrev[cp + j] + i * g;
            c[cr + j] = cNew;
            h[hr + j] = o * tanh(cNew);
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
        int j = 0;
        for (int bound = F.loopBound(H); j < bound; j += L) {
            FloatVector i = FloatVector.fromArray(F, gates, g0 + j);
            FloatVector f = FloatVector.fromArray(F, gates, g0 + H + j);
            FloatVector g = FloatVector.fromArray(F, gates, g0 + 2 * H + j);
            FloatVector o = FloatVector.fromArray(F, gates, g0 + 3 * H + j);
            FloatVector tc = VectorMath.tanh(FloatVector.fromArray(F, c, cr + j));
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
            float tc = tanh(c[cr + j]);
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
        int j = 0;
        for (int bound = F.loopBound(H); j < bound; j += L) {
            FloatVector r = VectorMath.sigmoid(FloatVector.fromArray(F, xp, x + j).add(FloatVector.fromArray(F, gh, y + j)));
            FloatVector z = VectorMath.sigmoid(FloatVector.fromArray(F, xp, x + H + j).add(FloatVector.fromArray(F, gh, y + H + j)));
            FloatVector n = VectorMath.tanh(r.fma(FloatVector.fromArray(F, gh, y + 2 * H + j), FloatVector.fromArray(F, xp, x + 2 * H + j)));
            r.intoArray(xp, x + j);
            z.intoArray(xp, x + H + j);
            n.intoArray(xp, x + 2 * H + j);
            // (1 - z) n + z hPrev = n + z (hPrev - n)
            z.fma(FloatVector.fromArray(F, hPrev, hp + j).sub(n), n).intoArray(h, hr + j);
        }
        for (; j < H; j++) { // scalar tail
            float r = sigmoid(xp[x + j] + gh[y + j]);
            float z = sigmoid(xp[x + H + j] + gh[y + H + j]);
            float n = tanh(xp[x + 2 * H + j] + r * gh[y + 2 * H + j]);
            xp[x + j] = r;
            xp[x + H + j] = z;
            xp[x + 2 * H + j] = n;
            h[hr + j] = (1f - z) * n + z * hPrev[hp + j];
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
        for (; j < H; j++) { // scalar tail
            float r = gates[g + j];
            float z = gates[g + H + j];
            float n = gates[g + 2 * H + j];
            float hv = hPrev[hp + j];
            float d = dh[dr + j];
            float dnPre = d * (1f - z) * (1f - n * n);
            float dzPre = d * (hv - n) * z * (1f - z);
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

    /** pre (B, H) -> act(pre) in place and into h (B, H; ldh) */
    @Override
    public void rnnForward(int batch, int hidden, boolean relu, float[] pre, int preOff, float[] h, int hOff, int ldh) {
        int bound = F.loopBound(hidden);
        for (int b = 0; b < batch; b++) {
            int p = preOff + b * hidden;
            int hr = hOff + b * ldh;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector v = FloatVector.fromArray(F, pre, p + j);
                FloatVector y = relu ? FloatVector.zero(F).blend(v, v.compare(VectorOperators.GT, 0f)) : VectorMath.tanh(v);
                y.intoArray(pre, p + j);
                y.intoArray(h, hr + j);
            }
            for (; j < hidden; j++) { // scalar tail
                float v = pre[p + j];
                float y = relu ? (v > 0f ? v : 0f) : tanh(v);
                pre[p + j] = y;
                h[hr + j] = y;
            }
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
