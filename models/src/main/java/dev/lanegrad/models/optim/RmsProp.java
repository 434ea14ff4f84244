package dev.lanegrad.models.optim;

import dev.lanegrad.autograd.Tensor;

import java.util.List;

/**
 * RMSprop as torch.optim.RMSprop: g += weightDecay * p; v = alpha v + (1 - alpha) g^2;
 * centered: a = alpha a + (1 - alpha) g and the denominator is sqrt(v - a^2) + eps, else sqrt(v) + eps;
 * with momentum: buf = momentum buf + g / denom, p -= lr buf; without: p -= lr g / denom.
 */
public final class RmsProp extends Optimizer {

    private final float alpha;
    private final float eps;
    private final float weightDecay;
    private final float momentum;
    private final List<float[]> square;
    private final List<float[]> mean;
    private final List<float[]> buffers;

    /** PyTorch's defaults: alpha 0.99, eps 1e-8, no weight decay, no momentum, not centered. */
    public RmsProp(List<Tensor> params, float lr) {
        this(params, lr, 0.99f, 1e-8f, 0f, 0f, false);
    }

    public RmsProp(List<Tensor> params, float lr, float alpha, float eps, float weightDecay, float momentum, boolean centered) {
        super(params, lr);
        this.alpha = checkRange("alpha", alpha, 0f, 1f);
        this.eps = checkRange("eps", eps, 0f, Float.POSITIVE_INFINITY);
        this.weightDecay = checkRange("weight decay", weightDecay, 0f, Float.POSITIVE_INFINITY);
        this.momentum = checkRange("momentum", momentum, 0f, Float.POSITIVE_INFINITY);
        this.square = buffer("square_avg");
        this.mean = centered ? buffer("grad_avg") : null;
        this.buffers = momentum > 0f ? buffer("momentum_buffer") : null;
    }

    @Override
    protected void update(int index, float[] p, int pOff, float[] g, int gOff, int n, long step) {
        float lr = learningRate();
        float[] sq = square.get(index);
        float[] avg = mean == null ? null : mean.get(index);
        float[] buf = buffers == null ? null : buffers.get(index);
        for (int i = 0; i < n; i++) {
            float grad = g[gOff + i] + weightDecay * p[pOff + i];
            float s = alpha * sq[i] + (1f - alpha) * grad * grad;
            sq[i] = s;
            float denom;
            if (avg != null) {
                float a = alpha * avg[i] + (1f - alpha) * grad;
                avg[i] = a;
                denom = (float) Math.sqrt(s - a * a) + eps;
            } else {
                denom = (float) Math.sqrt(s) + eps;
            }
            if (buf != null) {
                float b = momentum * buf[i] + grad / denom;
                buf[i] = b;
                p[pOff + i] -= lr * b;
            } else {
                p[pOff + i] -= lr * grad / denom;
            }
        }
    }
}
