package dev.lanegrad.engine;

import dev.lanegrad.engine.vector.VectorKernelProvider;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The SIMD GEMM equals the scalar specification within a float error bound that scales with k and with
 * the magnitudes of the products, over awkward sizes (0, 1, lanes +- 1, primes, past the cache blocks),
 * offsets, leading dimensions larger than needed, all four transposes and alpha/beta cases.
 */
class GemmVectorProperties {

    static final Gemm SCALAR = Kernels.scalar().gemm();
    static final Gemm VECTOR = VectorKernelProvider.INSTANCE.gemm();

    @Provide
    Arbitrary<Integer> dims() {
        // 16 = lanes of a 512-bit float vector, 4 and 64 = the register tile, 96 and 256 = cache blocks
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of(0, 1, 2, 3, 4, 5, 7, 15, 16, 17, 31, 33, 63, 64, 65)),
                net.jqwik.api.Tuple.of(3, Arbitraries.of(13, 29, 47, 97, 101, 127, 131)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(193, 257, 263, 300)));
    }

    @Provide
    Arbitrary<Float> alphas() {
        return Arbitraries.of(1f, -1f, 0.5f, 2.5f, 0f);
    }

    @Provide
    Arbitrary<Float> betas() {
        return Arbitraries.of(0f, 0f, 1f, -0.75f, 3f);
    }

    @Property(tries = 250)
    void vectorEqualsScalar(@ForAll("dims") int m, @ForAll("dims") int n, @ForAll("dims") int k,
                            @ForAll boolean transA, @ForAll boolean transB,
                            @ForAll("alphas") float alpha, @ForAll("betas") float beta, @ForAll long seed) {
        Case g = Case.random(new Random(seed), transA, transB, m, n, k, alpha, beta);
        float[] expected = g.run(SCALAR);
        float[] actual = g.run(VECTOR);
        g.assertClose(expected, actual, "vector vs scalar");
    }

    /**
     * Wider than one packed B block (2048 columns, several passes of KernelShape.L2_COLUMNS) and deeper than one
     * k block (256), with one A block (6 rows) and with more (98: a block of 96, then 2 rows).
     */
    @Example
    void blocksPastEveryCacheBlock() {
        for (int m : new int[]{6, 98}) {
            for (boolean transA : new boolean[]{false, true}) {
                for (boolean transB : new boolean[]{false, true}) {
                    Case g = Case.random(new Random(7), transA, transB, m, 2100, 260, 1.5f, 0.5f);
                    g.assertClose(g.run(SCALAR), g.run(VECTOR), "vector vs scalar, wide, " + m + " rows");
                }
            }
        }
    }

    /**
     * Every route of A @ B^T: few rows (the unpacked dot kernel, with 4x4 blocks and row/column tails),
     * up to 64 rows (B^T packed with gathers) and more (packed with a scalar transpose).
     */
    @Example
    void everyRouteOfABTransposed() {
        int[][] shapes = {{2, 70, 33}, {3, 5, 300}, {5, 67, 47}, {17, 130, 257}, {33, 129, 40}, {64, 200, 17}, {70, 131, 65}};
        Random random = new Random(3);
        for (int[] s : shapes) {
            for (float beta : new float[]{0f, 0.5f}) {
                Case g = Case.random(random, false, true, s[0], s[1], s[2], -1.5f, beta);
                g.assertClose(g.run(SCALAR), g.run(VECTOR), "vector vs scalar, A B^T");
            }
        }
    }

    /** Few rows times a stored B: one row (GEMV), pairs of rows, pairs and a GEMV; op(A) either way. */
    @Example
    void fewRowsTimesB() {
        int[][] shapes = {{1, 200, 70}, {2, 64, 5}, {2, 131, 33}, {3, 67, 129}, {3, 17, 1}, {6, 40, 9}, {7, 100, 300}};
        Random random = new Random(4);
        for (int[] s : shapes) {
            for (boolean transA : new boolean[]{false, true}) {
                for (float beta : new float[]{0f, -2f}) {
                    Case g = Case.random(random, transA, false, s[0], s[1], s[2], 0.75f, beta);
                    g.assertClose(g.run(SCALAR), g.run(VECTOR), "vector vs scalar, few rows");
                }
            }
        }
    }

    /** Multiply operands with large magnitudes (up to ~1e12 per product) still agree relative to their size. */
    @Example
    void largeMagnitudes() {
        Random random = new Random(11);
        Case g = Case.random(random, false, true, 37, 45, 129, 1f, 1f);
        for (int i = 0; i < g.a().length; i++) {
            g.a()[i] *= 1e6f;
        }
        for (int i = 0; i < g.b().length; i++) {
            g.b()[i] *= -3e5f;
        }
        g.assertClose(g.run(SCALAR), g.run(VECTOR), "vector vs scalar, large");
    }

    /** One GEMM call: operands placed at random offsets with padded leading dimensions. */
    record Case(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {

        static Case random(Random r, boolean transA, boolean transB, int m, int n, int k, float alpha, float beta) {
            int aRows = transA ? k : m;
            int aCols = transA ? m : k;
            int bRows = transB ? n : k;
            int bCols = transB ? k : n;
            int lda = Math.max(1, aCols) + (r.nextBoolean() ? 0 : r.nextInt(5));
            int ldb = Math.max(1, bCols) + (r.nextBoolean() ? 0 : r.nextInt(5));
            int ldc = Math.max(1, n) + (r.nextBoolean() ? 0 : r.nextInt(5));
            int aOff = r.nextInt(4);
            int bOff = r.nextInt(4);
            int cOff = r.nextInt(4);
            float[] a = values(r, aOff + aRows * lda + 3, r.nextInt(3));
            float[] b = values(r, bOff + bRows * ldb + 3, r.nextInt(3));
            float[] c = values(r, cOff + m * ldc + 3, 0);
            if (beta == 0f) {
                // BLAS: beta == 0 ignores C, even NaN garbage
                for (int i = 0; i < c.length; i++) {
                    c[i] = r.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
                }
            }
            return new Case(transA, transB, m, n, k, alpha, beta, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }

        /** Uniform in [-1, 1) times 10^(3 * scale): scale 0, 1 or 2 gives magnitudes up to 1e6. */
        static float[] values(Random r, int length, int scale) {
            float[] v = new float[length];
            float s = (float) Math.pow(10, 3 * scale);
            for (int i = 0; i < length; i++) {
                v[i] = (r.nextFloat() * 2f - 1f) * s;
            }
            return v;
        }

        float opA(int i, int p) {
            return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        float opB(int p, int j) {
            return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        /** Runs the GEMM on a copy of C and returns the copy. */
        float[] run(Gemm gemm) {
            float[] out = c.clone();
            gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        /**
         * Each result may differ from the exact value by about k * eps * (|alpha| sum |a||b| + |beta c|)
         * (float summation in any order), so two float results by twice that; elements of the arrays
         * outside C must be untouched.
         */
        void assertClose(float[] expected, float[] actual, String what) {
            double eps = Math.ulp(1f);
            for (int idx = 0; idx < expected.length; idx++) {
                int rel = idx - cOff;
                int i = rel >= 0 ? rel / ldc : -1;
                int j = rel >= 0 ? rel % ldc : -1;
                boolean inside = rel >= 0 && i < m && j < n;
                if (!inside) {
                    if (Float.floatToRawIntBits(expected[idx]) != Float.floatToRawIntBits(actual[idx])) {
                        fail(what + ": element " + idx + " outside C changed: " + expected[idx] + " -> " + actual[idx]);
                    }
                    continue;
                }
                double mag = 0;
                for (int p = 0; p < k; p++) {
                    mag += Math.abs((double) opA(i, p) * opB(p, j));
                }
                double old = beta == 0f ? 0 : Math.abs((double) beta * c[idx]);
                double tol = 2.0 * (k + 4) * eps * (Math.abs(alpha) * mag + old) + Float.MIN_NORMAL;
                double diff = Math.abs((double) expected[idx] - actual[idx]);
                if (!(diff <= tol)) {
                    fail(String.format("%s: C[%d, %d] = %s, expected %s (diff %.3g > tol %.3g); "
                                    + "transA=%s transB=%s m=%d n=%d k=%d alpha=%s beta=%s",
                            what, i, j, actual[idx], expected[idx], diff, tol, transA, transB, m, n, k, alpha, beta));
                }
            }
        }
    }
}
