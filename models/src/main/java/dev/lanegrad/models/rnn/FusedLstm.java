package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.FusedLstmStep;
import dev.lanegrad.engine.Gemm;

/**
 * The steps of an LSTM inference pass that projects step by step (StepProjection), run by the engine's fused
 * step ({@link FusedLstmStep}): input product, biases, hidden product and gate arithmetic in one pass over the
 * weights, the gates never stored. The same bits as the unfused step (the engine promises it); no history of
 * gates is kept, so only a pass that saves nothing for backward (Rnn.infer) runs it. W_ih and W_hh are packed
 * in the engine's layout once per parameter version.
 *
 * <p>Mutable scratch of one workspace: {@link #set} before a direction's loop, {@link #clear} after it; the
 * loop's threads only read it.
 */
final class FusedLstm {

    /** Off with {@code -Dlanegrad.rnn.fusedLstm=false}; not final, so that a test can run both ways in one JVM. */
    static boolean enabled = !"false".equals(System.getProperty("lanegrad.rnn.fusedLstm"));

    private final PackedWeight ih = new PackedWeight();
    private final PackedWeight hh = new PackedWeight();
    private FusedLstmStep engine;
    private RnnParameters params;
    private int slot;
    private float[] input;
    private int inputOff;
    private int inputSize;
    private int hidden;

    /** The engine's fused step for this layer, or null when the cell, the engine or the sizes do not allow it. */
    static FusedLstmStep engine(Gemm gemm, Cell cell, int inputSize, int hidden) {
        return enabled && cell instanceof LstmCell && gemm instanceof FusedLstmStep f && f.fusesLstm(inputSize, hidden)
                ? f : null;
    }

    /** Packs slot s's W_ih and W_hh unless they already are (as of the current parameter version). */
    void set(FusedLstmStep engine, RnnParameters p, int s, float[] input, int inputOff, int inputSize) {
        int H = p.config().hiddenSize();
        ih.packLstm(engine, inputSize, H, p.weightIh(s), p.weightIhOff(s));
        hh.packLstm(engine, H, H, p.weightHh(s), p.weightHhOff(s));
        this.engine = engine;
        this.params = p;
        this.slot = s;
        this.input = input;
        this.inputOff = inputOff;
        this.inputSize = inputSize;
        this.hidden = H;
    }

    void clear() {
        input = null;
    }

    /** Whether the running loop's steps are fused (set and not cleared). */
    boolean active() {
        return input != null;
    }

    /**
     * One step of rows input rows from packed token `token` on: h and c (rows, H) at hOff, cOff from the state
     * before the step at hPrevOff, cPrevOff.
     */
    void step(int rows, int token, float[] hPrev, int hPrevOff, float[] cPrev, int cPrevOff, float[] h, int hOff,
              float[] c, int cOff) {
        engine.lstmStep(rows, inputSize, hidden, input, inputOff + token * inputSize, hPrev, hPrevOff,
                ih.panels(), 0, hh.panels(), 0, params.biasIh(slot), params.biasIhOff(slot), params.biasHh(slot), params.biasHhOff(slot),
                cPrev, cPrevOff, h, hOff, c, cOff);
    }

    long floatsHeld() {
        return ih.floatsHeld() + hh.floatsHeld();
    }
}
