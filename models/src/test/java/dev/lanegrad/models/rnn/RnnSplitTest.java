package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.EngineThreads;
import dev.lanegrad.engine.KernelProvider;
import dev.lanegrad.engine.Kernels;
import dev.lanegrad.engine.PrepackedGemm;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * With two engine threads, a batch of at least Rnn.SPLIT_MIN_ROWS rows runs each time loop split over
 * two threads (rows are independent) and W_hh prepacked: the results equal the one-thread run within a
 * few float ulps (not bitwise: when one row is left active in a half, that half's product takes the
 * one-row kernel, which sums even and odd k apart) and the scalar specification within float tolerance,
 * with variable lengths, both directions, several layers and dropout.
 */
class RnnSplitTest {

    @Property(tries = 40, seed = "11")
    void twoThreadsEqualOneAndTheSpecification(@ForAll RnnMode mode, @ForAll @IntRange(min = 1, max = 2) int layers,
                                               @ForAll boolean bidirectional, @ForAll boolean withLengths,
                                               @ForAll @IntRange(min = 1, max = 6) int steps,
                                               @ForAll @IntRange(min = 8, max = 37) int batch, @ForAll long seed) {
        RnnProblem pb = new RnnProblem(new RnnConfig(mode, 5, 9, layers, true, bidirectional, 0.25f), steps, batch, withLengths, seed);
        RnnProblem.Run one = pb.atThreads(1, new RnnWorkspace(), true, 3L);
        RnnWorkspace ws = new RnnWorkspace();
        RnnProblem.Run two = pb.atThreads(2, ws, true, 3L);
        RnnBehaviourTest.assertRunsClose(mode + " 2 threads vs 1", one, two, 1e-6);
        // the workspace's pool task is reused by the next call
        RnnBehaviourTest.assertRunsClose(mode + " 2 threads, reused workspace", two, pb.atThreads(2, ws, true, 3L), 0.0);
        KernelProvider scalar = Kernels.scalar();
        RnnProblem.Run spec = pb.forwardBackward(new Rnn(pb.params, scalar.gemm(), scalar.ops(), scalar.recurrent()),
                new RnnWorkspace(), true, 3L);
        RnnBehaviourTest.assertRunsClose(mode + " 2 threads vs scalar", spec, two, 1e-5);
    }

    /** The split row with two threads for a batch of these lengths (steps = the longest), tiles of 4 rows. */
    private static int split(int... lengths) {
        return split(4, lengths);
    }

    /** The same for a product whose whole tiles cover the multiples of rowMultiple (from 4 rows on). */
    private static int split(int rowMultiple, int... lengths) {
        RnnConfig cfg = new RnnConfig(RnnMode.GRU, 2, 3, 1, true, false, 0f);
        RnnWorkspace ws = new RnnWorkspace();
        ws.prepareForward(cfg, RnnParameters.initUniform(cfg, 1L), Arrays.stream(lengths).max().orElseThrow(),
                lengths.length, lengths);
        return BatchSplit.rows(ws, new RowTiles(rowMultiple), ws.steps);
    }

    /** A prepacked GEMM that only answers rowMultiple: BatchSplit.rows asks nothing else. */
    private record RowTiles(int rowMultiple) implements PrepackedGemm {
        @Override
        public int packedSize(int k, int n) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void pack(boolean transB, int k, int n, float[] b, int bOff, int ldb, float[] packed, int packedOff) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void multiply(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                             float[] packed, int packedOff, float beta, float[] c, int cOff, int ldc) {
            throw new UnsupportedOperationException();
        }
    }

    private static int[] lengths(int longRows, int longLength, int shortRows, int shortLength) {
        int[] l = new int[longRows + shortRows];
        Arrays.fill(l, 0, longRows, longLength);
        Arrays.fill(l, longRows, l.length, shortLength);
        return l;
    }

    @Test
    void theCallerTakesTheLongestRowsUpToHalfTheTokens() {
        int before = EngineThreads.threads();
        try {
            EngineThreads.setThreads(2);
            assertEquals(16, split(lengths(32, 100, 0, 0)), "equal lengths: half the rows");
            assertEquals(8, split(lengths(5, 7, 5, 7)), "10 equal rows: 5 rounded up to 8");
            assertEquals(8, split(lengths(16, 100, 16, 10)), "16 x 100 + 16 x 10: 8 long rows each");
            assertEquals(12, split(lengths(1, 100, 31, 10)), "1 x 100 + 31 x 10: 11 rows, rounded up");
            assertEquals(4, split(lengths(1, 1000, 31, 10)), "one row over half the tokens: one tile");
            // 6 x 2 tiles (16 registers, JDK 17) cover every even count from 4: halves of 6 rows, not 8 + 4
            assertEquals(6, split(2, lengths(12, 50, 0, 0)), "12 equal rows at 6-row tiles: 6 + 6");
            assertEquals(10, split(2, lengths(20, 50, 0, 0)), "20 equal rows: 10 + 10");
            assertEquals(6, split(2, lengths(5, 7, 5, 7)), "10 equal rows: 5 rounded up to 6");
            assertEquals(4, split(2, lengths(1, 1000, 31, 10)), "never fewer than 4 rows: a 2-row half is a padded tile");
            EngineThreads.setThreads(1);
            assertEquals(0, split(lengths(32, 100, 0, 0)), "one thread: no split");
        } finally {
            EngineThreads.setThreads(before);
        }
    }
}
