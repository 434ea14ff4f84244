package dev.lanegrad.models.optim;

import dev.lanegrad.autograd.Tensor;

/** Gradient clipping, as torch.nn.utils.clip_grad_norm_ and clip_grad_value_. */
public final class GradClip {

    private GradClip() {
    }

    /**
     * Scales all gradients by maxNorm / (norm + 1e-6) when their global L2 norm exceeds maxNorm.
     *
     * @return the global norm before clipping (infinite or NaN if a gradient is)
     */
    public static double byGlobalNorm(Iterable<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("clip: max norm " + maxNorm + ", expected > 0");
        }
        double total = 0;
        for (Tensor p : params) {
            if (p.hasGrad()) {
                float[] g = p.grad();
                int o = p.gradOffset();
                for (int i = 0; i < p.size(); i++) {
                    double v = g[o + i];
                    total += v * v;
                }
            }
        }
        double norm = Math.sqrt(total);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            float c = (float) coef;
            for (Tensor p : params) {
                if (p.hasGrad()) {
                    float[] g = p.grad();
                    int o = p.gradOffset();
                    for (int i = 0; i < p.size(); i++) {
                        g[o + i] *= c;
                    }
                }
            }
        }
        return norm;
    }

    /** Clamps every gradient element into [-limit, limit]. */
    public static void byValue(Iterable<Tensor> params, float limit) {
        if (!(limit > 0f)) {
            throw new IllegalArgumentException("clip: value limit " + limit + ", expected > 0");
        }
        for (Tensor p : params) {
            if (p.hasGrad()) {
                float[] g = p.grad();
                int o = p.gradOffset();
                for (int i = 0; i < p.size(); i++) {
                    g[o + i] = Math.max(-limit, Math.min(limit, g[o + i]));
                }
            }
        }
    }
}
