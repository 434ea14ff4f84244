package dev.lanegrad.bench.rnn;

/** LM: a full Adam training step of the char-LM through the public layers (placeholder until they land). */
final class CharLmWorkload {

    private CharLmWorkload() {
    }

    static Workload create() {
        throw new UnsupportedOperationException("case LM needs the nn layers (dev.lanegrad.models.nn)");
    }
}
