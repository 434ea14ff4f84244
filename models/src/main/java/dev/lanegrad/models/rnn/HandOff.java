package dev.lanegrad.models.rnn;

import java.util.concurrent.RecursiveAction;
import java.util.concurrent.locks.LockSupport;

/**
 * A part of a time loop handed to an engine worker, whose end the calling thread waits for with its own flag
 * instead of {@code ForkJoinTask.join()}. Once in CI (JDK 17.0.15) a caller stayed parked
 * in join() for 15 minutes after the worker had run the part: no engine worker was left alive, and the main
 * thread had used 2 s of CPU. Here the worker sets {@link #finished} and unparks the waiter, and the waiter
 * also looks again every {@link #RECHECK_NANOS} on its own, so a lost wake-up costs a millisecond, not a hang.
 * A failure of the part is kept and rethrown on the waiting thread, as join() did.
 */
abstract class HandOff extends RecursiveAction {

    /** How long a waiter parks before it looks at the flag again without being woken. */
    private static final long RECHECK_NANOS = 1_000_000;
    /**
     * Spins (~10 us on Zen 4) before {@link #awaitWorker} parks: a StepPair's worker ends its part together
     * with the caller's, and parking to be woken for it cost a stream's step (LSTM, B = 1, H = 256, two
     * threads, 10-11 us) about 1 us more (AMD EPYC family 25 model 17, 2 vCPUs, JDK 17.0.15).
     */
    private static final int SPINS_BEFORE_PARK = 400;

    private volatile boolean finished;
    private volatile Thread waiter;
    private volatile Throwable failure;

    /** The worker's part; runs at most once per {@link #reset()}. */
    abstract void work();

    /** Makes the task ready for its next pass (the pool must be done with it: see {@link #isDone()}). */
    void reset() {
        reinitialize();
        resetPass();
    }

    /** Clears the last pass's end and failure, for a next pass the worker runs without the pool ({@link #afterPart()}). */
    final void resetPass() {
        finished = false;
        failure = null;
    }

    @Override
    protected final void compute() {
        runPart();
        afterPart();
    }

    /** Runs {@link #work()}, keeps what it threw and tells the waiter that the part is over. */
    final void runPart() {
        try {
            work();
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            finished = true;
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    /** Runs on the worker after its part is over, before the task ends (StepPair waits there for its next pass). */
    void afterPart() {
    }

    /**
     * Waits until the worker has run {@link #work()} (call only once it has claimed it) and returns what it
     * threw, or null. The waiter is published before the flag is read and the flag before the waiter is
     * read, so one of the two threads always sees the other.
     */
    Throwable awaitWorker() {
        for (int i = 0; i < SPINS_BEFORE_PARK && !finished; i++) {
            Thread.onSpinWait();
        }
        waiter = Thread.currentThread();
        while (!finished) {
            LockSupport.parkNanos(this, RECHECK_NANOS);
        }
        waiter = null;
        return failure;
    }

    /** Whether the worker has run its part of the current pass (or found none to run). */
    final boolean partEnded() {
        return finished;
    }

    /** Whether the worker's part has failed so far (read by a thread still running its own part). */
    boolean workerFailed() {
        return failure != null;
    }
}
