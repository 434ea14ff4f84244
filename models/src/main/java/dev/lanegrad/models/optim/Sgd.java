package dev.lanegrad.models.optim;

import dev.lanegrad.autograd.Tensor;

import java.util.List;

/**
 * Stochastic gradient descent as torch.optim.SGD: d = g + weightDecay * p; with momentum,
 * buf = momentum * buf + (1 - dampening) * d (buf = d on the first step), then d = buf, or
 * d = d + momentum * buf with Nesterov; p -= lr * d.
 */
public final class Sgd extends Optimizer {

    private final float momentum;
    private final float dampening;
    private final float weightDecay;
    private final boolean nesterov;
    private final List<float[]> buffers;

    public Sgd(List<Tensor> params, float lr) {
        this(params, lr, 0f, 0f, 0f, false);
    }

    public Sgd(List<Tensor> params, float lr, float momentum, float dampening, float weightDecay, boolean nesterov) {
        super(params, lr);
        this.momentum = checkRange("momentum", momentum, 0f, Float.POSITIVE_INFINITY);
        this.dampening = checkRange("dampening", dampening, 0f, 1.0000001f);
        this.weightDecay = checkRange("weight decay", weightDecay, 0f, Float.POSITIVE_INFINITY);
        if (nesterov && (momentum <= 0f || dampening != 0f)) {
            throw new IllegalArgumentException("optimizer: Nesterov momentum needs momentum > 0 and dampening = 0, got momentum "
                    + momentum + ", dampening " + dampening);
        }
        this.nesterov = nesterov;
        this.buffers = momentum > 0f ? buffer("momentum_buffer") : null;
    }

    @Override
    protected void update(int index, float[] p, int pOff, float[] g, int gOff, int n, long step) {
        float lr = learningRate();
        float[] buf = buffers == null ? null : buffers.get(index);
        for (int i = 0; i < n; i++) {
            float d = g[gOff + i] + weightDecay * p[pOff + i];
            if (buf != null) {
                float b = step == 1 ? d : momentum * buf[i] + (1f - dampening) * d;
                buf[i] = b;
                d = nesterov ? d + momentum * b : b;
            }
            p[pOff + i] -= lr * d;
        }
    }
}
