package dev.lanegrad.engine;

import dev.lanegrad.engine.vector.VectorKernelProvider;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Batch invariance of the SIMD GEMM: a row of C gets the same bits whatever the number of rows in the
 * call (a request served alone or in a batch, a batch split over threads by rows) and whatever the
 * engine thread count, for sgemm (every transpose) and for the prepacked product; and the prepacked
 * product gives sgemm's bits for the same B (a streaming step with sgemm equals the sequence forward
 * with prepacked W_hh). Runs at every forced width and register count of engine/pom.xml.
 */
class GemmBatchInvarianceProperties {

    static final Gemm VECTOR = VectorKernelProvider.INSTANCE.gemm();
    static final PrepackedGemm PACKED = (PrepackedGemm) VECTOR;
    private static final int INITIAL_THREADS = EngineThreads.threads();

    @AfterContainer
    static void restoreThreads() {
        EngineThreads.setThreads(INITIAL_THREADS);
    }

    /** Columns around the vector widths and panels (8 to 128 floats), and the recurrent shapes' sizes. */
    @Provide
    Arbitrary<Integer> columns() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(1, 140)),
                Tuple.of(1, Arbitraries.of(192, 255, 257, 384, 513)));
    }

    /** Depths within one k block (256) and across two or three. */
    @Provide
    Arbitrary<Integer> depths() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(1, 130)),
                Tuple.of(1, Arbitraries.of(255, 256, 257, 300, 600)));
    }

    /** Rows of the whole batch: few-row paths, the tiles' edges, and more than one A block (96). */
    @Provide
    Arbitrary<Integer> batches() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(2, 40)),
                Tuple.of(1, Arbitraries.of(64, 97, 130)));
    }

    @Provide
    Arbitrary<Float> alphas() {
        return Arbitraries.of(1f, -1.5f, 0.75f);
    }

    @Provide
    Arbitrary<Float> betas() {
        return Arbitraries.of(0f, 1f, 0.5f);
    }

    @Property(tries = 60)
    void sgemmRowsDoNotDependOnTheBatch(@ForAll("batches") int m2, @ForAll @IntRange(min = 1, max = 39) int m1Pick,
                                        @ForAll("columns") int n, @ForAll("depths") int k,
                                        @ForAll boolean transA, @ForAll boolean transB,
                                        @ForAll("alphas") float alpha, @ForAll("betas") float beta,
                                        @ForAll long seed) {
        Random r = new Random(seed);
        GemmVectorProperties.Case g = GemmVectorProperties.Case.random(r, transA, transB, m2, n, k, alpha, beta);
        EngineThreads.setThreads(1);
        float[] whole = assertRowsIndependentOfTheCall(g, (i, rows, out) -> sgemmInto(g, i, rows, out), m1Pick, r, "");
        EngineThreads.setThreads(2);
        assertRowsEqual(whole, g.run(VECTOR), g.cOff(), g.ldc(), 0, m2, n, "2 threads vs 1, " + describe(g));
    }

    /** Large enough to be split over threads (by columns, or by rows when m > n). */
    @Property(tries = 12)
    void sgemmThreadsGiveTheSameBits(@ForAll("threadedShapes") int[] shape, @ForAll boolean transA,
                                     @ForAll boolean transB, @ForAll("betas") float beta, @ForAll long seed) {
        GemmVectorProperties.Case g = GemmVectorProperties.Case.random(new Random(seed), transA, transB,
                shape[0], shape[1], shape[2], 1f, beta);
        EngineThreads.setThreads(1);
        float[] one = g.run(VECTOR);
        EngineThreads.setThreads(2);
        float[] two = g.run(VECTOR);
        assertRowsEqual(one, two, g.cOff(), g.ldc(), 0, g.m(), g.n(), "2 threads vs 1, " + describe(g));
        float[] single = g.c().clone();
        sgemmInto(g, shape[3], 1, single);
        assertRowsEqual(one, single, g.cOff(), g.ldc(), shape[3], 1, g.n(), "row " + shape[3] + " alone, " + describe(g));
    }

    @Provide
    Arbitrary<int[]> threadedShapes() {
        // m, n, k, a row to recompute alone
        return Arbitraries.of(new int[]{1, 4100, 600, 0}, new int[]{2, 1100, 1000, 1}, new int[]{64, 1024, 256, 37},
                new int[]{700, 100, 40, 650}, new int[]{1100, 16, 130, 1099}, new int[]{130, 1030, 300, 97});
    }

    @Property(tries = 60)
    void prepackedRowsDoNotDependOnTheBatch(@ForAll("batches") int m2, @ForAll @IntRange(min = 1, max = 39) int m1Pick,
                                            @ForAll("columns") int n, @ForAll("depths") int k, @ForAll boolean transB,
                                            @ForAll("alphas") float alpha, @ForAll("betas") float beta,
                                            @ForAll long seed) {
        Random r = new Random(seed);
        GemmVectorProperties.Case g = GemmVectorProperties.Case.random(r, false, transB, m2, n, k, alpha, beta);
        float[] packed = new float[PACKED.packedSize(k, n) + 3];
        PACKED.pack(transB, k, n, g.b(), g.bOff(), g.ldb(), packed, 3);
        float[] whole = assertRowsIndependentOfTheCall(g, (i, rows, out) -> multiplyInto(g, packed, i, rows, out), m1Pick, r,
                "prepacked ");
        EngineThreads.setThreads(1);
        assertRowsEqual(whole, g.run(VECTOR), g.cOff(), g.ldc(), 0, m2, n, "prepacked vs sgemm, " + describe(g));
        int row = r.nextInt(m2);
        float[] sgemmSingle = g.c().clone();
        sgemmInto(g, row, 1, sgemmSingle);
        assertRowsEqual(whole, sgemmSingle, g.cOff(), g.ldc(), row, 1, n, "prepacked vs a one-row sgemm, " + describe(g));
    }

    /** A product of the GEMM under test: rows [r0, r0 + rows) of g's C into out, in one call. */
    private interface RowsCall {
        void into(int r0, int rows, float[] out);
    }

    /**
     * One call over all of g's rows, one call over a part of them (1 + m1Pick % (m - 1) rows from a row
     * drawn from r) and one call per row give every row the same bits. Returns the first call's C.
     */
    private static float[] assertRowsIndependentOfTheCall(GemmVectorProperties.Case g, RowsCall call, int m1Pick,
                                                          Random r, String what) {
        int m2 = g.m();
        int m1 = 1 + m1Pick % (m2 - 1);
        int r0 = r.nextInt(m2 - m1 + 1);
        float[] whole = g.c().clone();
        call.into(0, m2, whole);
        float[] part = g.c().clone();
        call.into(r0, m1, part);
        assertRowsEqual(whole, part, g.cOff(), g.ldc(), r0, m1, g.n(), what + "rows " + r0 + ".." + (r0 + m1)
                + " of " + m2 + " in an " + m1 + "-row call, " + describe(g));
        float[] single = g.c().clone();
        for (int i = 0; i < m2; i++) {
            call.into(i, 1, single);
        }
        assertRowsEqual(whole, single, g.cOff(), g.ldc(), 0, m2, g.n(), what + "single-row calls, " + describe(g));
        return whole;
    }

    private static void sgemmInto(GemmVectorProperties.Case g, int r0, int rows, float[] out) {
        int aShift = g.transA() ? r0 : r0 * g.lda();
        VECTOR.sgemm(g.transA(), g.transB(), rows, g.n(), g.k(), g.alpha(), g.a(), g.aOff() + aShift, g.lda(),
                g.b(), g.bOff(), g.ldb(), g.beta(), out, g.cOff() + r0 * g.ldc(), g.ldc());
    }

    private static void multiplyInto(GemmVectorProperties.Case g, float[] packed, int r0, int rows, float[] out) {
        PACKED.multiply(rows, g.n(), g.k(), g.alpha(), g.a(), g.aOff() + r0 * g.lda(), g.lda(), packed, 3,
                g.beta(), out, g.cOff() + r0 * g.ldc(), g.ldc());
    }

    /** Rows [r0, r0 + rows) of C equal bit for bit (NaN payloads included). */
    private static void assertRowsEqual(float[] expected, float[] actual, int cOff, int ldc, int r0, int rows, int n,
                                        String what) {
        for (int i = r0; i < r0 + rows; i++) {
            int from = cOff + i * ldc;
            int[] e = bits(Arrays.copyOfRange(expected, from, from + n));
            int[] a = bits(Arrays.copyOfRange(actual, from, from + n));
            assertArrayEquals(e, a, what + ": row " + i);
        }
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    private static String describe(GemmVectorProperties.Case g) {
        return "transA=" + g.transA() + " transB=" + g.transB() + " m=" + g.m() + " n=" + g.n() + " k=" + g.k()
                + " alpha=" + g.alpha() + " beta=" + g.beta();
    }
}
