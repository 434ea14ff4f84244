package dev.lanegrad.engine.vector;

import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.scalar.ScalarGemm;

/** PLACEHOLDER: delegates to the scalar specification until the SIMD GEMM lands. */
public final class VectorGemm implements Gemm {

    private final Gemm scalar = new ScalarGemm();

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        scalar.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
