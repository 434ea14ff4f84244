package dev.lanegrad.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A wrong GEMM call fails loudly, naming the operand, in both implementations. */
class GemmArgumentsTest {

    static List<Gemm> gemms() {
        return List.of(GemmVectorProperties.SCALAR, GemmVectorProperties.VECTOR);
    }

    private static void assertNames(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' should name " + expected);
    }

    @ParameterizedTest
    @MethodSource("gemms")
    void badOperandsAreNamed(Gemm gemm) {
        float[] a = new float[6];
        float[] b = new float[6];
        float[] c = new float[4];
        // C (2, 2) with ld 2 fits in 4; each case breaks one thing
        assertNames("m = -1", () -> gemm.sgemm(false, false, -1, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2));
        assertNames("k = -3", () -> gemm.sgemm(false, false, 2, 2, -3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2));
        assertNames("A (2, 3", () -> gemm.sgemm(false, false, 2, 2, 3, 1f, a, 1, 3, b, 0, 2, 0f, c, 0, 2));
        assertNames("A^T (3, 2", () -> gemm.sgemm(true, false, 2, 2, 3, 1f, a, 0, 1, b, 0, 2, 0f, c, 0, 2));
        assertNames("B (3, 2", () -> gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, new float[5], 0, 2, 0f, c, 0, 2));
        assertNames("B^T (2, 3", () -> gemm.sgemm(false, true, 2, 2, 3, 1f, a, 0, 3, b, 0, 4, 0f, c, 0, 2));
        assertNames("C (2, 2, ld 2)", () -> gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 1, 2));
        assertNames("C (2, 2, ld 3)", () -> gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 3));
        assertNames("A (2, 3, ld 3) is null", () -> gemm.sgemm(false, false, 2, 2, 3, 1f, null, 0, 3, b, 0, 2, 0f, c, 0, 2));
        assertNames("A (2, 3, ld 3) needs elements [-1", () -> gemm.sgemm(false, false, 2, 2, 3, 1f, a, -1, 3, b, 0, 2, 0f, c, 0, 2));
    }

    @ParameterizedTest
    @MethodSource("gemms")
    void emptyProductsNeedNoElements(Gemm gemm) {
        float[] none = new float[0];
        assertDoesNotThrow(() -> gemm.sgemm(false, true, 0, 0, 0, 1f, none, 0, 1, none, 0, 1, 0f, none, 0, 1));
        float[] c = {Float.NaN, Float.NaN};
        // k = 0 with beta = 0 clears C, even NaN
        gemm.sgemm(false, false, 1, 2, 0, 1f, none, 0, 1, none, 0, 2, 0f, c, 0, 2);
        assertTrue(c[0] == 0f && c[1] == 0f, () -> java.util.Arrays.toString(c));
    }
}
