package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Tensor;

import java.util.Arrays;

/**
 * A recurrent state held in leaf tensors, h [L*D, B, H] and (LSTM) c, owned by the caller and valid
 * across tape steps: the carried state of truncated BPTT ({@link RecurrentOutput#detachedState(State)}),
 * or an initial state. Mark its tensors {@code requiresGrad(true)} to learn an initial state.
 */
public final class State {

    private final Tensor h;
    private final Tensor c;

    /** h and c (c null unless LSTM); leaves. */
    public State(Tensor h, Tensor c) {
        if (h == null) {
            throw new IllegalArgumentException("h is null");
        }
        if (c != null && !Arrays.equals(h.shape(), c.shape())) {
            throw new IllegalArgumentException("c has shape " + Arrays.toString(c.shape()) + ", expected h's "
                    + Arrays.toString(h.shape()));
        }
        this.h = h;
        this.c = c;
    }

    /** A zero state for the layer and batch size. */
    public static State zeros(RecurrentLayer layer, int batch) {
        int s = layer.rnnConfig().stateCount();
        int hs = layer.hiddenSize();
        return new State(Tensor.zeros(s, batch, hs), layer.rnnConfig().mode().hasCell() ? Tensor.zeros(s, batch, hs) : null);
    }

    static State like(Tensor hn, Tensor cn) {
        return new State(Tensor.zeros(hn.shape()), cn == null ? null : Tensor.zeros(cn.shape()));
    }

    boolean fits(Tensor hn, Tensor cn) {
        return Arrays.equals(h.shape(), hn.shape()) && (cn == null ? c == null : c != null && Arrays.equals(c.shape(), cn.shape()));
    }

    /** Copies the values of hn (and cn) into this state's tensors; returns this. */
    public State copyFrom(Tensor hn, Tensor cn) {
        if (!fits(hn, cn)) {
            throw new IllegalArgumentException("hn has shape " + Arrays.toString(hn.shape()) + ", expected "
                    + Arrays.toString(h.shape()) + (c == null ? " and no cell state" : " with a cell state"));
        }
        System.arraycopy(hn.data(), hn.offset(), h.data(), h.offset(), h.size());
        if (c != null) {
            System.arraycopy(cn.data(), cn.offset(), c.data(), c.offset(), c.size());
        }
        return this;
    }

    /** Back to zeros (e.g. at a document boundary). */
    public void reset() {
        Arrays.fill(h.data(), h.offset(), h.offset() + h.size(), 0f);
        if (c != null) {
            Arrays.fill(c.data(), c.offset(), c.offset() + c.size(), 0f);
        }
    }

    public Tensor h() {
        return h;
    }

    /** The cell state, or null. */
    public Tensor c() {
        return c;
    }
}
