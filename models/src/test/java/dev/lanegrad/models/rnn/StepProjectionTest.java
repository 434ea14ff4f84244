package dev.lanegrad.models.rnn;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The input projection done step by step inside the time loop (StepProjection) gives the same bits as the
 * whole-sequence GEMM before it: outputs, final states and every gradient, for every cell, stacked and
 * bidirectional layers, with and without lengths, at one and two threads.
 */
class StepProjectionTest {

    @Property(tries = 40, seed = "21")
    void stepByStepEqualsTheWholeSequence(@ForAll RnnMode mode, @ForAll @IntRange(min = 1, max = 2) int layers,
                                          @ForAll boolean bidirectional, @ForAll boolean withLengths,
                                          @ForAll @IntRange(min = 1, max = 6) int steps,
                                          @ForAll @IntRange(min = 1, max = 20) int batch,
                                          @ForAll @IntRange(min = 1, max = 2) int threads, @ForAll long seed) {
        RnnConfig cfg = new RnnConfig(mode, 5, 9, layers, true, bidirectional, 0f);
        RnnProblem pb = new RnnProblem(cfg, steps, batch, withLengths, seed);
        int before = StepProjection.minRows;
        try {
            StepProjection.minRows = Integer.MAX_VALUE;
            RnnProblem.Run whole = pb.atThreads(threads, new RnnWorkspace(), true, 0L);
            StepProjection.minRows = 1;
            RnnProblem.Run stepwise = pb.atThreads(threads, new RnnWorkspace(), true, 0L);
            RnnBehaviourTest.assertRunsClose(mode + " step-by-step projection vs whole", whole, stepwise, 0.0);
        } finally {
            StepProjection.minRows = before;
        }
    }
}
