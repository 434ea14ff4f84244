package dev.lanegrad.tasks.classify;

import dev.lanegrad.autograd.CustomOp;
import dev.lanegrad.autograd.Tensor;

/**
 * x [T, B, F] -> [B, F]: the maximum over t < lengths[b] of each column (padded steps never win), one
 * tape node. Backward routes each output's gradient to the step that held the maximum (the first one on
 * ties, as torch.max).
 */
final class MaskedMaxOverTime extends CustomOp {

    private final int[] lengths;
    private int[] argmax; // [B * F]: the winning step

    MaskedMaxOverTime(int[] lengths) {
        super("maskedMaxOverTime");
        this.lengths = lengths;
    }

    static Tensor apply(Tensor x, int[] lengths) {
        return new MaskedMaxOverTime(lengths).apply(x)[0];
    }

    @Override
    protected Tensor[] forward(Tensor[] in) {
        Tensor x = in[0];
        int t = x.dim(0);
        int b = x.dim(1);
        int f = x.dim(2);
        if (lengths.length != b) {
            throw new IllegalArgumentException(lengths.length + " lengths for a batch of " + b);
        }
        Tensor y = output(b, f);
        float[] xd = x.data();
        float[] yd = y.data();
        int xo = x.offset();
        int yo = y.offset();
        argmax = new int[b * f];
        for (int j = 0; j < b; j++) {
            int len = lengths[j];
            if (len < 1 || len > t) {
                throw new IllegalArgumentException("lengths[" + j + "] = " + len + ", expected in [1, " + t + "]");
            }
            for (int k = 0; k < f; k++) {
                float best = xd[xo + j * f + k];
                int at = 0;
                for (int s = 1; s < len; s++) {
                    float v = xd[xo + (s * b + j) * f + k];
                    if (v > best) {
                        best = v;
                        at = s;
                    }
                }
                yd[yo + j * f + k] = best;
                argmax[j * f + k] = at;
            }
        }
        return new Tensor[] {y};
    }

    @Override
    protected void backward(Tensor[] in, Tensor[] out) {
        Tensor x = in[0];
        if (!x.requiresGrad()) {
            return;
        }
        int b = x.dim(1);
        int f = x.dim(2);
        float[] gx = x.grad();
        int gxo = x.gradOffset();
        float[] gy = out[0].grad();
        int gyo = out[0].gradOffset();
        for (int j = 0; j < b; j++) {
            for (int k = 0; k < f; k++) {
                gx[gxo + (argmax[j * f + k] * b + j) * f + k] += gy[gyo + j * f + k];
            }
        }
    }
}
