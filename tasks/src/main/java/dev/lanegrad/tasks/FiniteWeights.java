package dev.lanegrad.tasks;

import dev.lanegrad.io.Checkpoint;
import dev.lanegrad.io.NamedTensor;

/**
 * Weights with NaN or infinity are refused when a checkpoint is loaded: a model with one such value
 * answers NaN for every input that reaches it, and its loss prints as "NaN" with nothing wrong said.
 */
public final class FiniteWeights {

    private FiniteWeights() {
    }

    /** @throws IllegalArgumentException naming the first tensor (and element) that is not finite */
    public static void require(Checkpoint c) {
        for (NamedTensor t : c.tensors().values()) {
            float[] data = t.data();
            for (int i = 0; i < data.length; i++) {
                if (!Float.isFinite(data[i])) {
                    throw new IllegalArgumentException("checkpoint " + c.source() + ": tensor " + t.name() + " holds " + data[i]
                            + " at element " + i + " (of " + data.length + "); weights must be finite numbers (a diverged or damaged model)");
                }
            }
        }
    }
}
