package dev.lanegrad.engine.vector;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelShapeTest {

    @Test
    void bitsNoWiderThanPreferred() {
        assertEquals(512, KernelShape.bits(null, 512));
        assertEquals(512, KernelShape.bits(" ", 512));
        assertEquals(128, KernelShape.bits("128", 512));
        assertEquals(256, KernelShape.bits("256", 512));
        assertEquals(256, KernelShape.bits("512", 256), "wider than preferred: one warning, then the preferred width");
    }

    @Test
    void badBitsNameThePropertyAndTheValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelShape.bits("300", 512));
        assertTrue(e.getMessage().contains("-Dlanegrad.vector.bits=300"), e.getMessage());
        assertTrue(e.getMessage().contains("expected 128, 256 or 512"), e.getMessage());
    }

    @Test
    void registersFollowTheArchitecture() {
        assertEquals(16, KernelShape.registers(null, "amd64", 256), "AVX2: 16 ymm");
        assertEquals(32, KernelShape.registers(null, "amd64", 512), "AVX-512: 32 zmm (EVEX)");
        assertEquals(16, KernelShape.registers(null, "x86_64", 128), "SSE: 16 xmm");
        assertEquals(32, KernelShape.registers(null, "aarch64", 128), "NEON: 32");
        assertEquals(16, KernelShape.registers("16", "amd64", 512));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelShape.registers("24", "amd64", 512));
        assertTrue(e.getMessage().contains("-Dlanegrad.vector.registers=24: expected 16 or 32"), e.getMessage());
    }

    @Test
    void longTransposedReductionsUseShallowBlocks() {
        assertEquals(KernelShape.KC, KernelShape.depth(false, 10_000), "forward products keep KC");
        assertEquals(KernelShape.KC, KernelShape.depth(true, KernelShape.KC), "one block: unchanged");
        assertEquals(KernelShape.KC_LONG, KernelShape.depth(true, KernelShape.KC + 1));
        assertTrue(KernelShape.KC % KernelShape.KC_LONG == 0);
    }
}
