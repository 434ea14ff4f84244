package dev.lanegrad.models.rnn;

/**
 * When to stop running small forwards as a {@link StepPair} for a while: after a pass whose meetings were
 * often slow (the other thread was not running), the next passes run on the calling thread alone for a
 * back-off time that doubles with every slow pass in a row (up to {@link #MAX_NANOS}) and falls back to
 * {@link #FIRST_NANOS} after a good one. Either way every element is computed as alone, so this changes
 * only the speed, never the bits.
 *
 * <p>Why (AMD EPYC family 26 model 2 (Zen 5), AVX-512, 2 cores (vCPUs of a microVM), JDK 17, S1 LSTM B = 1,
 * `lanegrad bench --case S1 --threads 2`): a pass whose 100 meetings each wait for a descheduled partner took
 * 1.7-2.9 ms (the quartile above the median) against 0.65 ms alone and 0.47 ms in step. Parking instead of
 * yielding at a slow meeting did not help. Those runs went through a timing wrapper that itself kept the
 * vCPUs busy (docs/benchmarks.md, "ninth sitting"); without it the back-off made no clear difference (0.52-0.68
 * ms with or without, six pairs of runs), and it stays for machines whose other work crowds the cores. A pass
 * counts as slow when more than an eighth of the caller's meetings needed more than StepPair's spin budget.
 *
 * <p>Thread-safe: the state is a few volatile fields; a lost update only shortens or lengthens one
 * back-off.
 */
final class PairBackoff {

    /** The back-off after one slow pass: short enough to try the pair again soon after the machine calms. */
    static final long FIRST_NANOS = 50_000_000L;
    /** The longest back-off: a machine that stays crowded is probed every two seconds. */
    static final long MAX_NANOS = 2_000_000_000L;

    /** The shared instance StepPair consults ({@code -Dlanegrad.rnn.pairBackoff=false} turns it off). */
    static final PairBackoff SHARED = new PairBackoff(
            Boolean.parseBoolean(System.getProperty("lanegrad.rnn.pairBackoff", "true")));

    private final boolean enabled;
    private volatile long soloUntil;
    /** The current back-off, 0 while the last pass was good. */
    private volatile long backoff;

    PairBackoff(boolean enabled) {
        this.enabled = enabled;
    }

    /** Whether a pass starting at time now (System.nanoTime()) may run as a pair. */
    boolean allows(long now) {
        return backoff == 0 || now - soloUntil >= 0;
    }

    /** Records a pair pass that ended at now, with `slow` of its `meetings` meetings slow. */
    void record(int meetings, int slow, long now) {
        if (!enabled) {
            return;
        }
        if (slow * 8L > meetings) {
            long wait = backoff == 0 ? FIRST_NANOS : Math.min(2 * backoff, MAX_NANOS);
            soloUntil = now + wait;
            backoff = wait;
        } else {
            backoff = 0;
        }
    }
}
