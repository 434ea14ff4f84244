package dev.lanegrad.tasks;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;

import java.util.List;

/**
 * A batch's gradient in a canonical order that does not depend on where it is computed: the batch is cut into K
 * equal shards (shard k: examples {@code [k*b, (k+1)*b)} of a batch of K*b), and
 * <ol>
 *   <li>each shard's gradient is the gradient of its own mean loss (one backward from zero gradients), times 1/K,
 *       as one vector in parameter order ({@link #gradientInto});</li>
 *   <li>the K vectors are added in a binary tree of fixed shape ({@link #treeSum}): at each level vectors 2i and
 *       2i+1 are added, left += right, into position i; an odd last one moves up unchanged.</li>
 * </ol>
 * The batch loss is the shards' losses times 1/K (as doubles), added in the same tree.
 *
 * <p>Why: float addition is not associative. One backward over the whole batch adds its K*b examples inside the
 * GEMMs in their own order, and K machines that each own a shard cannot reproduce that order. They can reproduce
 * this one: lanegrad-spark's data-parallel training computes shard k in partition k and adds the partials in the
 * same tree, so K partitions at batch b and one process at batch K*b with K gradient shards give the same
 * parameters bit for bit (with {@code -Dlanegrad.deterministic=true}: same kernels, any thread count). Against one
 * backward over the whole batch the gradient differs in the last bits only (docs/spark.md). K = 1 is the plain
 * backward (times 1f).
 *
 * <p>One instance keeps K gradient vectors and is reused from step to step; it is used by one thread.
 */
public final class GradientShards {

    /** The shards of one batch, computed one after the other. */
    public interface Batch {
        /** Shard k's mean loss, recorded on the current tape (the loss's tape has just been reset). */
        Tensor loss(int shard);

        /** After shard k's backward, before the tape is reset (e.g. keep its final recurrent state). */
        default void afterBackward(int shard) {
        }
    }

    private final List<Tensor> parameters;
    private final int shards;
    private final float[][] parts;
    private final float[][] level;
    private final double[] losses;

    public GradientShards(List<Tensor> parameters, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("gradient shards " + shards + ", expected at least 1");
        }
        this.parameters = parameters;
        this.shards = shards;
        int n = size(parameters);
        parts = new float[shards][n];
        level = new float[shards][];
        losses = new double[shards];
    }

    public int shards() {
        return shards;
    }

    /**
     * Computes the batch's gradient in the canonical order and leaves it in the parameters' gradients (every
     * parameter gets one, zeros where nothing flowed). Returns the batch's mean loss.
     */
    public double compute(Tape tape, Batch batch) {
        float scale = scale(shards);
        for (int k = 0; k < shards; k++) {
            tape.reset();
            Tensor.zeroGrad(parameters);
            Tensor loss = batch.loss(k);
            losses[k] = scaledLoss(loss.item(), shards);
            tape.backward(loss);
            batch.afterBackward(k);
            gradientInto(parameters, scale, parts[k]);
        }
        tape.reset();
        System.arraycopy(parts, 0, level, 0, shards);
        setGradients(parameters, treeSum(level, shards));
        return treeSum(losses, shards);
    }

    /** 1/K as every shard's weight (a float, as the gradients are). */
    public static float scale(int shards) {
        return 1f / shards;
    }

    /** A shard's loss times its weight 1/K, as the tree adds it. */
    public static double scaledLoss(float loss, int shards) {
        return (double) loss * scale(shards);
    }

    /** Values in all parameters. */
    public static int size(List<Tensor> parameters) {
        int n = 0;
        for (Tensor p : parameters) {
            n += p.size();
        }
        return n;
    }

    /** The parameters' gradients times scale into one vector (a parameter without one gives zeros). */
    public static void gradientInto(List<Tensor> parameters, float scale, float[] into) {
        int at = 0;
        for (Tensor p : parameters) {
            if (p.hasGrad()) {
                float[] src = p.grad();
                int off = p.gradOffset();
                for (int i = 0; i < p.size(); i++) {
                    into[at + i] = src[off + i] * scale;
                }
            } else {
                java.util.Arrays.fill(into, at, at + p.size(), 0f);
            }
            at += p.size();
        }
    }

    /** Sets the parameters' gradients to g (made if needed). */
    public static void setGradients(List<Tensor> parameters, float[] g) {
        if (g.length != size(parameters)) {
            throw new IllegalArgumentException("a gradient of " + g.length + " values for parameters of " + size(parameters));
        }
        int at = 0;
        for (Tensor p : parameters) {
            System.arraycopy(g, at, p.grad(), p.gradOffset(), p.size());
            at += p.size();
        }
    }

    /** left += right, element by element: the one addition of the tree. */
    public static void add(float[] left, float[] right) {
        if (left.length != right.length) {
            throw new IllegalArgumentException("adding gradients of " + left.length + " and " + right.length + " values");
        }
        for (int i = 0; i < left.length; i++) {
            left[i] += right[i];
        }
    }

    /** The tree level above index i: vectors 2i and 2i+1 meet at i. */
    public static int parent(int index) {
        return index / 2;
    }

    /** The tree sum of v[0..n) (the arrays of the left branches are overwritten; the references in v are moved). */
    public static float[] treeSum(float[][] v, int n) {
        while (n > 1) {
            for (int i = 0; i < n; i += 2) {
                if (i + 1 < n) {
                    add(v[i], v[i + 1]);
                }
                v[parent(i)] = v[i];
            }
            n = (n + 1) / 2;
        }
        return v[0];
    }

    /** The same tree over doubles (the losses); v is overwritten. */
    public static double treeSum(double[] v, int n) {
        while (n > 1) {
            for (int i = 0; i < n; i += 2) {
                v[parent(i)] = i + 1 < n ? v[i] + v[i + 1] : v[i];
            }
            n = (n + 1) / 2;
        }
        return v[0];
    }
}
