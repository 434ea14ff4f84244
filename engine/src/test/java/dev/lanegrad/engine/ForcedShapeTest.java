package dev.lanegrad.engine;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's surefire executions force each width and each tile (engine/pom.xml); this
 * test fails when a forced shape is silently ignored, so the properties that run in the same JVM are
 * known to have exercised it.
 */
class ForcedShapeTest {

    private static final KernelInfo.Shape SHAPE = Kernels.describe().shape();

    @Test
    void forcedWidthIsHonoured() {
        String forced = System.getProperty("lanegrad.vector.bits", "");
        Assumptions.assumeFalse(forced.isEmpty(), "no -Dlanegrad.vector.bits in this execution");
        int bits = Integer.parseInt(forced.trim());
        Assumptions.assumeTrue(bits <= SHAPE.preferredBits(),
                "this CPU prefers " + SHAPE.preferredBits() + "-bit vectors, narrower than the forced " + bits);
        assertEquals(bits, SHAPE.bits(), "-Dlanegrad.vector.bits=" + bits);
        assertEquals(bits / 32, SHAPE.lanes());
    }

    @Test
    void widerThanPreferredFallsBackToPreferred() {
        String forced = System.getProperty("lanegrad.vector.bits", "");
        Assumptions.assumeFalse(forced.isEmpty(), "no -Dlanegrad.vector.bits in this execution");
        int bits = Integer.parseInt(forced.trim());
        Assumptions.assumeTrue(bits > SHAPE.preferredBits(), "the forced width fits this CPU");
        assertEquals(SHAPE.preferredBits(), SHAPE.bits());
    }

    @Test
    void forcedRegistersAreHonoured() {
        String forced = System.getProperty("lanegrad.vector.registers", "");
        Assumptions.assumeFalse(forced.isEmpty(), "no -Dlanegrad.vector.registers in this execution");
        assertEquals(Integer.parseInt(forced.trim()), SHAPE.registers());
    }

    @Test
    void forcedTileRowsAreHonoured() {
        String forced = System.getProperty("lanegrad.vector.tileRows", "");
        Assumptions.assumeFalse(forced.isEmpty(), "no -Dlanegrad.vector.tileRows in this execution");
        assertEquals(Integer.parseInt(forced.trim()), SHAPE.mr(), "-Dlanegrad.vector.tileRows=" + forced
                + " at " + SHAPE.registers() + " registers");
    }

    @Test
    void forcedL2ColumnsAreHonoured() {
        String forced = System.getProperty("lanegrad.vector.l2Columns", "");
        Assumptions.assumeFalse(forced.isEmpty(), "no -Dlanegrad.vector.l2Columns in this execution");
        assertEquals(Integer.parseInt(forced.trim()), SHAPE.l2Columns(), "-Dlanegrad.vector.l2Columns=" + forced);
    }

    @Test
    void theTileFitsTheRegisters() {
        assertTrue(SHAPE.tileRegisters() <= SHAPE.registers(),
                "tile " + SHAPE.mr() + "x" + SHAPE.nr() + " needs " + SHAPE.tileRegisters() + " of " + SHAPE.registers());
        assertEquals(0, SHAPE.nr() % SHAPE.lanes(), "the tile is a whole number of vectors");
        assertEquals(0, SHAPE.mc() % SHAPE.mr(), "MC is a whole number of tiles");
    }

    @Test
    void describeNamesWhatRuns() {
        KernelInfo info = Kernels.describe();
        assertEquals(Kernels.provider().name(), info.kernels());
        assertEquals(EngineThreads.threads(), info.threads());
        String text = info.toText();
        assertTrue(text.contains("species:       " + SHAPE.bits() + " bits"), text);
        assertTrue(text.contains("gemm tile:     " + SHAPE.mr() + " x " + SHAPE.nr()), text);
    }

    @Test
    void activationsRunAtTheChosenWidth() {
        // VectorMath (the activations and fused steps) runs at the species the GEMM runs at, forced or not
        assertEquals(SHAPE.bits(), SHAPE.activationBits(),
                "VectorMath.F is " + SHAPE.activationBits() + "-bit, not the chosen " + SHAPE.bits() + "-bit species");
    }
}
