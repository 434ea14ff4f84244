package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.Kernels;
import dev.lanegrad.engine.PrepackedGemm;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A repeated forward + backward with the same shapes, and a repeated stream step, reuse their buffers.
 * Measured in bytes allocated by this thread (com.sun.management.ThreadMXBean), never in time.
 *
 * The layer's own code is measured on {@link NoOpKernels} and must allocate nothing per step. With the
 * engine's kernels the bound is looser: their argument checks currently build their message strings on
 * every call (measured ~32-96 bytes per call after C2 warm-up), which is the engine's to fix; what we
 * assert there is that no workspace buffer is reallocated.
 */
class RnnAllocationTest {

    /** An upper bound on the runs to steady state (run alone, the whole class takes under a second on Zen 5). */
    private static final int MAX_RUNS = 2000;

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /** The fewest bytes allocated by one of several repeated forward+backward runs after the first. */
    private static long repeatedRunBytes(Rnn rnn, RnnProblem pb, RnnWorkspace ws) {
        RnnConfig cfg = pb.cfg;
        FloatView x = pb.xView();
        FloatView h0 = pb.h0View();
        FloatView c0 = pb.c0View();
        FloatView out = FloatView.zeros(pb.steps, pb.batch, cfg.outputSize());
        FloatView hn = FloatView.zeros(pb.stateShape());
        FloatView cn = c0 == null ? null : FloatView.zeros(pb.stateShape());
        FloatView dOut = FloatView.of(pb.r, pb.steps, pb.batch, cfg.outputSize());
        FloatView dHn = FloatView.of(pb.rh, pb.stateShape());
        FloatView dCn = pb.rc == null ? null : FloatView.of(pb.rc, pb.stateShape());
        RnnParameters grads = new RnnParameters(cfg);
        FloatView dx = FloatView.zeros(pb.xShape());
        FloatView dh0 = FloatView.zeros(pb.stateShape());
        FloatView dc0 = c0 == null ? null : FloatView.zeros(pb.stateShape());
        // The steady state is what counts: until C2 has compiled the kernels, the interpreter and C1 allocate
        // every vector they touch (run alone, five runs allocated 0.9-7.6 MB each; after the rest of the suite
        // had warmed the JIT, none). So run until a run allocates next to nothing, or give up after MAX_RUNS.
        long least = Long.MAX_VALUE;
        for (int run = 0; run < MAX_RUNS && least >= 1024; run++) {
            long before = allocatedBytes();
            rnn.forward(ws, x, pb.lengths, h0, c0, true, run, out, hn, cn);
            rnn.backward(ws, dOut, dHn, dCn, grads, dx, dh0, dc0);
            long used = allocatedBytes() - before;
            if (run > 0) {
                least = Math.min(least, used);
            }
        }
        return least;
    }

    private static RnnProblem problem(RnnMode mode, int steps) {
        return new RnnProblem(new RnnConfig(mode, 16, 32, 2, true, true, 0.3f), steps, 8, true, 7L);
    }

    @Test
    void theLayerItselfAllocatesNothingInARepeatedForwardBackward() {
        NoOpKernels k = NoOpKernels.INSTANCE;
        for (RnnMode mode : RnnMode.values()) {
            RnnProblem pb = problem(mode, 64);
            long used = repeatedRunBytes(new Rnn(pb.params, k, k, k), pb, new RnnWorkspace());
            assertTrue(used < 1024, mode + ": a repeated forward+backward of 64 steps allocated " + used + " bytes");
        }
    }

    @Test
    void withTheEngineKernelsNoWorkspaceBufferIsReallocated() {
        for (RnnMode mode : RnnMode.values()) {
            RnnProblem pb = problem(mode, 64);
            RnnWorkspace ws = new RnnWorkspace();
            long used = repeatedRunBytes(new Rnn(pb.params), pb, ws);
            long held = 4 * ws.floatsHeld();
            assertTrue(used < 1024, mode + ": a repeated forward+backward of 64 steps allocated " + used
                    + " bytes (workspace " + held + " bytes)");
        }
    }

    @Test
    void aStreamStepAllocatesNothing() {
        NoOpKernels k = NoOpKernels.INSTANCE;
        for (RnnMode mode : RnnMode.values()) {
            RnnConfig cfg = new RnnConfig(mode, 16, 32, 2, true, false, 0f);
            Rnn rnn = new Rnn(RnnParameters.initUniform(cfg, 3L), k, k, k);
            RnnStreamState state = rnn.newStreamState(4);
            FloatView x = FloatView.zeros(4, 16);
            FloatView out = FloatView.zeros(4, 32);
            for (int i = 0; i < 10; i++) {
                rnn.step(state, x, out);
            }
            long least = Long.MAX_VALUE;
            for (int round = 0; round < 3; round++) {
                long before = allocatedBytes();
                for (int i = 0; i < 1000; i++) {
                    rnn.step(state, x, out);
                }
                least = Math.min(least, allocatedBytes() - before);
            }
            // a few hundred bytes may come once from the JIT's bookkeeping; per step it would be >= 16000
            assertTrue(least < 4096, mode + ": 1000 stream steps allocated " + least + " bytes");
        }
    }

    /**
     * A busy machine makes PairBackoff alternate a batch-1 inference between a StepPair's passes (W_hh and W_ih
     * packed in halves of the hidden units) and passes on one thread (packed whole). Each layout keeps its own
     * panels, so switching back and forth packs nothing again: with one set of panels, every switch to the pair
     * packed both weights anew, with a temporary of half of each (40 KB a round here).
     */
    @Test
    void switchingBetweenPairedAndSoloPassesRepacksNeitherWeight() {
        Gemm gemm = Kernels.gemm();
        assumeTrue(gemm instanceof PrepackedGemm, "the kernels in use do not prepack");
        PrepackedGemm packed = (PrepackedGemm) gemm;
        int in = 16;
        int hidden = 64;
        RnnConfig cfg = new RnnConfig(RnnMode.LSTM, in, hidden, 1, true, false, 0f);
        RnnParameters p = RnnParameters.initUniform(cfg, 3L);
        assertTrue(PackedWeight.splitsByUnits(hidden));
        Cell.HiddenWeights weights = new Cell.HiddenWeights();
        StepProjection projection = new StepProjection();
        float[] x = new float[in];
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 50 && least >= 1024; round++) {
            long before = allocatedBytes();
            for (boolean pair : new boolean[]{true, false}) {
                weights.forForward(gemm, packed, p, 0, pair, pair);
                projection.set(packed, p.weightIh(0), p.weightIhOff(0), cfg.gateRows(), hidden, x, 0, in, pair, pair);
                projection.clear();
            }
            long used = allocatedBytes() - before;
            if (round > 0) {
                least = Math.min(least, used);
            }
        }
        assertTrue(least < 1024, "a paired and a solo pass's packing allocated " + least + " bytes after the first round");
    }
}
