package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.rnn.FloatView;
import dev.lanegrad.models.rnn.Rnn;
import dev.lanegrad.models.rnn.RnnStreamState;

/**
 * Step-by-step inference over a trained unidirectional layer stack, for servers: the state of one stream
 * (or a batch of B streams) lives here, the weights are the layer's, only read. Each thread keeps its own
 * streams; one stream is not thread-safe. A step allocates nothing ({@link #step(float[], int, float[], int)}).
 * Stepping T times gives the output of one T-step forward in eval mode.
 */
public final class RecurrentStream {

    private final Rnn rnn;
    private final RnnStreamState state;
    private final int batch;
    private final int inputSize;
    private final int hiddenSize;

    RecurrentStream(Rnn rnn, RnnStreamState state) {
        this.rnn = rnn;
        this.state = state;
        this.batch = state.batch();
        this.inputSize = state.config().inputSize();
        this.hiddenSize = state.config().hiddenSize();
    }

    /** One step: x [B, I] at xOff -> out [B, H] (the last layer's h) at outOff; the state moves on. */
    public void step(float[] x, int xOff, float[] out, int outOff) {
        if (xOff >= 0 && xOff <= x.length - batch * inputSize) {   // (a bad range is reported by the step itself)
            FiniteInput.require("x", x, xOff, batch * inputSize, inputSize);
        }
        rnn.step(state, new FloatView(x, xOff, new int[] {batch, inputSize}),
                out == null ? null : new FloatView(out, outOff, new int[] {batch, hiddenSize}));
    }

    /** One step; returns a new array [B * H]. */
    public float[] step(float[] x) {
        if (x.length != batch * inputSize) {
            throw new IllegalArgumentException("x has " + x.length + " values, expected [" + batch + ", " + inputSize + "]");
        }
        float[] out = new float[batch * hiddenSize];
        step(x, 0, out, 0);
        return out;
    }

    /** One step from a tensor x [B, I]; returns a new leaf [B, H] (no tape involved). */
    public Tensor step(Tensor x) {
        if (x.rank() != 2 || x.dim(0) != batch || x.dim(1) != inputSize) {
            throw new IllegalArgumentException("x has shape " + java.util.Arrays.toString(x.shape()) + ", expected ["
                    + batch + ", " + inputSize + "]");
        }
        float[] out = new float[batch * hiddenSize];
        step(x.data(), x.offset(), out, 0);
        return Tensor.wrap(out, 0, batch, hiddenSize);
    }

    /** Back to the zero state. */
    public void reset() {
        state.reset();
    }

    /** Sets the state: h0 (and c0 for LSTM) [L, B, H], null for zeros. */
    public void setState(float[] h0, float[] c0) {
        int[] shape = {state.config().numLayers(), batch, hiddenSize};
        state.set(h0 == null ? null : new FloatView(h0, 0, shape), c0 == null ? null : new FloatView(c0, 0, shape));
    }

    /** A copy of h [L, B, H]. */
    public float[] h() {
        return state.h().toArray();
    }

    /** A copy of c [L, B, H] (LSTM), else null. */
    public float[] c() {
        FloatView c = state.c();
        return c == null ? null : c.toArray();
    }

    public int batch() {
        return batch;
    }
}
