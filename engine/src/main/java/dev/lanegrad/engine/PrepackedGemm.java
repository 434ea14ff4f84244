package dev.lanegrad.engine;

/**
 * A GEMM whose B operand is packed once and then multiplied many times: the recurrent step
 * {@code h_{t-1} (B, H) . W_hh^T (H, G*H)} multiplies the same W_hh at every one of T steps, and
 * packing it into the kernel's layout on every step costs as much as the product itself at small
 * batch (16x1024x256: ~110 us per call, of which ~60 us packing). A {@link Gemm} that can do this
 * implements this interface too; callers test with {@code instanceof} and fall back to
 * {@link Gemm#sgemm} otherwise (the scalar specification does not pack).
 *
 * <pre>
 * pack:     P = packed op(B) (k, n), where op(B) = B (k, n) stored with stride ldb, or B^T with B (n, k) stored
 * multiply: C (m, n) = alpha * A (m, k) @ P + beta * C       (A stored row-major with stride lda)
 * </pre>
 * The packed layout is the implementation's own; only {@link #packedSize} floats at the given offset are used.
 */
public interface PrepackedGemm {

    /** Floats needed to hold op(B) (k, n) packed. */
    int packedSize(int k, int n);

    /** Packs op(B) (k, n) into packed[packedOff, packedOff + packedSize(k, n)). */
    void pack(boolean transB, int k, int n, float[] b, int bOff, int ldb, float[] packed, int packedOff);

    /** C (m, n) = alpha * A (m, k) @ P + beta * C, on the calling thread; beta == 0 ignores C's contents. */
    void multiply(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                  float[] packed, int packedOff, float beta, float[] c, int cOff, int ldc);

    /**
     * The same product, with a hint for the cache: a caller that multiplies the same panels again and again (a
     * time loop's W_hh at every step) passes {@code backwards} on every other call, and the implementation may
     * then walk the panels last to first, so that the panels the last call read last, most likely still in
     * cache, are read first. The result is the same either way.
     */
    default void multiply(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                          float[] packed, int packedOff, float beta, float[] c, int cOff, int ldc, boolean backwards) {
        multiply(m, n, k, alpha, a, aOff, lda, packed, packedOff, beta, c, cOff, ldc);
    }

    /**
     * Row counts from 4 on that are multiples of this are multiplied in whole register tiles, no row padded: where
     * a caller that splits its rows between threads should cut (1: no preference).
     */
    default int rowMultiple() {
        return 1;
    }
}
