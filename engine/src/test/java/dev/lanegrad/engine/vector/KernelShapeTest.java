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
    void sixteenRegisterTileRowsFollowTheJdk() {
        assertEquals(6, KernelShape.tileRows(null, 17), "JDK 17's C2 keeps the 6 x 2 loop in 15 registers");
        assertEquals(5, KernelShape.tileRows(null, 25), "JDK 25's C2 needs 17 registers for 6 x 2");
        assertEquals(5, KernelShape.tileRows(null, 21), "unmeasured JDKs get the tile with room to spare");
        assertEquals(6, KernelShape.tileRows("6", 25));
        assertEquals(5, KernelShape.tileRows(" 5 ", 17));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelShape.tileRows("4", 17));
        assertTrue(e.getMessage().contains("-Dlanegrad.vector.tileRows=4: expected 5 or 6"), e.getMessage());
    }

    @Test
    void thirtyTwoRegisterTileRows() {
        assertEquals(6, KernelShape.wideTileRows(null), "6 x 4 vectors: 29 of 32 registers");
        assertEquals(6, KernelShape.wideTileRows(" "));
        assertEquals(4, KernelShape.wideTileRows("4"), "the 4 x 4 tile, for measurements");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelShape.wideTileRows("5"));
        assertTrue(e.getMessage().contains("-Dlanegrad.vector.tileRows=5: expected 4 or 6"), e.getMessage());
    }

    @Test
    void l2ColumnsAreWholePanelsOfOneBlock() {
        assertEquals(512, KernelShape.l2Columns(null, 512, 64));
        assertEquals(128, KernelShape.l2Columns(" 128 ", 512, 64));
        assertEquals(KernelShape.NC, KernelShape.l2Columns(String.valueOf(KernelShape.NC), 512, 64));
        for (String bad : new String[]{"0", "100", "-64", "many", String.valueOf(KernelShape.NC + 64)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelShape.l2Columns(bad, 512, 64));
            assertTrue(e.getMessage().contains("-Dlanegrad.vector.l2Columns=" + bad + ": expected a multiple of 64 from 64 to "
                    + KernelShape.NC), e.getMessage());
        }
        assertTrue(KernelShape.L2_COLUMNS % KernelShape.NR == 0 && KernelShape.L2_COLUMNS <= KernelShape.NC,
                "L2_COLUMNS " + KernelShape.L2_COLUMNS);
    }

    @Test
    void sliversCoverEveryRowCountWithFewPaddedRows() {
        for (int rows = 1; rows <= 3 * KernelShape.MC; rows++) {
            int computed = 0;
            for (int rem = rows, h; rem > 0; rem -= h) {
                h = KernelShape.sliverRows(rem);
                assertTrue(h == KernelShape.MR || h == KernelShape.MR_SMALL, "sliver of " + h);
                computed += h;
            }
            int padded = computed - rows;
            assertTrue(padded < KernelShape.MR_SMALL, rows + " rows: " + padded + " padded");
            if (KernelShape.MR == 5 && rows >= 12 || KernelShape.MR == 6 && rows >= 4 && rows % 2 == 0
                    || rows >= 4 && rows % KernelShape.ROW_MULTIPLE == 0) {
                assertEquals(0, padded, rows + " rows");
            }
        }
    }

    @Test
    void inPlaceSliversEndAtTheBlockAndLeaveAFewRows() {
        for (int rows = 1; rows <= 3 * KernelShape.MC; rows++) {
            int inPlace = KernelShape.inPlaceRows(rows);
            int covered = 0;
            for (int rem = inPlace, h; rem > 0; rem -= h) {
                h = KernelShape.sliverRows(rem);
                assertTrue(h == KernelShape.MR || h == KernelShape.MR_SMALL, rows + " rows: sliver of " + h);
                assertTrue(h <= rem, rows + " rows: a sliver of " + h + " read in place past the block's last row");
                covered += h;
            }
            assertEquals(inPlace, covered, rows + " rows");
            assertTrue(rows - inPlace < KernelShape.MR_SMALL, rows + " rows: " + (rows - inPlace) + " packed");
            if (rows >= 4 && rows % KernelShape.ROW_MULTIPLE == 0) {
                assertEquals(rows, inPlace, rows + " rows: all in place");
            }
        }
    }

    @Test
    void longTransposedReductionsUseShallowBlocks() {
        assertEquals(KernelShape.KC, KernelShape.depth(false, 10_000), "forward products keep KC");
        assertEquals(KernelShape.KC, KernelShape.depth(true, KernelShape.KC), "one block: unchanged");
        assertEquals(KernelShape.KC_LONG, KernelShape.depth(true, KernelShape.KC + 1));
        assertTrue(KernelShape.KC % KernelShape.KC_LONG == 0);
    }
}
