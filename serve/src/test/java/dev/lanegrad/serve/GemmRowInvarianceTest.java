package dev.lanegrad.serve;

import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.Kernels;
import dev.lanegrad.engine.PrepackedGemm;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Whether a row of a GEMM gets the same bits whatever the number of rows multiplied with it: that is
 * what makes a batched forward equal to each request alone. With the default (SIMD) kernels it holds
 * within each kernel path but not across paths, and the path depends on the row count m:
 * <ul>
 *   <li>{@code sgemm} A.B^T (the input projection X.W_ih^T over T*B rows): m < 6, or m <= 32 with
 *       k >= 8m, takes dot products with lane reductions; larger m the packed micro-kernel, which sums k
 *       in another order;</li>
 *   <li>prepacked (the per-step h.W_hh^T): m = 1 is a GEMV with even/odd k accumulators, m >= 2 the
 *       micro-kernel.</li>
 * </ul>
 * The scalar kernels sum every row in one order (BatchInvarianceScalarTest).
 */
class GemmRowInvarianceTest {

    private static final int N = 300;
    /** Row counts on both sides of every path boundary (MR = 6 on AVX2, the dot path's m <= 32, MC = 96). */
    private static final int[] ROWS = {2, 3, 5, 6, 7, 13, 31, 32, 33, 34, 64, 97};
    private static final int K = 256;

    @Test
    void prepackedRowsAreIdenticalForEveryRowCountFromTwo() {
        float[][] ab = operands();
        PrepackedGemm p = prepacked();
        float[] packed = new float[p.packedSize(K, N)];
        p.pack(true, K, N, ab[1], 0, K, packed, 0);
        float[] two = firstRow(2, (m, c) -> p.multiply(m, N, K, 1f, ab[0], 0, K, packed, 0, 0f, c, 0, N));
        for (int rows : ROWS) {
            assertArrayEquals(two, firstRow(rows, (mm, c) -> p.multiply(mm, N, K, 1f, ab[0], 0, K, packed, 0, 0f, c, 0, N)),
                    "row 0 of a prepacked product of " + rows + " rows");
        }
        float[] one = firstRow(1, (m, c) -> p.multiply(m, N, K, 1f, ab[0], 0, K, packed, 0, 0f, c, 0, N));
        assertClose(two, one, "m = 1 (GEMV) against m = 2 (micro-kernel)");
    }

    @Test
    void sgemmRowsAreIdenticalWithinEachPathAndCloseAcrossThem() {
        float[][] ab = operands();
        Gemm g = Kernels.gemm();
        float[] dot = firstRow(1, (m, c) -> g.sgemm(false, true, m, N, K, 1f, ab[0], 0, K, ab[1], 0, K, 0f, c, 0, N));
        for (int rows : new int[] {2, 3, 5, 6, 7, 13, 31, 32}) { // k = 256 >= 8m: the dot-product path
            assertArrayEquals(dot, firstRow(rows, (mm, c) -> g.sgemm(false, true, mm, N, K, 1f, ab[0], 0, K, ab[1], 0, K, 0f, c, 0, N)),
                    "row 0 of " + rows + " rows (dot products)");
        }
        float[] blocked = firstRow(33, (m, c) -> g.sgemm(false, true, m, N, K, 1f, ab[0], 0, K, ab[1], 0, K, 0f, c, 0, N));
        for (int rows : new int[] {34, 64, 97}) {
            assertArrayEquals(blocked, firstRow(rows, (mm, c) -> g.sgemm(false, true, mm, N, K, 1f, ab[0], 0, K, ab[1], 0, K, 0f, c, 0, N)),
                    "row 0 of " + rows + " rows (micro-kernel)");
        }
        assertClose(dot, blocked, "32 rows (dot products) against 33 (micro-kernel)");
        if (Kernels.gemm() instanceof PrepackedGemm) { // the SIMD kernels: say how far apart the two paths are
            System.out.println("GemmRowInvarianceTest: rows of the dot path and the micro-kernel differ in "
                    + differing(dot, blocked) + " of " + N + " values (n = " + N + ", k = " + K + ")");
        }
    }

    private interface Product {
        void run(int m, float[] c);
    }

    private static float[] firstRow(int m, Product p) {
        float[] c = new float[m * N];
        p.run(m, c);
        return Arrays.copyOf(c, N);
    }

    private static float[][] operands() {
        Random r = new Random(3);
        float[] a = new float[97 * K];
        float[] b = new float[N * K];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
        return new float[][] {a, b};
    }

    private static PrepackedGemm prepacked() {
        Gemm g = Kernels.gemm();
        return g instanceof PrepackedGemm p ? p : (PrepackedGemm) Kernels.vectorOrNull().gemm();
    }

    /** Sums of K products of unit normals: the two orders differ by a few ulps of the partial sums. */
    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5f * K, what + " at column " + i);
        }
    }

    private static int differing(float[] a, float[] b) {
        int d = 0;
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) {
                d++;
            }
        }
        return d;
    }
}
