package dev.lanegrad.engine.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The lanes of VectorMath's loops and their scalar twins give the same bits, so an element has the same value
 * whether it falls in a vector or in a scalar tail: sigmoid and tanh in every mode, exp in the deterministic
 * one (-Dlanegrad.deterministic=true; engine/pom.xml's "deterministic" execution runs this class in it). With
 * the JDK's lanewise EXP (-Dlanegrad.deterministic=false on x86) exp's lanes are SVML and its tail Math.exp:
 * an ulp apart, which is what the mode is about, so those runs skip exp's comparison.
 */
class VectorMathTwinsTest {

    interface Scalar {
        float apply(float x);
    }

    /** The lanes of VectorMath.apply(f) over whole vectors against the scalar twin, 20,000 vectors. */
    private static void sameBits(int f, Scalar scalar, String name) {
        int n = 4 * VectorMath.F.length();
        SplittableRandom rnd = new SplittableRandom(7);
        float[] specials = {0f, -0f, 1e-30f, -1e-30f, 0.625f, -0.625f, 0.62499994f, 0.1733f, -0.1734f, 9f, 9.01f, 10f, 10.000001f, 80f, -80f, -80.00001f, 88.7f, -88.7f, 88.70001f, -88.70001f, 88.8f, -87.3f, -104f, 150f,
                -150f, 1e30f, -1e30f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE};
        float[] x = new float[n];
        float[] y = new float[n];
        for (int round = 0; round < 5_000; round++) {
            for (int i = 0; i < n; i++) {
                int pick = rnd.nextInt(4);
                x[i] = pick == 0 ? specials[rnd.nextInt(specials.length)]
                        : pick == 1 ? (float) (rnd.nextDouble() * 40 - 20)
                        : pick == 2 ? (float) (rnd.nextDouble() * 2 - 1)
                        : Float.intBitsToFloat(rnd.nextInt());
            }
            VectorMath.apply(f, x, 0, y, 0, n);
            for (int i = 0; i < n; i++) {
                float s = scalar.apply(x[i]);
                assertEquals(Float.floatToIntBits(s), Float.floatToIntBits(y[i]),
                        name + "(" + x[i] + "): lane " + y[i] + ", scalar twin " + s);
            }
        }
    }

    @Test
    void expTwinMatchesTheLanesBitForBit() {
        assumeFalse(VectorMath.LANEWISE, "the lanewise EXP has no bit-exact scalar twin");
        sameBits(VectorMath.EXP, VectorMath::expPoly, "exp");
    }

    @Test
    void tanhTwinMatchesTheLanesBitForBit() {
        sameBits(VectorMath.TANH, VectorMath::tanh, "tanh");
    }

    @Test
    void sigmoidTwinMatchesTheLanesBitForBit() {
        sameBits(VectorMath.SIGMOID, VectorMath::sigmoid, "sigmoid");
    }

    @Test
    void tanhKeepsTheSignOfZero() {
        int n = VectorMath.F.length() + 3; // the lanes and the tail
        float[] x = new float[n];
        java.util.Arrays.fill(x, -0f);
        float[] y = new float[n];
        VectorMath.apply(VectorMath.TANH, x, 0, y, 0, n);
        for (float v : y) {
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(v), "tanh(-0)");
        }
    }

    @Test
    void deterministicModeIsOffByDefaultAndUsesThePolynomialWhenOn() {
        if (System.getProperty(VectorMath.DETERMINISTIC_PROPERTY) == null) {
            assertTrue(!VectorMath.DETERMINISTIC);
        }
        assertTrue(!VectorMath.chooseLanewise("", "amd64", "Linux", true));
        assertTrue(VectorMath.parseDeterministic("true") && !VectorMath.parseDeterministic("false"));
        assertTrue(!VectorMath.parseDeterministic(""));
    }
}
