package dev.lanegrad.engine;

import dev.lanegrad.io.ParityCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sigmoid, tanh, exp, log and their derivatives against PyTorch's golden values
 * (shared/parity/elementwise_{f32,f64}.json, inputs up to |x| = 100, log down to a subnormal):
 * |mine - ref| <= 1e-6 + 1e-4 |ref| for both the float64 truth and PyTorch's float32 results.
 * The derivative goes through the backward kernel with upstream ones and dx starting at 0, from
 * our own forward output (log's from its input). Both providers; the vector one twice: on the
 * golden length (vector body + scalar tail) and padded to whole vectors (every value in lanes).
 */
class ElementwiseParityTest {

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource({"scalar, f64", "scalar, f32", "vector, f64", "vector, f32"})
    void matchesPyTorch(String provider, String dtype) throws Exception {
        ParityCase t = ParityCase.readResource(ElementwiseParityTest.class, "/parity/elementwise_" + dtype + ".json");
        ArrayOps ops = provider.equals("scalar") ? Kernels.scalar().ops() : KernelTestSupport.VECTOR.ops();
        for (String op : new String[]{"sigmoid", "tanh", "exp", "log"}) {
            double[] x = t.doubles(op + ".x");
            assertTrue(x != null && x.length > 100, op + ".x in the golden file");
            for (int pad : new int[]{0, 64 - x.length % 64}) {
                int n = x.length + pad;
                float[] xf = new float[n];
                java.util.Arrays.fill(xf, 1f);
                for (int i = 0; i < x.length; i++) {
                    xf[i] = (float) x[i];
                    assertEquals(x[i], xf[i], op + ".x[" + i + "] is a float32");
                }
                float[] y = new float[n];
                float[] ones = new float[n];
                java.util.Arrays.fill(ones, 1f);
                float[] dx = new float[n];
                switch (op) {
                    case "sigmoid": ops.sigmoid(xf, 0, y, 0, n); ops.sigmoidBackward(y, 0, ones, 0, dx, 0, n); break;
                    case "tanh": ops.tanh(xf, 0, y, 0, n); ops.tanhBackward(y, 0, ones, 0, dx, 0, n); break;
                    case "exp": ops.exp(xf, 0, y, 0, n); ops.expBackward(y, 0, ones, 0, dx, 0, n); break;
                    default: ops.log(xf, 0, y, 0, n); ops.logBackward(xf, 0, ones, 0, dx, 0, n);
                }
                String what = provider + " " + op + " (n = " + n + ") vs PyTorch " + dtype;
                compare(what, t.doubles(op + ".y"), y, x);
                compare(what + " derivative", t.doubles("grad." + op + ".x"), dx, x);
            }
        }
    }

    private static void compare(String what, double[] ref, float[] mine, double[] x) {
        for (int i = 0; i < ref.length; i++) {
            double allowed = 1e-6 + 1e-4 * Math.abs(ref[i]);
            assertTrue(Math.abs(mine[i] - ref[i]) <= allowed,
                    what + " at x = " + x[i] + ": " + mine[i] + " vs " + ref[i] + " (allowed " + allowed + ")");
        }
    }
}
