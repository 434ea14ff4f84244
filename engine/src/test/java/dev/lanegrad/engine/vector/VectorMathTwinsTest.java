package dev.lanegrad.engine.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The scalar twins of the polynomial exp, tanh and sigmoid give the lanes' bits exactly, so an element
 * has the same value whether it falls in a vector or in a scalar tail, and the deterministic mode (the
 * default) uses the polynomial.
 */
class VectorMathTwinsTest {

    interface Scalar {
        float apply(float x);
    }

    private static void sameBits(UnaryOperator<FloatVector> lanes, Scalar scalar, String name) {
        int n = VectorMath.F.length();
        SplittableRandom rnd = new SplittableRandom(7);
        float[] specials = {0f, -0f, 1e-30f, -1e-30f, 0.625f, -0.625f, 0.62499994f, 9f, 88.7f, 88.8f, -87.3f, -104f, 150f,
                -150f, 1e30f, -1e30f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE};
        float[] x = new float[n];
        float[] y = new float[n];
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < n; i++) {
                int pick = rnd.nextInt(4);
                x[i] = pick == 0 ? specials[rnd.nextInt(specials.length)]
                        : pick == 1 ? (float) (rnd.nextDouble() * 40 - 20)
                        : pick == 2 ? (float) (rnd.nextDouble() * 2 - 1)
                        : Float.intBitsToFloat(rnd.nextInt());
            }
            lanes.apply(FloatVector.fromArray(VectorMath.F, x, 0)).intoArray(y, 0);
            for (int i = 0; i < n; i++) {
                float s = scalar.apply(x[i]);
                assertEquals(Float.floatToIntBits(y[i]), Float.floatToIntBits(s),
                        name + "(" + x[i] + "): lane " + y[i] + ", scalar twin " + s);
            }
        }
    }

    @Test
    void expTwinMatchesTheLanesBitForBit() {
        sameBits(VectorMath::expPoly, VectorMath::expPoly, "exp");
    }

    @Test
    void tanhTwinMatchesTheLanesBitForBit() {
        sameBits(VectorMath::tanhPoly, VectorMath::tanhPoly, "tanh");
    }

    @Test
    void sigmoidTwinMatchesTheLanesBitForBit() {
        sameBits(VectorMath::sigmoidPoly, x -> 1f / (VectorMath.expPoly(-x) + 1f), "sigmoid");
    }

    @Test
    void deterministicModeIsOffByDefaultAndUsesThePolynomialWhenOn() {
        if (System.getProperty(VectorMath.DETERMINISTIC_PROPERTY) == null) {
            assertTrue(!VectorMath.DETERMINISTIC);
        }
        assertTrue(!VectorMath.chooseLanewise("", "amd64", "Linux", true));
        assertTrue(VectorMath.parseDeterministic("true") && !VectorMath.parseDeterministic("false"));
    }
}
