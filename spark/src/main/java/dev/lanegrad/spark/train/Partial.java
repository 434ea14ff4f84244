package dev.lanegrad.spark.train;

import dev.lanegrad.tasks.GradientShards;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The sum of the scaled gradients (and losses) of the partitions [first, last], added in
 * {@link GradientShards}' tree, and the partitions' outputs in partition order (null when they return none).
 * {@link #plus} always adds the lower range on the left, so the total is the same float sum whatever order Spark
 * delivers the partials in (and whichever task attempt made them).
 */
public record Partial(int first, int last, float[] gradient, double loss, float[][] outputs) implements Serializable {

    /** The sum of two adjacent ranges; reuses the left range's gradient array. */
    public static Partial plus(Partial a, Partial b) {
        Partial left = a.first < b.first ? a : b;
        Partial right = left == a ? b : a;
        if (left.last + 1 != right.first) {
            throw new IllegalStateException("partial sums of partitions [" + left.first + ", " + left.last + "] and ["
                    + right.first + ", " + right.last + "] are not adjacent");
        }
        GradientShards.add(left.gradient, right.gradient);
        float[][] outputs = null;
        if (left.outputs != null) {
            outputs = Arrays.copyOf(left.outputs, left.outputs.length + right.outputs.length);
            System.arraycopy(right.outputs, 0, outputs, left.outputs.length, right.outputs.length);
        }
        return new Partial(left.first, right.last, left.gradient, left.loss + right.loss, outputs);
    }
}
