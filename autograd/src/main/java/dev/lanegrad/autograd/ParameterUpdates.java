package dev.lanegrad.autograd;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A JVM-wide count of in-place parameter updates (optimizer steps, checkpoint loads). Caches derived from
 * weights (the streaming step's prepacked W_ih and W_hh) compare it with the count they were built at and
 * rebuild when it moved, so a cache never outlives the weights it was made from. Code that writes into a
 * parameter's data directly calls {@link #record()} afterwards.
 */
public final class ParameterUpdates {

    private static final AtomicLong COUNT = new AtomicLong();

    private ParameterUpdates() {
    }

    /** Marks that some parameter's values changed. */
    public static void record() {
        COUNT.incrementAndGet();
    }

    /** The number of updates so far. */
    public static long count() {
        return COUNT.get();
    }
}
