package dev.lanegrad.engine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The scalar specification equals a naive double-precision triple loop within the float error bound
 * of a k-term dot product: |float - exact| <= (k + 2) * eps * (|alpha| sum |a||b| + |beta c|).
 */
class GemmScalarProperties {

    @Property(tries = 120)
    void scalarEqualsDoubleTripleLoop(@ForAll @IntRange(min = 0, max = 40) int m, @ForAll @IntRange(min = 0, max = 40) int n,
                                      @ForAll @IntRange(min = 0, max = 300) int k,
                                      @ForAll boolean transA, @ForAll boolean transB,
                                      @ForAll("alphas") float alpha, @ForAll("betas") float beta, @ForAll long seed) {
        GemmVectorProperties.Case g = GemmVectorProperties.Case.random(new Random(seed), transA, transB, m, n, k, alpha, beta);
        float[] actual = g.run(GemmVectorProperties.SCALAR);
        double eps = Math.ulp(1f);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = 0;
                double mag = 0;
                for (int p = 0; p < k; p++) {
                    double prod = (double) g.opA(i, p) * g.opB(p, j);
                    exact += prod;
                    mag += Math.abs(prod);
                }
                int idx = g.cOff() + i * g.ldc() + j;
                double old = beta == 0f ? 0 : (double) beta * g.c()[idx];
                exact = alpha * exact + old;
                double tol = (k + 2) * eps * (Math.abs(alpha) * mag + Math.abs(old)) + Float.MIN_NORMAL;
                double diff = Math.abs(actual[idx] - exact);
                if (!(diff <= tol)) {
                    fail(String.format("scalar C[%d, %d] = %s, exact %s (diff %.3g > tol %.3g); m=%d n=%d k=%d transA=%s transB=%s",
                            i, j, actual[idx], exact, diff, tol, m, n, k, transA, transB));
                }
            }
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Float> alphas() {
        return new GemmVectorProperties().alphas();
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Float> betas() {
        return new GemmVectorProperties().betas();
    }
}
