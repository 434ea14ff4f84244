package dev.lanegrad.engine;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The SIMD GEMM's documented operation order, bit for bit: every element of C is a sequence of k blocks,
 * each one FMA chain in increasing k from zero, scaled into C as alpha * sum + beta * C (C not read when
 * beta == 0), later blocks with beta 1. Blocks are 256 deep, except for op(A) = A^T with k > 256 (the
 * weight-gradient form dY^T . X, whose k is T*B rows): 64 deep there, for accuracy (see
 * KernelShape.KC_LONG and LargeCaseAccuracyTest). Every path (one row, two rows, B^T chains, packed tiles)
 * and every width must give exactly these bits.
 */
class GemmOrderProperties {

    /** Depths of one block and across blocks of 64 and of 256. */
    @Provide
    Arbitrary<Integer> depths() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.integers().between(1, 70)),
                Tuple.of(2, Arbitraries.of(128, 256, 257, 300, 513, 660)));
    }

    /** Rows for each path: one and two rows, B^T chains, few-row packing, more than one A block. */
    @Provide
    Arbitrary<Integer> rows() {
        return Arbitraries.of(1, 2, 3, 5, 7, 32, 97);
    }

    @Property(tries = 60)
    void everyElementFollowsTheBlockOrder(@ForAll("rows") int m, @ForAll("depths") int k, @ForAll boolean transA,
                                          @ForAll boolean transB, @ForAll boolean accumulate, @ForAll long seed) {
        assertBlockOrder(m, k, transA, transB, accumulate, seed);
    }

    /**
     * The weight-gradient form over more than one A block (m > 96): its 64-deep chains are summed inside
     * 256-deep packed blocks in a scratch tile (GemmMicroKernel.tileChained), C written once per block.
     * 97 rows leave a one-row edge sliver; n up to 40 leaves edge columns.
     */
    @Property(tries = 16)
    void weightGradientChainsOverManyRows(@ForAll("manyRows") int m, @ForAll("longDepths") int k,
                                          @ForAll boolean transB, @ForAll boolean accumulate, @ForAll long seed) {
        assertBlockOrder(m, k, true, transB, accumulate, seed);
    }

    @Provide
    Arbitrary<Integer> manyRows() {
        return Arbitraries.of(97, 200);
    }

    @Provide
    Arbitrary<Integer> longDepths() {
        return Arbitraries.of(257, 300, 513, 660);
    }

    private static void assertBlockOrder(int m, int k, boolean transA, boolean transB, boolean accumulate, long seed) {
        Random r = new Random(seed);
        int n = 1 + r.nextInt(40);
        GemmVectorProperties.Case g = GemmVectorProperties.Case.random(r, transA, transB, m, n, k, 0.75f,
                accumulate ? 1f : 0f);
        float[] expected = g.c().clone();
        int depth = transA && k > 256 ? 64 : 256;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int ci = g.cOff() + i * g.ldc() + j;
                for (int p0 = 0; p0 < k; p0 += depth) {
                    float sum = 0f;
                    for (int p = p0; p < Math.min(k, p0 + depth); p++) {
                        float av = transA ? g.a()[g.aOff() + p * g.lda() + i] : g.a()[g.aOff() + i * g.lda() + p];
                        float bv = transB ? g.b()[g.bOff() + j * g.ldb() + p] : g.b()[g.bOff() + p * g.ldb() + j];
                        sum = Math.fma(av, bv, sum);
                    }
                    float beta = p0 == 0 ? g.beta() : 1f;
                    expected[ci] = beta == 0f ? g.alpha() * sum : g.alpha() * sum + beta * expected[ci];
                }
            }
        }
        GemmVectorProperties.VECTOR.sgemm(transA, transB, m, n, k, g.alpha(), g.a(), g.aOff(), g.lda(), g.b(), g.bOff(), g.ldb(),
                g.beta(), g.c(), g.cOff(), g.ldc());
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int ci = g.cOff() + i * g.ldc() + j;
                if (Float.floatToIntBits(expected[ci]) != Float.floatToIntBits(g.c()[ci])) {
                    fail("C[" + i + "," + j + "] = " + g.c()[ci] + ", the block order gives " + expected[ci] + " (m=" + m
                            + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB + ")");
                }
            }
        }
    }
}
