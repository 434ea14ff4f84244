package dev.lanegrad.tasks.data;

/**
 * Padded word ids, time-major {@code [T, B]} (element {@code t * B + b}), with each column's real length
 * (1 .. T); positions at or after a column's length hold {@link WordVocabulary#PAD}.
 */
public record TextBatch(int[] tokens, int[] lengths, int seqLen, int batch) {

    public int token(int t, int b) {
        return tokens[t * batch + b];
    }
}
