package dev.lanegrad.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * softmaxCrossEntropy skips a row of weight 0 like an ignored row: with some weights 0 it gives exactly
 * (bit for bit) the loss and gradients of the same call with those rows dropped, and zero gradients on
 * them, even where their logits are NaN or infinite (which the softmax of the row would turn into NaN).
 * Scalar, vector and checked kernels alike.
 */
class SoftmaxCrossEntropyWeightProperties {

    private static final int IGNORE = -100;

    @Property(tries = 60)
    void weightZeroRowsAreTheSameRowsDropped(@ForAll @IntRange(min = 1, max = 12) int rows,
                                             @ForAll @IntRange(min = 1, max = 70) int cols,
                                             @ForAll boolean withGrad, @ForAll long seed) {
        for (KernelProvider kernels : new KernelProvider[] {KernelTestSupport.SCALAR, KernelTestSupport.VECTOR, Kernels.provider()}) {
            check(kernels.ops(), rows, cols, withGrad, new Random(seed));
        }
    }

    private static void check(ArrayOps ops, int rows, int cols, boolean withGrad, Random r) {
        float[] logits = KernelTestSupport.values(r, rows * cols, 5f, 0.05, false);
        int[] target = new int[rows];
        float[] weight = new float[rows];
        int kept = 0;
        for (int i = 0; i < rows; i++) {
            target[i] = r.nextInt(6) == 0 ? IGNORE : r.nextInt(cols);
            boolean zero = r.nextInt(3) == 0;
            weight[i] = zero ? (r.nextBoolean() ? 0f : -0f) : 0.25f + r.nextFloat();
            if (zero) { // a skipped row's logits must not matter, not even a NaN or an infinity
                logits[i * cols + r.nextInt(cols)] = r.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
            } else {
                kept++;
            }
        }
        // the same call on the rows of nonzero weight only
        float[] keptLogits = new float[kept * cols];
        int[] keptTarget = new int[kept];
        float[] keptWeight = new float[kept];
        for (int i = 0, k = 0; i < rows; i++) {
            if (weight[i] != 0f) {
                System.arraycopy(logits, i * cols, keptLogits, k * cols, cols);
                keptTarget[k] = target[i];
                keptWeight[k++] = weight[i];
            }
        }
        float[] grad = withGrad ? filled(rows * cols) : null;
        float[] keptGrad = withGrad ? filled(kept * cols) : null;
        double loss = ops.softmaxCrossEntropy(logits, 0, rows, cols, target, 0, IGNORE, weight, 0, grad, 0, 0.5f);
        double keptLoss = ops.softmaxCrossEntropy(keptLogits, 0, kept, cols, keptTarget, 0, IGNORE, keptWeight, 0, keptGrad, 0, 0.5f);
        assertEquals(Double.doubleToLongBits(keptLoss), Double.doubleToLongBits(loss), "loss " + loss + " vs " + keptLoss);
        if (withGrad) {
            for (int i = 0, k = 0; i < rows; i++) {
                float[] row = Arrays.copyOfRange(grad, i * cols, (i + 1) * cols);
                float[] expected = weight[i] == 0f ? new float[cols] : Arrays.copyOfRange(keptGrad, k * cols, (++k) * cols);
                assertArrayEquals(expected, row, "dLogits row " + i + " (weight " + weight[i] + ")");
            }
        }
    }

    /** an output full of garbage: the kernel must overwrite every element */
    private static float[] filled(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 7f);
        return a;
    }
}
