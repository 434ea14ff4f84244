package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Tensor;

/**
 * What a recurrent layer returns: output [T, B, D*H] (or [B, T, D*H] batch-first), h_n [L*D, B, H] and,
 * for an LSTM, c_n [L*D, B, H] (null otherwise). All three are intermediates of the tape.
 */
public record RecurrentOutput(Tensor output, Tensor hn, Tensor cn) {

    /** The final state as new leaves cut from the tape (no gradient flows back through them). */
    public State detachedState() {
        return detachedState(null);
    }

    /**
     * Truncated BPTT: copies h_n (and c_n) into {@code reuse}'s leaf tensors when their shapes fit, else
     * into new ones, and returns that state; pass it to the next window's forward. Reusing one State
     * object across windows makes the carry allocation-free. The leaves do not require a gradient.
     */
    public State detachedState(State reuse) {
        State s = reuse != null && reuse.fits(hn, cn) ? reuse : State.like(hn, cn);
        s.copyFrom(hn, cn);
        return s;
    }
}
