package dev.lanegrad.autograd.testing;

import dev.lanegrad.autograd.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.SplittableRandom;

/**
 * jqwik arbitraries for shapes and tensors, for property-based gradient checks. Shipped in the
 * autograd test-jar ({@code <type>test-jar</type>, <scope>test</scope>}).
 *
 * A tensor is drawn as a seed plus a shape, so jqwik shrinks the shape and the seed and reports a
 * failing case you can rebuild with {@link #tensor(long, float, float, int...)}. Every tensor made
 * here requires a gradient (they are meant as GradCheck inputs); call {@code requiresGrad(false)}
 * for constants.
 *
 * <pre>{@code
 * @Property(tries = 100)
 * void tanhGradient(@ForAll("inputs") Tensor x) {
 *     GradCheck.assertGradients(in -> Ops.tanh(in[0]), x);
 * }
 * @Provide Arbitrary<Tensor> inputs() {
 *     return TensorArbitraries.tensors(TensorArbitraries.shapes(1, 3, 1, 6), -2f, 2f);
 * }
 * }</pre>
 */
public final class TensorArbitraries {

    private TensorArbitraries() {
    }

    /** Shapes of rank in [minRank, maxRank], each dimension in [minDim, maxDim]. */
    public static Arbitrary<int[]> shapes(int minRank, int maxRank, int minDim, int maxDim) {
        return Arbitraries.integers().between(minDim, maxDim).array(int[].class).ofMinSize(minRank).ofMaxSize(maxRank);
    }

    /** Seeds for {@link #tensor}. */
    public static Arbitrary<Long> seeds() {
        return Arbitraries.longs().between(0, 1L << 40);
    }

    /** Tensors of the given shape, uniform in [lo, hi), requiring a gradient. */
    public static Arbitrary<Tensor> tensors(int[] shape, float lo, float hi) {
        return seeds().map(seed -> tensor(seed, lo, hi, shape));
    }

    /** Tensors of the drawn shapes, uniform in [lo, hi), requiring a gradient. */
    public static Arbitrary<Tensor> tensors(Arbitrary<int[]> shapes, float lo, float hi) {
        return Combinators.combine(shapes, seeds()).as((shape, seed) -> tensor(seed, lo, hi, shape));
    }

    /** Tensors whose elements have |x| in [minAbs, maxAbs] and a random sign (for kinks at 0, such as relu). */
    public static Arbitrary<Tensor> awayFromZero(Arbitrary<int[]> shapes, float minAbs, float maxAbs) {
        return Combinators.combine(shapes, seeds()).as((shape, seed) -> awayFromZero(seed, minAbs, maxAbs, shape));
    }

    /** Class ids in [0, classes), one per row. */
    public static Arbitrary<int[]> classTargets(int rows, int classes) {
        return Arbitraries.integers().between(0, classes - 1).array(int[].class).ofSize(rows);
    }

    /** The tensor drawn for a seed: uniform in [lo, hi), requiring a gradient. */
    public static Tensor tensor(long seed, float lo, float hi, int... shape) {
        return Tensor.uniform(lo, hi, seed, shape).requiresGrad(true);
    }

    /** The tensor drawn for a seed with |x| in [minAbs, maxAbs] and random signs, requiring a gradient. */
    public static Tensor awayFromZero(long seed, float minAbs, float maxAbs, int... shape) {
        Tensor t = Tensor.uniform(minAbs, maxAbs, seed, shape);
        SplittableRandom signs = new SplittableRandom(~seed);
        float[] d = t.data();
        for (int i = 0; i < t.size(); i++) {
            if (signs.nextBoolean()) {
                d[t.offset() + i] = -d[t.offset() + i];
            }
        }
        return t.requiresGrad(true);
    }
}
