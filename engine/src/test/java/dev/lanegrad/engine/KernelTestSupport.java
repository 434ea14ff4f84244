package dev.lanegrad.engine;

import dev.lanegrad.engine.vector.VectorKernelProvider;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/** Shared pieces of the scalar-vs-vector properties: awkward sizes, seeded data, tolerant comparison. */
final class KernelTestSupport {

    static final double EPS = 0x1p-23; // one float ulp of 1
    static final KernelProvider SCALAR = Kernels.scalar();
    static final KernelProvider VECTOR = VectorKernelProvider.INSTANCE;

    private KernelTestSupport() {
    }

    /** 0, 1, lanes +- 1 for 8/16-float vectors and their multiples, primes, and anything up to a few thousand. */
    static Arbitrary<Integer> lengths() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.of(0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(3, 13, 37, 61, 97, 251, 509, 1021, 2053, 3001)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 3000)));
    }

    /** Hidden sizes for the recurrent kernels (the batch is small, so these stay cheap). */
    static Arbitrary<Integer> hiddenSizes() {
        return Arbitraries.oneOf(Arbitraries.of(1, 3, 15, 16, 17, 31, 32, 33, 48, 61, 64, 97), Arbitraries.integers().between(1, 300));
    }

    /**
     * n floats: mostly normal * scale, and with probability pBig each an extreme value (+-100, or
     * +-1e30 when huge is set) so that saturation, overflow and max-subtraction are exercised.
     */
    static float[] values(Random random, int length, float scale, double pBig, boolean huge) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            double u = random.nextDouble();
            if (u < pBig) {
                float big = huge && random.nextBoolean() ? 1e30f : 100f;
                v[i] = random.nextBoolean() ? big : -big;
            } else {
                v[i] = (float) (random.nextGaussian() * scale);
            }
        }
        return v;
    }

    static float[] uniform(Random random, int length, float lo, float hi) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = lo + (hi - lo) * random.nextFloat();
        }
        return v;
    }

    /** Per-element tolerance: atol + rtol * |expected|. */
    interface Tolerance {
        double at(int i, float expected);
    }

    static Tolerance tol(double atol, double rtol) {
        return (i, e) -> atol + rtol * Math.abs(e);
    }

    /** Every element of actual[off, off + n) equals expected within the tolerance; NaN matches NaN, infinities must agree. */
    static void assertClose(String what, float[] expected, float[] actual, int off, int n, Tolerance tolerance) {
        for (int i = off; i < off + n; i++) {
            float e = expected[i];
            float a = actual[i];
            if (Float.isNaN(e) || Float.isNaN(a)) {
                if (Float.isNaN(e) != Float.isNaN(a)) {
                    fail(what + ": at index " + i + " of an array of " + actual.length + ": expected " + e + " but was " + a);
                }
                continue;
            }
            if (Float.isInfinite(e) || Float.isInfinite(a)) {
                if (e != a) {
                    fail(what + ": at index " + i + " of an array of " + actual.length + ": expected " + e + " but was " + a);
                }
                continue;
            }
            double allowed = tolerance.at(i, e);
            if (!(Math.abs((double) a - e) <= allowed)) {
                fail(what + ": at index " + i + " of an array of " + actual.length + ": expected " + e + " but was " + a
                        + " (|diff| " + Math.abs((double) a - e) + " > " + allowed + ")");
            }
        }
    }

    static void assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        assertClose(what, expected, actual, 0, expected.length, tol(atol, rtol));
    }

    /** Whole arrays must be equal bit for bit (NaN == NaN): for kernels that round exactly like the spec. */
    static void assertSame(String what, float[] expected, float[] actual) {
        assertClose(what, expected, actual, 0, expected.length, tol(0, 0));
    }

    static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            if (Float.isFinite(x)) {
                m = Math.max(m, Math.abs(x));
            }
        }
        return m;
    }

    static double sumAbs(float[] v, int off, int n) {
        double s = 0;
        for (int i = off; i < off + n; i++) {
            s += Math.abs(v[i]);
        }
        return s;
    }
}
