package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.EngineThreads;
import dev.lanegrad.engine.Kernels;
import dev.lanegrad.engine.PrepackedGemm;
import dev.lanegrad.engine.testing.BusyPool;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With two engine threads, a forward over fewer than Rnn.SPLIT_MIN_ROWS rows runs each time loop in two
 * threads in step (StepPair: W_hh's columns split for the product, rows for the pointwise step). Every
 * element is computed as alone, so outputs, states and (after a backward on one thread) every gradient
 * equal the one-thread run bit for bit: hidden sizes on both sides of the 64-column panel, variable
 * lengths, both directions, several layers; an inference pass, split by hidden units, too.
 */
class StepPairTest {

    @Property(tries = 60, seed = "29")
    void twoThreadsInStepEqualOneBitForBit(@ForAll RnnMode mode, @ForAll @IntRange(min = 1, max = 2) int layers,
                                           @ForAll boolean bidirectional, @ForAll boolean withLengths,
                                           @ForAll @IntRange(min = 1, max = 5) int steps,
                                           @ForAll @IntRange(min = 1, max = 7) int batch,
                                           @ForAll @IntRange(min = 1, max = 80) int hidden, @ForAll long seed) {
        RnnConfig cfg = new RnnConfig(mode, 6, hidden, layers, true, bidirectional, 0f);
        RnnProblem pb = new RnnProblem(cfg, steps, batch, withLengths, seed);
        RnnProblem.Run one = pb.atThreads(1, new RnnWorkspace(), false, 0L);
        // at two threads with -Dlanegrad.rnn.pairMinMacs=1 (this module's tests), StepPair.pays is exactly this
        Statistics.label("two threads in step").collect(packing() && batch < Rnn.SPLIT_MIN_ROWS);
        RnnWorkspace ws = new RnnWorkspace();
        RnnBehaviourTest.assertRunsClose(mode + " two threads in step vs one", one, pb.atThreads(2, ws, false, 0L), 0.0);
        // the same workspace (its W_hh halves packed once) and the thread's reused pair, again
        RnnBehaviourTest.assertRunsClose(mode + " again", one, pb.atThreads(2, ws, false, 0L), 0.0);
        // an inference pass splits the hidden units instead (PackedWeight#packByUnits: each thread the product
        // and pointwise step of its units, one meeting per step), across the 16-unit boundary and a scalar tail;
        // on the same workspace, after the training passes and before another
        Statistics.label("split by units").collect(packing() && batch < Rnn.SPLIT_MIN_ROWS && PackedWeight.splitsByUnits(hidden));
        RnnBehaviourTest.assertRunsClose(mode + " inference", inferAtTwoThreads(pb, ws), one, 0.0);
        RnnBehaviourTest.assertRunsClose(mode + " forward after inference", one, pb.atThreads(2, ws, false, 0L), 0.0);
        // with the SIMD kernels (a packing GEMM) the two-thread loops must run (this module's tests set
        // -Dlanegrad.rnn.pairMinMacs=1), not only the one-thread one
        if (packing()) {
            Statistics.label("two threads in step").coverage(c -> c.check(true).percentage(p -> p > 30));
            Statistics.label("split by units").coverage(c -> c.check(true).percentage(p -> p > 20));
        }
    }

    private static RnnProblem.Run inferAtTwoThreads(RnnProblem pb, RnnWorkspace ws) {
        int threads = EngineThreads.threads();
        try {
            EngineThreads.setThreads(2);
            return pb.infer(new Rnn(pb.params), ws);
        } finally {
            EngineThreads.setThreads(threads);
        }
    }

    /**
     * A workspace whose last pass was an inference by units serves the other paths next: a wider inference
     * (the fused LSTM step, which packs nothing into the hidden weights) and a training pass, as a fresh one.
     */
    @Test
    void aWorkspaceAfterAnInferenceByUnitsServesOtherPassesAsFresh() {
        Assumptions.assumeTrue(packing(), "StepPair runs with a packing GEMM only");
        RnnConfig cfg = new RnnConfig(RnnMode.LSTM, 6, 48, 2, true, false, 0f);
        RnnProblem narrow = new RnnProblem(cfg, 4, 2, false, 3L);
        RnnProblem wide = new RnnProblem(cfg, 4, 9, false, 5L);
        Rnn rnn = new Rnn(narrow.params);
        Rnn wideRnn = new Rnn(wide.params);
        int threads = EngineThreads.threads();
        int minRows = StepProjection.minRows;
        try {
            EngineThreads.setThreads(2);
            StepProjection.minRows = 1; // the wide batch's pass projects step by step: the fused LSTM step
            RnnProblem.Run wideFresh = wide.infer(wideRnn, new RnnWorkspace());
            RnnWorkspace ws = new RnnWorkspace();
            narrow.infer(rnn, ws);
            RnnBehaviourTest.assertRunsClose("wide inference after one by units", wideFresh, wide.infer(wideRnn, ws), 0.0);
        } finally {
            EngineThreads.setThreads(threads);
            StepProjection.minRows = minRows;
        }
    }

    /**
     * A pass that starts while the last pass's worker still waits for more (StepPair.LINGER_NANOS) is handed
     * to it instead of to the pool, and computes the same bits. Forwards back to back, up to 2,000 of them:
     * while the JVM still interprets the code a gap between two passes can outlast the wait, but compiled
     * they follow each other within microseconds.
     */
    @Test
    void aPassStartedWhileTheLastPassesWorkerWaitsIsHandedToIt() {
        Assumptions.assumeTrue(packing() && StepPair.LINGER_NANOS > 0, "StepPair runs with a packing GEMM only");
        RnnProblem pb = new RnnProblem(new RnnConfig(RnnMode.LSTM, 6, 40, 1, true, false, 0f), 5, 2, false, 7L);
        Rnn rnn = new Rnn(pb.params);
        int threads = EngineThreads.threads();
        EngineThreads.setThreads(1);
        RnnProblem.Run one = pb.forward(rnn, new RnnWorkspace(), false, 0L);
        EngineThreads.setThreads(2);
        try {
            RnnWorkspace ws = new RnnWorkspace();
            long before = StepPair.handedPasses();
            for (int i = 0; i < 2_000 && StepPair.handedPasses() == before; i++) {
                RnnBehaviourTest.assertRunsClose("pass " + i, one, pb.forward(rnn, ws, false, 0L), 0.0);
            }
            assertTrue(StepPair.handedPasses() > before, "no pass of 2,000 was handed to a waiting worker");
        } finally {
            EngineThreads.setThreads(threads);
        }
    }

    /**
     * When the pool's workers are all busy, the caller runs the whole loop alone (it never waits for a
     * worker), with W_ih and W_hh packed in halves: the same bits, for each cell, with lengths, both directions.
     */
    @Test
    void aCallerWhoseWorkerNeverStartsRunsTheLoopAloneToTheSameBits() throws Exception {
        Assumptions.assumeTrue(packing(), "StepPair runs with a packing GEMM only");
        RnnMode[] modes = RnnMode.values();
        RnnProblem[] problems = new RnnProblem[modes.length];
        RnnProblem.Run[] alone = new RnnProblem.Run[modes.length];
        for (int m = 0; m < modes.length; m++) {
            problems[m] = new RnnProblem(new RnnConfig(modes[m], 6, 40, 2, true, true, 0f), 4, 3, true, 11L);
            alone[m] = problems[m].atThreads(1, new RnnWorkspace(), false, 0L);
        }
        int before = EngineThreads.threads();
        EngineThreads.setThreads(2);
        try (BusyPool busy = BusyPool.occupy()) { // both workers of the two-thread pool busy until the end
            for (int m = 0; m < modes.length; m++) {
                long solo = StepPair.soloPasses();
                RnnBehaviourTest.assertRunsClose(modes[m] + " alone", alone[m],
                        problems[m].atThreads(2, new RnnWorkspace(), false, 0L), 0.0);
                assertTrue(StepPair.soloPasses() > solo, modes[m] + ": no pass ran alone");
                // an inference pass packed by units runs both units' halves alone
                solo = StepPair.soloPasses();
                RnnBehaviourTest.assertRunsClose(modes[m] + " inference alone",
                        problems[m].infer(new Rnn(problems[m].params), new RnnWorkspace()), alone[m], 0.0);
                assertTrue(StepPair.soloPasses() > solo, modes[m] + ": no inference pass ran alone");
            }
        } finally {
            EngineThreads.setThreads(before);
        }
    }

    /** Whether the default GEMM packs (the SIMD kernels): only then does StepPair run. */
    private static boolean packing() {
        return Kernels.gemm() instanceof PrepackedGemm;
    }
}
