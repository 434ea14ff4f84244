package dev.lanegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The detection limits GradCheck promises with its default settings (docs/robustness.md): a backward
 * that is 1% off on the whole gradient, or 10% off on one typical element of a 100-element input, fails;
 * the correct backward passes, on the same inputs. y = tanh(A x) with a fixed dense A [100, 100], so every
 * element of the gradient is a sum over all outputs (none is zero by construction).
 */
class GradCheckDetectionTest {

    static final int N = 100;

    /** y = tanh(A x); backward multiplies the whole gradient by wholeFactor and one element by oneFactor. */
    static final class DenseTanh extends CustomOp {
        final float[] a;
        final float wholeFactor;
        final float oneFactor;

        DenseTanh(float[] a, float wholeFactor, float oneFactor) {
            super("denseTanh");
            this.a = a;
            this.wholeFactor = wholeFactor;
            this.oneFactor = oneFactor;
        }

        @Override
        protected Tensor[] forward(Tensor[] in) {
            Tensor x = in[0], y = output(N);
            for (int k = 0; k < N; k++) {
                double s = 0;
                for (int j = 0; j < N; j++) {
                    s += (double) a[k * N + j] * x.data()[x.offset() + j];
                }
                y.data()[y.offset() + k] = (float) Math.tanh(s);
            }
            return new Tensor[] {y};
        }

        @Override
        protected void backward(Tensor[] in, Tensor[] out) {
            Tensor x = in[0], y = out[0];
            double[] g = new double[N];
            for (int k = 0; k < N; k++) {
                float yk = y.data()[y.offset() + k];
                double d = (1 - (double) yk * yk) * y.grad()[y.gradOffset() + k];
                for (int j = 0; j < N; j++) {
                    g[j] += a[k * N + j] * d;
                }
            }
            int typical = typicalElement(g);
            for (int j = 0; j < N; j++) {
                double factor = wholeFactor * (j == typical ? oneFactor : 1f);
                x.grad()[x.gradOffset() + j] += (float) (g[j] * factor);
            }
        }

        /** the element whose |gradient| is the median: neither an outlier nor near zero */
        static int typicalElement(double[] g) {
            Integer[] order = new Integer[g.length];
            for (int i = 0; i < g.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (p, q) -> Double.compare(Math.abs(g[p]), Math.abs(g[q])));
            return order[g.length / 2];
        }
    }

    static float[] matrix(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[N * N];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextGaussian() / Math.sqrt(N));
        }
        return a;
    }

    static boolean passes(long seed, float wholeFactor, float oneFactor) {
        float[] a = matrix(seed);
        Tensor x = Tensor.uniform(-1.5f, 1.5f, seed + 1, N).requiresGrad(true);
        return GradCheck.fast().check(in -> new DenseTanh(a, wholeFactor, oneFactor).apply(in)[0], x).passed();
    }

    @Test
    void catchesAOnePercentErrorInTheWholeGradient() {
        for (long seed = 0; seed < 20; seed++) {
            assertTrue(!passes(seed, 1.01f, 1f), "a 1% error (x 1.01) passed, seed " + seed);
            assertTrue(!passes(seed, 0.99f, 1f), "a 1% error (x 0.99) passed, seed " + seed);
        }
    }

    @Test
    void catchesATenPercentErrorInOneElementOfAHundred() {
        for (long seed = 0; seed < 20; seed++) {
            assertTrue(!passes(seed, 1f, 1.1f), "a 10% error in one element (x 1.1) passed, seed " + seed);
            assertTrue(!passes(seed, 1f, 0.9f), "a 10% error in one element (x 0.9) passed, seed " + seed);
        }
    }

    @Test
    void theCorrectBackwardPassesOnTheSameInputs() {
        for (long seed = 0; seed < 20; seed++) {
            assertTrue(passes(seed, 1f, 1f), "the correct gradient failed, seed " + seed);
        }
    }
}
