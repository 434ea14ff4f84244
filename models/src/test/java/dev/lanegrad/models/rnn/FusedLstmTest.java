package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.EngineThreads;
import dev.lanegrad.engine.FusedLstmStep;
import dev.lanegrad.engine.Kernels;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An LSTM inference pass with the engine's fused step (FusedLstm: hidden size a multiple of the lanes, step-by-step
 * projection) gives the same bits as the training forward and as the unfused inference pass: outputs and final
 * states, stacked and bidirectional, with and without biases and lengths, at one and two threads. And it does run:
 * it writes no gates at all.
 */
class FusedLstmTest {

    /** 16 units: a multiple of every lane count (4, 8, 16 floats), so the fused step serves it at any width. */
    private static final int HIDDEN = 16;

    @Property(tries = 30, seed = "31")
    void fusedInferenceEqualsForwardAndUnfused(@ForAll @IntRange(min = 1, max = 2) int layers,
                                               @ForAll boolean bidirectional, @ForAll boolean bias,
                                               @ForAll boolean withLengths,
                                               @ForAll @IntRange(min = 1, max = 6) int steps,
                                               @ForAll @IntRange(min = 1, max = 20) int batch,
                                               @ForAll @IntRange(min = 1, max = 2) int threads, @ForAll long seed) {
        // on the scalar engine (no fused step) this holds too: the unfused inference pass equals forward
        RnnConfig cfg = new RnnConfig(RnnMode.LSTM, 7, HIDDEN, layers, bias, bidirectional, 0f);
        RnnProblem pb = new RnnProblem(cfg, steps, batch, withLengths, seed);
        Rnn rnn = new Rnn(pb.params);
        int minRows = StepProjection.minRows;
        int threadsBefore = EngineThreads.threads();
        try {
            StepProjection.minRows = 1;
            EngineThreads.setThreads(threads);
            RnnWorkspace ws = new RnnWorkspace();
            RnnProblem.Run forward = pb.forward(rnn, ws, false, 0L);
            RnnProblem.Run fused = pb.infer(rnn, ws);
            RnnBehaviourTest.assertRunsClose("fused infer vs forward", forward, fused, 0.0);
            FusedLstm.enabled = false;
            RnnProblem.Run unfused = pb.infer(rnn, new RnnWorkspace());
            RnnBehaviourTest.assertRunsClose("fused vs unfused infer", unfused, fused, 0.0);
        } finally {
            FusedLstm.enabled = true;
            StepProjection.minRows = minRows;
            EngineThreads.setThreads(threadsBefore);
        }
    }

    @Example
    void fusedPassWritesNoGates() {
        assumeTrue(Kernels.gemm() instanceof FusedLstmStep, "the fused step is the vector engine's");
        RnnConfig cfg = new RnnConfig(RnnMode.LSTM, 5, HIDDEN, 1, true, false, 0f);
        RnnProblem pb = new RnnProblem(cfg, 4, 12, false, 9L);
        Rnn rnn = new Rnn(pb.params);
        int minRows = StepProjection.minRows;
        try {
            StepProjection.minRows = 1;
            RnnWorkspace ws = new RnnWorkspace();
            RnnProblem.Run run = pb.infer(rnn, ws);
            for (float g : ws.gates[0]) {
                assertEquals(0f, g, "a gate written: the pass did not run fused");
            }
            boolean state = false;
            for (float h : run.out.data()) {
                state |= h != 0f;
            }
            assertTrue(state, "the pass wrote its hidden states");
            FusedLstm.enabled = false;
            RnnWorkspace unfused = new RnnWorkspace();
            pb.infer(rnn, unfused);
            boolean written = false;
            for (float g : unfused.gates[0]) {
                written |= g != 0f;
            }
            assertTrue(written, "the unfused pass writes its gates (so the check above can fail)");
        } finally {
            FusedLstm.enabled = true;
            StepProjection.minRows = minRows;
        }
    }

    @Example
    void onlyLstmsOfAFittingSizeAreFused() {
        assumeTrue(Kernels.gemm() instanceof FusedLstmStep, "the fused step is the vector engine's");
        RnnConfig lstm = new RnnConfig(RnnMode.LSTM, 5, HIDDEN, 1, true, false, 0f);
        RnnConfig gru = new RnnConfig(RnnMode.GRU, 5, HIDDEN, 1, true, false, 0f);
        assertTrue(FusedLstm.engine(Kernels.gemm(), new LstmCell(lstm, Kernels.recurrent(), Kernels.ops()), 5, HIDDEN) != null);
        assertFalse(FusedLstm.engine(Kernels.gemm(), new GruCell(gru, Kernels.recurrent(), Kernels.ops()), 5, HIDDEN) != null, "a GRU");
        assertFalse(FusedLstm.engine(Kernels.gemm(), new LstmCell(lstm, Kernels.recurrent(), Kernels.ops()), 5, 9) != null, "9 units: no multiple of the lanes");
    }
}
