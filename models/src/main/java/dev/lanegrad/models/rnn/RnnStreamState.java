package dev.lanegrad.models.rnn;

import java.util.Arrays;

/**
 * The state of one stream (or a batch of streams) for {@link Rnn#step} ({@link StreamStep}): h (and c) of every layer,
 * plus the step's scratch, so that a step allocates nothing. One state per thread / stream; the
 * network itself is shared read-only.
 */
public final class RnnStreamState {

    private final RnnConfig config;
    private final int batch;
    final float[] h;
    final float[] c;
    final float[] gates;
    final float[] gh;
    final float[] hNew;
    final float[] cNew;
    /** W_hh of the layer being stepped (a GEMM that does not pack) */
    final Cell.HiddenWeights weights = new Cell.HiddenWeights();
    /** The step over packed weights, reused by every step of this state */
    final StreamStep.Pass pass = new StreamStep.Pass();

    RnnStreamState(RnnConfig config, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch = " + batch + ", expected >= 1");
        }
        this.config = config;
        this.batch = batch;
        int bh = batch * config.hiddenSize();
        int l = config.numLayers();
        h = new float[l * bh];
        c = config.mode().hasCell() ? new float[l * bh] : null;
        gates = new float[batch * config.gateRows()];
        gh = config.mode() == RnnMode.GRU ? new float[batch * config.gateRows()] : null;
        hNew = new float[bh];
        cNew = config.mode().hasCell() ? new float[bh] : null;
    }

    public RnnConfig config() {
        return config;
    }

    public int batch() {
        return batch;
    }

    /** Back to zero state. */
    public void reset() {
        Arrays.fill(h, 0f);
        if (c != null) {
            Arrays.fill(c, 0f);
        }
    }

    /** Sets the state from h0 (and c0, LSTM) shaped [L, B, H]; null means zeros. */
    public void set(FloatView h0, FloatView c0) {
        int l = config.numLayers();
        int hh = config.hiddenSize();
        RnnArguments.checkShape("h0", h0, true, l, batch, hh);
        if (c0 != null && c == null) {
            throw new IllegalArgumentException("c0 given, but a " + config.mode() + " has no cell state (only LSTM does)");
        }
        RnnArguments.checkShape("c0", c0, true, l, batch, hh);
        reset();
        if (h0 != null) {
            System.arraycopy(h0.data(), h0.offset(), h, 0, h.length);
        }
        if (c0 != null) {
            System.arraycopy(c0.data(), c0.offset(), c, 0, c.length);
        }
    }

    /** A view of h [L, B, H] (live: the next step overwrites it). */
    public FloatView h() {
        return new FloatView(h, 0, new int[] {config.numLayers(), batch, config.hiddenSize()});
    }

    /** A view of c [L, B, H] (LSTM), else null. */
    public FloatView c() {
        return c == null ? null : new FloatView(c, 0, new int[] {config.numLayers(), batch, config.hiddenSize()});
    }
}
