package dev.lanegrad.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelsTest {

    @Test
    void forcedScalarIsTheSpecification() {
        assertSame(Kernels.scalar(), Kernels.choose("scalar"));
        assertEquals("scalar", Kernels.scalar().name());
    }

    @Test
    void unknownChoiceNamesTheExpectedValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.choose("gpu"));
        assertTrue(e.getMessage().contains("expected scalar or vector"), e.getMessage());
    }

    @Test
    void badGemmOperandIsNamed() {
        float[] a = new float[6];
        float[] b = new float[6];
        float[] c = new float[3];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Kernels.scalar().gemm().sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2));
        assertTrue(e.getMessage().contains("C (2, 2, ld 2)"), e.getMessage());
    }
}
