package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Tensor;

/**
 * The valid positions of right-padded sequences as a 0/1 tensor, one weight per position, for the masked
 * losses ({@code Ops.mseLoss(p, t, mask, MEAN)}, {@code Ops.crossEntropy(logits, targets, IGNORE_INDEX,
 * mask, MEAN)}): the mean then runs over the valid positions only, as the recurrent layers with lengths do.
 */
public final class SequenceMask {

    private SequenceMask() {
    }

    /**
     * mask [T, B] (or [B, T] when batchFirst) = 1 where t < lengths[b], else 0.
     *
     * @param lengths one length per row, each in [0, steps]
     */
    public static Tensor of(int[] lengths, int steps, boolean batchFirst) {
        if (lengths == null) {
            throw new IllegalArgumentException("lengths is null, expected one length per row");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("steps = " + steps + ", expected >= 0");
        }
        int b = lengths.length;
        float[] m = new float[Math.multiplyExact(steps, b)];
        for (int r = 0; r < b; r++) {
            if (lengths[r] < 0 || lengths[r] > steps) {
                throw new IllegalArgumentException("lengths[" + r + "] = " + lengths[r] + ", expected in [0, " + steps + "]");
            }
            for (int t = 0; t < lengths[r]; t++) {
                m[batchFirst ? r * steps + t : t * b + r] = 1f;
            }
        }
        return batchFirst ? Tensor.fromArray(m, b, steps) : Tensor.fromArray(m, steps, b);
    }
}
