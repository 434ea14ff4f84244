package dev.lanegrad.tasks.data;

import java.util.SplittableRandom;

/**
 * Makes language-model batches {@code (inputs [T, B], targets [T, B])} from a token sequence, in one of
 * two modes:
 * <ul>
 * <li>{@link Mode#RANDOM}: each column is a window at a random offset (seeded), as char-rnn's
 * minibatches; windows of one batch are unrelated.</li>
 * <li>{@link Mode#SEQUENTIAL}: the tokens are cut into B contiguous streams, and batch k holds tokens
 * {@code [k*T, (k+1)*T)} of every stream, so column b of batch k+1 continues column b of batch k. A
 * recurrent state carried from one batch to the next therefore sees the text in order (truncated
 * backpropagation through time). Windows do not overlap; after {@link #batchesPerPass()} batches the
 * next pass starts again at the beginning and {@link TokenBatch#startOfPass()} says to reset the state.</li>
 * </ul>
 * One {@link TokenBatch} is refilled on every call: no allocation per batch. Not thread-safe.
 */
public final class LmBatcher {

    public enum Mode { RANDOM, SEQUENTIAL }

    private final int[] tokens;
    private final int seqLen;
    private final int batchSize;
    private final Mode mode;
    private final long seed;
    private final int streamLength; // SEQUENTIAL: tokens per stream (inputs and the last target)
    private final int batchesPerPass;
    private final TokenBatch batch;
    private SplittableRandom random;
    private int next;               // SEQUENTIAL: index of the next batch in the pass
    private long drawn;             // batches since the last reset: the data position a checkpoint saves

    public LmBatcher(int[] tokens, int seqLen, int batchSize, Mode mode, long seed) {
        if (seqLen < 1 || batchSize < 1) {
            throw new IllegalArgumentException("sequence length " + seqLen + " and batch size " + batchSize + " must be positive");
        }
        this.tokens = tokens;
        this.seqLen = seqLen;
        this.batchSize = batchSize;
        this.mode = mode;
        this.seed = seed;
        if (mode == Mode.RANDOM) {
            if (tokens.length < seqLen + 1) {
                throw new IllegalArgumentException("a text of " + tokens.length + " tokens is too short for windows of "
                        + seqLen + " + 1 tokens");
            }
            streamLength = 0;
            batchesPerPass = Math.max(1, (tokens.length - 1) / (seqLen * batchSize));
        } else {
            streamLength = tokens.length / batchSize;
            batchesPerPass = (streamLength - 1) / seqLen;
            if (batchesPerPass < 1) {
                throw new IllegalArgumentException("a text of " + tokens.length + " tokens is too short for " + batchSize
                        + " streams of " + seqLen + " + 1 tokens");
            }
        }
        this.batch = new TokenBatch(seqLen, batchSize);
        reset();
    }

    /** Back to the first batch of the first pass, and the random generator back to its seed. */
    public void reset() {
        random = new SplittableRandom(seed);
        next = 0;
        drawn = 0;
    }

    /** Batches drawn since the start (or the last {@link #reset()}). */
    public long drawn() {
        return drawn;
    }

    /**
     * Moves on by {@code batches} batches without filling them: the random generator draws the same
     * numbers and the streams move as far as {@code batches} calls of {@link #next()} would, so a resumed
     * run gets the batches an uninterrupted run would have got.
     */
    public void skip(long batches) {
        if (batches < 0) {
            throw new IllegalArgumentException("skip " + batches + " batches, expected >= 0");
        }
        if (mode == Mode.RANDOM) {
            int bound = tokens.length - seqLen;
            for (long i = (long) batchSize * batches; i > 0; i--) {
                random.nextInt(bound);
            }
        } else {
            next = (int) ((next + batches) % batchesPerPass);
        }
        drawn += batches;
    }

    public Mode mode() {
        return mode;
    }

    /**
     * SEQUENTIAL: batches in one pass over the streams. RANDOM: the number of batches that hold as many
     * tokens as the text (a nominal epoch).
     */
    public int batchesPerPass() {
        return batchesPerPass;
    }

    /** Fills and returns the batcher's batch with the next windows. */
    public TokenBatch next() {
        drawn++;
        int[] in = batch.inputs;
        int[] out = batch.targets;
        if (mode == Mode.RANDOM) {
            int bound = tokens.length - seqLen; // offsets 0 .. n - T - 1 leave room for the last target
            for (int b = 0; b < batchSize; b++) {
                int start = random.nextInt(bound);
                for (int t = 0; t < seqLen; t++) {
                    in[t * batchSize + b] = tokens[start + t];
                    out[t * batchSize + b] = tokens[start + t + 1];
                }
            }
            batch.startOfPass = true;
        } else {
            batch.startOfPass = next == 0;
            int offset = next * seqLen;
            for (int b = 0; b < batchSize; b++) {
                int start = b * streamLength + offset;
                for (int t = 0; t < seqLen; t++) {
                    in[t * batchSize + b] = tokens[start + t];
                    out[t * batchSize + b] = tokens[start + t + 1];
                }
            }
            next = next + 1 == batchesPerPass ? 0 : next + 1;
        }
        return batch;
    }
}
