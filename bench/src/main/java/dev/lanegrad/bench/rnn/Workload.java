package dev.lanegrad.bench.rnn;

/** One benchmark operation on prepared state: a forward, a step, or a training step. */
@FunctionalInterface
public interface Workload {

    /** Runs one operation; returns something derived from the result so that nothing is optimised away. */
    float run();
}
