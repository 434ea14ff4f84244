package dev.lanegrad.models.optim;

import dev.lanegrad.autograd.Tensor;

import java.util.List;

/** Adam with decoupled weight decay, as torch.optim.AdamW: p *= 1 - lr * weightDecay, then the Adam step. */
public final class AdamW extends Adam {

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public AdamW(List<Tensor> params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, 0.01f);
    }

    public AdamW(List<Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        super(params, lr, beta1, beta2, eps, weightDecay, true);
    }
}
