package dev.lanegrad.engine.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.junit.jupiter.api.Test;

/**
 * The accuracy bounds of VectorMath over a dense grid of [-20, 20] (every 2^-12: 163841 points) against the
 * double-precision function, plus the edge values: sigmoid and tanh (one candidate, our polynomials) by their
 * lanes and their scalar twins, exp by both candidates (the JDK's lanewise operator and our polynomial) and
 * what this JVM's mode uses. VectorMathTwinsTest holds the twins to the lanes bit for bit.
 * Measured maxima (x86_64, AVX-512): exp 0.50 ulp lanewise / 0.98 ulp poly; sigmoid 8.9e-8; tanh 8.8e-8
 * absolute, 1.4e-7 relative.
 */
class VectorMathAccuracyTest {

    private static final int L = VectorMath.F.length();

    interface Scalar {
        float apply(float x);
    }

    /** x on the grid, padded with zeros to whole vectors */
    private static float[] grid() {
        int n = 40 * 4096 + 1;
        float[] x = new float[(n + L - 1) / L * L];
        for (int i = 0; i < n; i++) {
            x[i] = -20f + i / 4096f;
        }
        return x;
    }

    private static float[] lanes(UnaryOperator<FloatVector> f, float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i += L) {
            f.apply(FloatVector.fromArray(VectorMath.F, x, i)).intoArray(y, i);
        }
        return y;
    }

    private static float[] scalar(Scalar f, float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = f.apply(x[i]);
        }
        return y;
    }

    /** what the kernels use in this JVM's mode */
    private static float[] used(int f, float[] x) {
        float[] y = new float[x.length];
        VectorMath.apply(f, x, 0, y, 0, x.length);
        return y;
    }

    private static double maxAbsError(float[] x, float[] y, DoubleUnaryOperator exact) {
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            worst = Math.max(worst, Math.abs(y[i] - exact.applyAsDouble(x[i])));
        }
        return worst;
    }

    private static double maxUlpError(float[] x, float[] y) {
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double e = Math.exp(x[i]);
            worst = Math.max(worst, Math.abs(y[i] - e) / Math.ulp((float) e));
        }
        return worst;
    }

    private static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    /** whether this platform's lanewise operators are SVML (the exp candidate the non-deterministic mode uses) */
    private static boolean svml() {
        return VectorMath.chooseLanewise("", System.getProperty("os.arch", ""), System.getProperty("os.name", ""), false);
    }

    /** The lanes of VectorMath.apply(f) and the scalar twin within 5e-7 of the exact function over the grid. */
    private static void within5e7(int f, Scalar twin, DoubleUnaryOperator exact, String name) {
        float[] x = grid();
        double lanes = maxAbsError(x, used(f, x), exact);
        double twins = maxAbsError(x, scalar(twin, x), exact);
        assertTrue(lanes <= 5e-7, name + " max abs error " + lanes);
        assertTrue(twins <= 5e-7, name + " twin max abs error " + twins);
    }

    @Test
    void tanhWithin5e7() {
        within5e7(VectorMath.TANH, VectorMath::tanh, Math::tanh, "tanh");
    }

    /** m / (m + 2) with m = expm1(2|x|): no cancellation near 0, where 1 - 2 / (e^2x + 1) would lose every bit. */
    @Test
    void tanhIsRelativelyAccurateNearZero() {
        float[] x = new float[64 * 1024];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((i % 2 == 0 ? 1 : -1) * Math.pow(2, -30 + 30.0 * i / x.length)); // 2^-30 .. 1, both signs
        }
        float[] lanes = used(VectorMath.TANH, x);
        float[] twin = scalar(VectorMath::tanh, x);
        for (int i = 0; i < x.length; i++) {
            double exact = Math.tanh(x[i]);
            assertTrue(Math.abs(lanes[i] - exact) <= 3e-7 * Math.abs(exact), "tanh(" + x[i] + ") = " + lanes[i] + ", exact " + exact);
            assertTrue(Math.abs(twin[i] - exact) <= 3e-7 * Math.abs(exact), "tanh twin(" + x[i] + ") = " + twin[i] + ", exact " + exact);
        }
    }

    @Test
    void sigmoidWithin5e7() {
        within5e7(VectorMath.SIGMOID, VectorMath::sigmoid, VectorMathAccuracyTest::sigmoid, "sigmoid");
    }

    @Test
    void expWithin2Ulp() {
        float[] x = grid();
        double poly = maxUlpError(x, scalar(VectorMath::expPoly, x));
        double used = maxUlpError(x, used(VectorMath.EXP, x));
        assertTrue(poly <= 2, "expPoly max error " + poly + " ulp");
        assertTrue(used <= 2, "exp max error " + used + " ulp");
        // the polynomial's subnormal and overflow ends: one rounding at the end, so still within 2 ulp
        float[] wide = new float[64 * L];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = -103f + i * (191.7f / wide.length);
        }
        float[] y = scalar(VectorMath::expPoly, wide);
        for (int i = 0; i < wide.length; i++) {
            double e = Math.exp(wide[i]);
            float expected = (float) e;
            if (Float.isInfinite(expected)) {
                assertEquals(Float.POSITIVE_INFINITY, y[i], "expPoly(" + wide[i] + ")");
            } else {
                assertTrue(Math.abs(y[i] - e) <= 2 * Math.ulp(expected), "expPoly(" + wide[i] + ") = " + y[i] + ", exact " + e);
            }
        }
    }

    private static final float[] EDGES = {100f, -100f, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 0f, -0f, 89f, -89f, -104f, -150f, -1000f};

    private static float[] edges() {
        float[] x = new float[(EDGES.length + L - 1) / L * L];
        System.arraycopy(EDGES, 0, x, 0, EDGES.length);
        return x;
    }

    @Test
    void edgesOfEveryCandidate() {
        float[] x = edges();
        for (String who : new String[]{"lanes", "twin"}) {
            float[] t = who.equals("lanes") ? used(VectorMath.TANH, x) : scalar(VectorMath::tanh, x);
            float[] s = who.equals("lanes") ? used(VectorMath.SIGMOID, x) : scalar(VectorMath::sigmoid, x);
            for (int i = 0; i < EDGES.length; i++) {
                float v = x[i];
                String at = who + " at " + v;
                if (Float.isNaN(v)) {
                    assertTrue(Float.isNaN(t[i]) && Float.isNaN(s[i]), "NaN in must give NaN out, " + at);
                    continue;
                }
                assertTrue(!Float.isNaN(t[i]) && !Float.isNaN(s[i]), "no NaN from a number, " + at);
                if (Math.abs(v) >= 10f) {
                    assertEquals(Math.signum(v), t[i], "tanh " + at);
                }
                if (v > 17f || v < -88.72f) {
                    assertEquals(v > 0 ? 1f : 0f, s[i], "sigmoid " + at);
                }
            }
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(t[10]), who + " tanh(-0)"); // EDGES[10] = -0
            assertEquals(0.5f, s[9], who + " sigmoid(0)");
        }
        for (String who : new String[]{"poly", "lanewise", "used"}) {
            if (who.equals("lanewise") && !svml()) {
                continue;
            }
            float[] e = who.equals("poly") ? scalar(VectorMath::expPoly, x)
                    : who.equals("lanewise") ? lanes(v -> v.lanewise(VectorOperators.EXP), x) : used(VectorMath.EXP, x);
            for (int i = 0; i < EDGES.length; i++) {
                float v = x[i];
                String at = who + " at " + v;
                assertEquals(Float.isNaN(v), Float.isNaN(e[i]), "exp: NaN exactly from NaN, " + at);
                if (v >= 100f) {
                    assertEquals(Float.POSITIVE_INFINITY, e[i], "exp " + at);
                }
                if (v < -88f) {
                    assertTrue(e[i] >= 0f && e[i] < Float.MIN_NORMAL, "exp " + at + " must be 0 or subnormal, was " + e[i]);
                }
            }
            assertEquals(1f, e[9], who + " exp(0)"); // EDGES[9] = 0
        }
    }

    @Test
    void choiceFollowsThePlatformAndTheOverride() {
        assertTrue(VectorMath.chooseLanewise("", "amd64", "Linux", false));
        assertTrue(VectorMath.chooseLanewise("", "amd64", "Windows 11", false));
        assertTrue(!VectorMath.chooseLanewise("", "aarch64", "Linux", false));
        assertTrue(!VectorMath.chooseLanewise("", "x86_64", "Mac OS X", false));
        assertTrue(!VectorMath.chooseLanewise("poly", "amd64", "Linux", false));
        assertTrue(VectorMath.chooseLanewise("lanewise", "aarch64", "Linux", false));
    }
}
