package dev.lanegrad.models.optim;

import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.Kernels;

import java.util.List;

/**
 * Adam as torch.optim.Adam (weight decay as an L2 term added to the gradient):
 * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
 * {@link AdamW} decouples the weight decay instead.
 */
public class Adam extends Optimizer {

    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final boolean decoupled;
    private final List<float[]> m;
    private final List<float[]> v;
    private final ArrayOps ops = Kernels.ops();

    public Adam(List<Tensor> params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, 0f);
    }

    public Adam(List<Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        this(params, lr, beta1, beta2, eps, weightDecay, false);
    }

    Adam(List<Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled) {
        super(params, lr);
        this.beta1 = checkRange("beta1", beta1, 0f, 1f);
        this.beta2 = checkRange("beta2", beta2, 0f, 1f);
        this.eps = checkRange("eps", eps, 0f, Float.POSITIVE_INFINITY);
        this.weightDecay = checkRange("weight decay", weightDecay, 0f, Float.POSITIVE_INFINITY);
        this.decoupled = decoupled;
        this.m = buffer("exp_avg");
        this.v = buffer("exp_avg_sq");
    }

    @Override
    protected void update(int index, float[] p, int pOff, float[] g, int gOff, int n, long step) {
        float lr = learningRate();
        float[] mi = m.get(index);
        float[] vi = v.get(index);
        // bias corrections in double: 1 - 0.999^t loses digits in float for small t
        float stepSize = (float) (lr / (1.0 - Math.pow(beta1, step)));
        float vCorrection = (float) Math.sqrt(1.0 - Math.pow(beta2, step));
        float l2 = decoupled ? 0f : weightDecay;
        float shrink = decoupled ? 1f - lr * weightDecay : 1f;
        ops.adamStep(p, pOff, g, gOff, mi, vi, n, beta1, beta2, eps, l2, shrink, stepSize, vCorrection);
    }
}
