package dev.lanegrad.spark.train;

import java.io.Serializable;

/**
 * A sum of the gradients (and losses) of the partitions [first, last], partitions added in index order.
 * {@link #plus} always adds the lower range on the left, so the total is the same float sum whatever order
 * Spark delivers the partials in (and whichever task attempt made them).
 */
public record Partial(int first, int last, float[] gradient, double loss) implements Serializable {

    /** The sum of two adjacent ranges; reuses the left range's array. */
    public static Partial plus(Partial a, Partial b) {
        Partial left = a.first < b.first ? a : b;
        Partial right = left == a ? b : a;
        if (left.last + 1 != right.first) {
            throw new IllegalStateException("partial sums of partitions [" + left.first + ", " + left.last + "] and ["
                    + right.first + ", " + right.last + "] are not adjacent");
        }
        float[] g = left.gradient;
        float[] r = right.gradient;
        for (int i = 0; i < g.length; i++) {
            g[i] += r[i];
        }
        return new Partial(left.first, right.last, g, left.loss + right.loss);
    }
}
