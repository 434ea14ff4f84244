package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.EngineThreads;
import dev.lanegrad.engine.Kernels;
import dev.lanegrad.engine.PrepackedGemm;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The input projection done step by step inside the time loop (StepProjection) gives the same bits as the
 * whole-sequence GEMM before it: outputs, final states and every gradient, for every cell, stacked and
 * bidirectional layers, with and without lengths, at one and two threads. The inference pass (Rnn.infer),
 * which keeps a step-by-step projection's gates in step 0's rows and an LSTM's cell state in two blocks of rows,
 * gives the same outputs as forward.
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

    @Property(tries = 40, seed = "22")
    void inferenceEqualsForward(@ForAll RnnMode mode, @ForAll @IntRange(min = 1, max = 2) int layers,
                                @ForAll boolean bidirectional, @ForAll boolean withLengths, @ForAll boolean stepwise,
                                @ForAll @IntRange(min = 1, max = 6) int steps,
                                @ForAll @IntRange(min = 1, max = 20) int batch,
                                @ForAll @IntRange(min = 1, max = 2) int threads, @ForAll long seed) {
        RnnConfig cfg = new RnnConfig(mode, 5, 9, layers, true, bidirectional, 0f);
        RnnProblem pb = new RnnProblem(cfg, steps, batch, withLengths, seed);
        Rnn rnn = new Rnn(pb.params);
        int before = StepProjection.minRows;
        int threadsBefore = EngineThreads.threads();
        try {
            StepProjection.minRows = stepwise ? 1 : Integer.MAX_VALUE;
            EngineThreads.setThreads(threads);
            RnnWorkspace ws = new RnnWorkspace();
            RnnProblem.Run forward = pb.forward(rnn, ws, false, 0L);
            RnnProblem.Run inferred = pb.infer(rnn, ws);
            RnnBehaviourTest.assertRunsClose(mode + " infer vs forward", forward, inferred, 0.0);
            // and the same workspace serves a training pass again afterwards
            RnnProblem.Run again = pb.forwardBackward(rnn, ws, false, 0L);
            RnnBehaviourTest.assertRunsClose(mode + " forward after infer", forward, again, 0.0);
        } finally {
            StepProjection.minRows = before;
            EngineThreads.setThreads(threadsBefore);
        }
    }

    @Example
    void inferenceKeepsNoHistoryAndForbidsBackward() {
        RnnConfig cfg = new RnnConfig(RnnMode.LSTM, 5, 9, 1, true, false, 0f);
        assumeTrue(Kernels.gemm() instanceof PrepackedGemm, "step-by-step projection needs the prepacked GEMM");
        int steps = 4;
        int batch = 12; // >= Rnn.SPLIT_MIN_ROWS: rows split over two threads, never a StepPair
        RnnProblem pb = new RnnProblem(cfg, steps, batch, false, 7L);
        Rnn rnn = new Rnn(pb.params);
        int before = StepProjection.minRows;
        try {
            StepProjection.minRows = 1;
            RnnWorkspace ws = new RnnWorkspace();
            pb.infer(rnn, ws);
            float[] gates = ws.gates[0];
            int stepFloats = batch * cfg.gateRows();
            boolean stepZeroWritten = false;
            for (int i = 0; i < stepFloats; i++) {
                stepZeroWritten |= gates[i] != 0f;
            }
            assertTrue(stepZeroWritten, "the pass's gates are in step 0's rows");
            for (int i = stepFloats; i < steps * stepFloats; i++) {
                assertEquals(0f, gates[i], "gate float " + i + " (step " + i / stepFloats + ") written by infer");
            }
            // the cell state in two blocks of B rows (c0's and the ring's), nothing past them
            float[] cs = ws.cs[0];
            int ringFloats = 2 * batch * cfg.hiddenSize();
            for (int i = ringFloats; i < (steps + 1) * batch * cfg.hiddenSize(); i++) {
                assertEquals(0f, cs[i], "cell-state float " + i + " written by infer past the two-block ring");
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> rnn.backward(ws,
                    null, null, null, new RnnParameters(cfg), null, null, null));
            assertTrue(e.getMessage().contains("infer"), e.getMessage());
        } finally {
            StepProjection.minRows = before;
        }
    }
}
