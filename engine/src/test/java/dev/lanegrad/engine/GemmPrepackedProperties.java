package dev.lanegrad.engine;

import dev.lanegrad.engine.vector.VectorKernelProvider;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The prepacked GEMM (op(B) packed once, multiplied many times) equals the scalar sgemm within a float
 * error bound, over awkward sizes around the register tile (4 x 64) and the k block (256), offsets,
 * padded leading dimensions, both stored forms of B, and alpha/beta cases; and one packing serves
 * repeated products.
 */
class GemmPrepackedProperties {

    static final Gemm SCALAR = Kernels.scalar().gemm();
    static final PrepackedGemm PACKED = (PrepackedGemm) VectorKernelProvider.INSTANCE.gemm();

    @Provide
    Arbitrary<Integer> dims() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of(0, 1, 2, 3, 4, 5, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65)),
                net.jqwik.api.Tuple.of(3, Arbitraries.of(13, 29, 47, 97, 101, 127, 131)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(193, 257, 263, 300)));
    }

    @Provide
    Arbitrary<Float> alphas() {
        return Arbitraries.of(1f, -1f, 0.5f, 0f);
    }

    @Provide
    Arbitrary<Float> betas() {
        return Arbitraries.of(0f, 1f, -0.75f);
    }

    @Property(tries = 200)
    void prepackedEqualsScalar(@ForAll("dims") int m, @ForAll("dims") int n, @ForAll("dims") int k,
                               @ForAll boolean transB, @ForAll("alphas") float alpha, @ForAll("betas") float beta,
                               @ForAll long seed) {
        check(new Random(seed), m, n, k, transB, alpha, beta, 1);
    }

    /** Several k blocks, more rows than one A block (96), one packing used three times (an RNN's steps). */
    @Example
    void largeAndReused() {
        Random random = new Random(5);
        check(random, 100, 1030, 600, true, 1f, 1f, 3);
        check(random, 32, 256, 1024, false, 1f, 0f, 3);
        check(random, 1, 1024, 256, true, 1f, 1f, 3);
    }

    @Example
    void wrongSizesFailWithTheOperandName() {
        float[] packed = new float[PACKED.packedSize(8, 8) - 1];
        try {
            PACKED.pack(false, 8, 8, new float[64], 0, 8, packed, 0);
            fail("expected an exception for a too small packed array");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("packed"), e.getMessage());
        }
    }

    private static void check(Random random, int m, int n, int k, boolean transB, float alpha, float beta, int uses) {
        int lda = k + random.nextInt(3);
        int ldb = (transB ? k : n) + random.nextInt(3);
        int ldc = n + random.nextInt(3);
        int aOff = random.nextInt(5), bOff = random.nextInt(5), cOff = random.nextInt(5), pOff = random.nextInt(5);
        int bRows = transB ? n : k;
        float[] b = values(random, bOff + bRows * ldb);
        float[] packed = new float[pOff + PACKED.packedSize(k, n) + 3];
        PACKED.pack(transB, k, n, b, bOff, Math.max(1, ldb), packed, pOff);
        for (int use = 0; use < uses; use++) {
            float[] a = values(random, aOff + m * lda);
            float[] c0 = values(random, cOff + m * ldc);
            float[] expected = c0.clone();
            float[] actual = c0.clone();
            SCALAR.sgemm(false, transB, m, n, k, alpha, a, aOff, Math.max(1, lda), b, bOff, Math.max(1, ldb),
                    beta, expected, cOff, Math.max(1, ldc));
            PACKED.multiply(m, n, k, alpha, a, aOff, Math.max(1, lda), packed, pOff, beta, actual, cOff, Math.max(1, ldc));
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int at = cOff + i * ldc + j;
                    // |error| <= ~k ulps of the sum of |products| (both round k partial sums), plus |beta c|
                    double mag = 0;
                    for (int p = 0; p < k; p++) {
                        float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                        mag += Math.abs(a[aOff + i * lda + p] * bv);
                    }
                    double bound = 2.0 * (k + 2) * 0x1p-23 * (Math.abs(alpha) * mag + Math.abs(beta * c0[at])) + 1e-30;
                    if (!(Math.abs(expected[at] - actual[at]) <= bound)) {
                        fail("m=" + m + " n=" + n + " k=" + k + " transB=" + transB + " alpha=" + alpha + " beta=" + beta
                                + " use " + use + ": C[" + i + "," + j + "] = " + actual[at] + ", scalar " + expected[at]
                                + " (bound " + bound + ")");
                    }
                }
            }
            // nothing outside C touched
            for (int i = 0; i < cOff; i++) {
                if (actual[i] != c0[i]) {
                    fail("wrote before C at " + i);
                }
            }
        }
    }

    private static float[] values(Random random, int n) {
        float[] v = new float[Math.max(n, 1)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
