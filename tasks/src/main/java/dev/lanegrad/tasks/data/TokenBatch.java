package dev.lanegrad.tasks.data;

/**
 * One batch of a language-model batcher: inputs and targets, time-major {@code [T, B]} (element
 * {@code t * B + b}), targets being the inputs shifted by one token. The batcher refills the same
 * arrays on every call, so a batch is valid until the next one is made.
 */
public final class TokenBatch {

    private final int seqLen;
    private final int batch;
    final int[] inputs;
    final int[] targets;
    boolean startOfPass;

    TokenBatch(int seqLen, int batch) {
        this.seqLen = seqLen;
        this.batch = batch;
        this.inputs = new int[seqLen * batch];
        this.targets = new int[seqLen * batch];
    }

    /** T. */
    public int seqLen() {
        return seqLen;
    }

    /** B. */
    public int batch() {
        return batch;
    }

    /** {@code [T, B]}, time-major; the batcher's own array, refilled by the next call. */
    public int[] inputs() {
        return inputs;
    }

    /** {@code [T, B]}, time-major: the token after each input. */
    public int[] targets() {
        return targets;
    }

    public int input(int t, int b) {
        return inputs[t * batch + b];
    }

    public int target(int t, int b) {
        return targets[t * batch + b];
    }

    /**
     * Sequential mode: whether this batch starts a new pass over the streams, i.e. a carried recurrent
     * state must be reset. Always true in random mode (windows are unrelated).
     */
    public boolean startOfPass() {
        return startOfPass;
    }
}
