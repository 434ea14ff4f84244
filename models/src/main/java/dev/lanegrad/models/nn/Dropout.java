package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tensor;

/**
 * Inverted dropout with probability p in training, the identity in eval. Seeded: the k-th call in
 * training uses seed + k, so a run is reproducible.
 */
public final class Dropout extends Module {

    private final float p;
    private final long seed;
    private long calls;

    public Dropout(float p, long seed) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout p = " + p + ", expected in [0, 1)");
        }
        this.p = p;
        this.seed = seed;
    }

    public Dropout(float p) {
        this(p, 0L);
    }

    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0f) {
            return x;
        }
        return Ops.dropout(x, p, seed + calls++, true);
    }

    public float p() {
        return p;
    }

    /** Training calls so far: the k-th uses seed + k (a checkpoint saves it to resume the same masks). */
    public long calls() {
        return calls;
    }

    /** Continues the masks after {@code calls} training calls (when resuming a run). */
    public void setCalls(long calls) {
        this.calls = calls;
    }
}
