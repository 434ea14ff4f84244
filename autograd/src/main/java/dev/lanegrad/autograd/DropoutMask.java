package dev.lanegrad.autograd;

/**
 * The project's one dropout-mask generator: the dropout op ({@link Ops#dropout}) and the dropout between
 * recurrent layers both fill their masks here, so one seed means one mask wherever dropout happens.
 *
 * <p>Element i of a mask is 0 with probability p and 1/(1-p) otherwise (inverted dropout), a pure function
 * of (seed, first + i) through SplitMix64's finaliser: no Random object, no state carried between calls,
 * and a repeated call with the same seed drops the same elements (GradCheck relies on that).
 */
public final class DropoutMask {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private DropoutMask() {
    }

    /**
     * mask[off + i] for i in [0, n): 0 with probability p, else 1/(1-p) (0 when p = 1: every element dropped).
     *
     * @param first the index of mask[off] in the seed's sequence, so that several buffers can take
     *              consecutive parts of one sequence
     */
    public static void fill(float[] mask, int off, int n, float p, long seed, long first) {
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException("dropout: p = " + p + ", expected 0 <= p <= 1");
        }
        float keep = p < 1f ? 1f / (1f - p) : 0f;
        // keep element i when its 53-bit uniform is >= p
        long threshold = (long) ((double) p * (1L << 53));
        long z0 = seed + GOLDEN_GAMMA * (first + 1);
        for (int i = 0; i < n; i++) {
            mask[off + i] = (mix(z0 + GOLDEN_GAMMA * i) >>> 11) >= threshold ? keep : 0f;
        }
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
