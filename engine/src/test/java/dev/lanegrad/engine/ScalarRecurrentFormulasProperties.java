package dev.lanegrad.engine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scalar fused kernels (the specification the vector ones are checked against) equal the plain
 * gate equations written out here in double precision, PyTorch's gate orders: LSTM (i, f, g, o),
 * GRU (r, z, n) with n = tanh(a_n + r * b_n), RNN tanh/relu. The float kernels round each product,
 * so they agree within 1e-5 * (1 + |value|) (a few float ulps of every term).
 */
class ScalarRecurrentFormulasProperties {

    private final RecurrentKernels k = Kernels.scalar().recurrent();

    private static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static void near(String what, double expected, float actual) {
        assertTrue(Math.abs(expected - actual) <= 1e-5 * (1 + Math.abs(expected)), what + ": expected " + expected + " but was " + actual);
    }

    private static float[] gauss(Random r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    @Property(tries = 30)
    void lstm(@ForAll @IntRange(min = 1, max = 3) int B, @ForAll @IntRange(min = 1, max = 40) int H, @ForAll long seed) {
        Random r = new Random(seed);
        float[] pre = gauss(r, B * 4 * H, 3);
        float[] cPrev = gauss(r, B * H, 1);
        float[] gates = pre.clone();
        float[] c = new float[B * H];
        float[] h = new float[B * H];
        k.lstmForward(B, H, gates, 0, cPrev, 0, H, c, 0, H, h, 0, H);
        float[] dh = gauss(r, B * H, 1);
        float[] dcNext = gauss(r, B * H, 1);
        float[] dc = dcNext.clone();
        float[] dG = new float[B * 4 * H];
        k.lstmBackward(B, H, gates, 0, cPrev, 0, H, c, 0, H, dh, 0, H, dc, 0, H, dG, 0);
        for (int b = 0; b < B; b++) {
            for (int j = 0; j < H; j++) {
                int g = b * 4 * H + j;
                double i = sig(pre[g]), f = sig(pre[g + H]), gg = Math.tanh(pre[g + 2 * H]), o = sig(pre[g + 3 * H]);
                double cp = cPrev[b * H + j];
                double cn = f * cp + i * gg;
                double hn = o * Math.tanh(cn);
                String at = "B=" + B + " H=" + H + " (" + b + ", " + j + ")";
                near("lstm i " + at, i, gates[g]);
                near("lstm f " + at, f, gates[g + H]);
                near("lstm g " + at, gg, gates[g + 2 * H]);
                near("lstm o " + at, o, gates[g + 3 * H]);
                near("lstm c " + at, cn, c[b * H + j]);
                near("lstm h " + at, hn, h[b * H + j]);
                // backward: d/d pre of L = dh . h + dcNext . c
                double t = Math.tanh(cn);
                double dct = dcNext[b * H + j] + dh[b * H + j] * o * (1 - t * t);
                near("lstm di " + at, dct * gg * i * (1 - i), dG[g]);
                near("lstm df " + at, dct * cp * f * (1 - f), dG[g + H]);
                near("lstm dg " + at, dct * i * (1 - gg * gg), dG[g + 2 * H]);
                near("lstm do " + at, dh[b * H + j] * t * o * (1 - o), dG[g + 3 * H]);
                near("lstm dcPrev " + at, dct * f, dc[b * H + j]);
            }
        }
    }

    @Property(tries = 30)
    void gru(@ForAll @IntRange(min = 1, max = 3) int B, @ForAll @IntRange(min = 1, max = 40) int H, @ForAll long seed) {
        Random r = new Random(seed);
        float[] a = gauss(r, B * 3 * H, 2);
        float[] gh = gauss(r, B * 3 * H, 2);
        float[] hPrev = gauss(r, B * H, 1);
        float[] xp = a.clone();
        float[] h = new float[B * H];
        k.gruForward(B, H, xp, 0, gh, 0, hPrev, 0, H, h, 0, H);
        float[] dh = gauss(r, B * H, 1);
        float[] dgx = new float[B * 3 * H];
        float[] dgh = new float[B * 3 * H];
        float[] dhPrev0 = gauss(r, B * H, 1);
        float[] dhPrev = dhPrev0.clone();
        k.gruBackward(B, H, xp, 0, gh, 0, hPrev, 0, H, dh, 0, H, dgx, 0, dgh, 0, dhPrev, 0, H);
        for (int b = 0; b < B; b++) {
            for (int j = 0; j < H; j++) {
                int g = b * 3 * H + j;
                double rr = sig(a[g] + gh[g]);
                double z = sig(a[g + H] + gh[g + H]);
                double n = Math.tanh(a[g + 2 * H] + rr * gh[g + 2 * H]);
                double hp = hPrev[b * H + j];
                String at = "B=" + B + " H=" + H + " (" + b + ", " + j + ")";
                near("gru r " + at, rr, xp[g]);
                near("gru z " + at, z, xp[g + H]);
                near("gru n " + at, n, xp[g + 2 * H]);
                near("gru h " + at, (1 - z) * n + z * hp, h[b * H + j]);
                double d = dh[b * H + j];
                double dn = d * (1 - z) * (1 - n * n);
                double dz = d * (hp - n) * z * (1 - z);
                double dr = dn * gh[g + 2 * H] * rr * (1 - rr);
                near("gru dr " + at, dr, dgx[g]);
                near("gru dz " + at, dz, dgx[g + H]);
                near("gru dn " + at, dn, dgx[g + 2 * H]);
                near("gru dr (hidden side) " + at, dr, dgh[g]);
                near("gru dz (hidden side) " + at, dz, dgh[g + H]);
                near("gru dn (hidden side, times r) " + at, dn * rr, dgh[g + 2 * H]);
                near("gru dhPrev " + at, dhPrev0[b * H + j] + d * z, dhPrev[b * H + j]);
            }
        }
    }

    @Property(tries = 30)
    void rnn(@ForAll @IntRange(min = 1, max = 3) int B, @ForAll @IntRange(min = 1, max = 40) int H, @ForAll boolean relu,
             @ForAll long seed) {
        Random r = new Random(seed);
        float[] pre0 = gauss(r, B * H, 2);
        float[] pre = pre0.clone();
        float[] h = new float[B * H];
        k.rnnForward(B, H, relu, pre, 0, h, 0, H);
        float[] dh = gauss(r, B * H, 1);
        float[] dPre = new float[B * H];
        k.rnnBackward(B, H, relu, pre, 0, dh, 0, H, dPre, 0);
        for (int i = 0; i < B * H; i++) {
            double y = relu ? Math.max(0, pre0[i]) : Math.tanh(pre0[i]);
            near("rnn y", y, pre[i]);
            near("rnn h", y, h[i]);
            near("rnn dPre", relu ? (pre0[i] > 0 ? dh[i] : 0) : dh[i] * (1 - y * y), dPre[i]);
        }
    }
}
