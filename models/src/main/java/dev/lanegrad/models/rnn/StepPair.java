package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.EngineThreads;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * One forward pass run by two threads in step: the caller and one engine worker each multiply half of the
 * weights' columns, meet, each run the pointwise step on half of the rows, and meet again, step after step
 * ({@link TimeLoop}) or once per call of a stream ({@link StreamStep}); any {@link Pass} written that way.
 * An inference pass's time loop splits the hidden units instead (PackedWeight#packByUnits): each thread
 * multiplies and steps its units of every gate, and the two meet once per step, for h.
 * Splitting the product by columns keeps each half of the packed W_hh in its own core's L2 for the whole
 * loop (W_hh of H = 256 is 1 MB, a Zen 5 core's whole L2, so one core alone streams it from L3 at every
 * step), and it works at B = 1, where splitting rows cannot. The meetings are spins of well under a
 * microsecond while both threads run; if the worker has not started after {@link #START_SPINS} spins (a
 * busy pool or machine), the caller runs the loop alone, which gives the same bits.
 *
 * <p>One instance per calling thread, reused by its passes (a pass allocates nothing), unless the pool
 * still holds the previous one. Its part done, the worker waits {@link #LINGER_NANOS} for the next pass,
 * which the caller then hands to it directly.
 */
final class StepPair extends HandOff {

    /** Spins the caller waits for the worker to start before running the loop alone (tens of microseconds). */
    private static final int START_SPINS = 20_000;
    /**
     * Spins at a meeting before also yielding the core (the other thread may have been descheduled): ~20 us
     * on Zen 5, several times a half step's work at H = 256, so a meeting that needs more is a slow one
     * ({@link PairBackoff}).
     */
    private static final int YIELD_AFTER = 1_000;
    private static final ThreadLocal<StepPair> LOCAL = new ThreadLocal<>();
    /** Each thread's time-loop pass, reused by its {@link #forward} calls (nobody reads it once a call returns). */
    private static final ThreadLocal<LoopPass> LOOP_PASS = ThreadLocal.withInitial(LoopPass::new);

    /**
     * How long the worker, its part done, spins for the caller's next pass before it returns to the pool
     * ({@code -Dlanegrad.rnn.pairLingerNanos}; 0: never). A pass handed to a worker that waits needs no
     * wake-up: waking a parked pool worker cost the caller ~60-80 us per pass, 17 % of its time in S1 LSTM at
     * two threads (JFR, AMD EPYC family 26 model 2, AVX-512, 2 vCPUs of a microVM, JDK 17; a park/unpark round
     * trip between two threads measured 26 us there). The next pass of a forward (the next layer, direction or
     * sequence) usually starts within microseconds; a lone request costs the other core at most this much
     * spinning, as the OpenMP runtimes under PyTorch and ONNX Runtime spin before they sleep.
     */
    static final long LINGER_NANOS = Long.getLong("lanegrad.rnn.pairLingerNanos", 200_000L);

    // the worker's states between passes
    private static final int GONE = 0;
    private static final int WAITING = 1;
    private static final int RESERVED = 2;
    private static final int HANDED = 3;
    /** GONE: not waiting (back in the pool, or running a part); WAITING for a pass; RESERVED by the caller; HANDED. */
    private final AtomicInteger worker = new AtomicInteger(GONE);
    /** Passes handed to a waiting worker, and passes the caller ran alone, so far (all pairs): what tests check. */
    private static final LongAdder HANDED_PASSES = new LongAdder();
    private static final LongAdder SOLO_PASSES = new LongAdder();

    /** Slots 0 and 16 (128 bytes apart, never one cache line): the meetings each part has reached. */
    private final AtomicLongArray arrived = new AtomicLongArray(32);
    /** 0 free, 1 the worker runs its part, 2 the caller took the whole loop. */
    private final AtomicInteger claimed = new AtomicInteger();
    private volatile boolean abandoned;
    private boolean forked;
    /** The pass being run (read by the worker only once it has claimed its part). */
    private Pass pass;
    /** When the caller's last pass run alone without waiting ended, and when a worker was last started (System.nanoTime()). */
    private long aloneEnded = System.nanoTime() - LINGER_NANOS - 1;
    private long startedAt;
    /** A worker not started this long after it was handed to the pool is given up (a stream then starts another). */
    private static final long LOST_NANOS = 10_000_000L;
    /**
     * The caller's meetings since the last report to {@link PairBackoff}, and how many of them outlasted
     * YIELD_AFTER spins. Reported once there are at least {@link #REPORT_MEETINGS}: a pass of a time loop
     * (two per step, S1: 100), or many passes of a stream's steps (two per layer each). Reported per pass, a
     * stream step's single slow meeting (a vCPU descheduled for a moment) made the next 50 ms run alone: at
     * S2 (LSTM, B = 1, H = 256) 16-19 us per step against 11.5-11.9 us without the back-off (AMD EPYC family
     * 25 model 17, 2 vCPUs, JDK 17.0.15).
     */
    private int meetings;
    private int slowMeetings;
    private static final int REPORT_MEETINGS = 100;

    /**
     * Products of at least this many multiply-adds per step pay for two meetings per step. Measured on
     * AVX-512 (Zen 5, B = 1, H = 256, `lanegrad bench --case S1 --threads 2`): LSTM (262k per step)
     * 0.84 -> 0.47 ms, GRU (197k) 0.58 -> 0.40 ms, but an Elman RNN (66k, W_hh 256 KB) 0.18 -> 0.19 ms.
     * {@code -Dlanegrad.rnn.pairMinMacs} sets it (the tests set 1 to run every small forward this way).
     */
    static final long MIN_STEP_MACS = Long.getLong("lanegrad.rnn.pairMinMacs", 1L << 17);

    /**
     * Whether a forward loop over B rows with a G*H x H hidden product should run in two threads this way:
     * batches too small to split by rows (BatchSplit), with a product large enough.
     */
    static boolean pays(int B, int gateRows, int hidden, boolean packed) {
        return packed && B < Rnn.SPLIT_MIN_ROWS && (long) B * gateRows * hidden >= MIN_STEP_MACS
                && EngineThreads.threads() >= 2 && !EngineThreads.inPool()
                && PairBackoff.SHARED.allows(System.nanoTime());
    }

    /**
     * A pass two threads can run in step: {@code run(pair, 0)} on the caller and {@code run(pair, 1)} on the
     * worker, meeting at {@link #await}; or {@code run(null, 0)}, the whole pass on one thread, to the same bits.
     */
    interface Pass {
        void run(StepPair pair, int part);
    }

    /** loop.forward over rows [0, rows) and steps [from, to) of slot s, direction d, as a {@link Pass}. */
    private static final class LoopPass implements Pass {
        private TimeLoop loop;
        private RnnWorkspace ws;
        private int s;
        private int d;
        private int rows;
        private int from;
        private int to;

        @Override
        public void run(StepPair pair, int part) {
            loop.forward(ws, s, d, 0, rows, from, to, pair, part);
        }
    }

    /**
     * Runs loop.forward over rows [0, B) and steps [from, to) (in the direction's order) of slot s,
     * direction d, with an engine worker as the second part.
     */
    static void forward(TimeLoop loop, RnnWorkspace ws, int s, int d, int B, int from, int to) {
        LoopPass p = LOOP_PASS.get();
        p.loop = loop;
        p.ws = ws;
        p.s = s;
        p.d = d;
        p.rows = B;
        p.from = from;
        p.to = to;
        try {
            run(p, false);
        } finally {
            p.loop = null;
            p.ws = null;
        }
    }

    /**
     * Runs pass with an engine worker as its second part: handed to this thread's last worker if that still
     * waits ({@link #LINGER_NANOS}), else a worker is started. {@code noWait}: if none waits, run the pass
     * alone at once (a stream's step takes less time than a worker takes to wake), and start a worker to wait
     * for the next pass only if the last pass alone ended less than LINGER_NANOS ago: steps in quick
     * succession (a stream fed as fast as it goes) then run in two threads from the third on, while a lone
     * step (a server's session stepped once per request) never leaves a worker spinning for nothing.
     * Otherwise wait up to {@link #START_SPINS} for the worker to start.
     */
    static void run(Pass pass, boolean noWait) {
        StepPair pair = LOCAL.get();
        if (pair != null && pair.worker.compareAndSet(WAITING, RESERVED)) {
            // the last pass's worker still waits: hand it this pass (it cannot leave while RESERVED)
            pair.resetPass();
            pair.prepare(pass);
            pair.forked = true;
            pair.worker.set(HANDED);
            HANDED_PASSES.increment();
        } else if (noWait) {
            if (pair == null) {
                pair = new StepPair();
                LOCAL.set(pair);
            }
            long now = System.nanoTime();
            if (now - pair.aloneEnded < LINGER_NANOS) {
                if (pair.forked && !pair.isDone() && !pair.partEnded() && now - pair.startedAt > LOST_NANOS) {
                    // its worker never came: a busy pool, or JDK 17's pool that stops running tasks (BusyPool's note)
                    pair = new StepPair();
                    LOCAL.set(pair);
                }
                if (!pair.forked || pair.isDone()) {
                    pair.start(null); // the worker finds no part and waits for the next pass
                }
            }
            SOLO_PASSES.increment();
            pass.run(null, 0);
            pair.aloneEnded = System.nanoTime();
            return;
        } else {
            if (pair == null || pair.forked && !pair.isDone()) {
                pair = new StepPair();
                LOCAL.set(pair);
            }
            pair.start(pass);
        }
        try {
            pair.runCallerPart();
        } finally {
            pair.pass = null;
        }
    }

    /** Starts a worker for pass, or (pass null) one that only waits for the next pass. */
    private void start(Pass pass) {
        reset();
        prepare(pass);
        startedAt = System.nanoTime();
        if (pass == null) {
            claimed.set(2);
        }
        try {
            EngineThreads.pool().execute(this);
            forked = true;
        } catch (RejectedExecutionException shutDown) {
            forked = false;
        }
    }

    /** The pass and fresh claims (published to the worker by what follows). */
    private void prepare(Pass pass) {
        arrived.set(0, 0);
        arrived.set(16, 0);
        claimed.set(0);
        abandoned = false;
        this.pass = pass;
    }

    private void runCallerPart() {
        if (!forked || !workerStarted()) {
            SOLO_PASSES.increment();
            // alone: the worker, if it starts now, finds the pass taken
            pass.run(null, 0);
            return;
        }
        try {
            pass.run(this, 0);
        } catch (Abandoned workerFailed) {
            // its exception is thrown below
        } catch (RuntimeException | Error e) {
            abandoned = true; // the worker stops at its next meeting
            throw e;
        }
        Throwable failure = awaitWorker();
        if (meetings >= REPORT_MEETINGS) {
            PairBackoff.SHARED.record(meetings, slowMeetings, System.nanoTime());
            meetings = 0;
            slowMeetings = 0;
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    /** Whether the worker claimed its part within START_SPINS spins; if not, the caller takes the loop. */
    private boolean workerStarted() {
        for (int i = 0; i < START_SPINS; i++) {
            if (claimed.get() == 1) {
                return true;
            }
            Thread.onSpinWait();
        }
        return !claimed.compareAndSet(0, 2);
    }

    @Override
    void work() {
        if (!claimed.compareAndSet(0, 1)) {
            return;
        }
        try {
            pass.run(this, 1);
        } catch (Abandoned callerFailed) {
            // the caller reports its own exception
        }
    }

    /** Passes handed to a waiting worker since the JVM started. */
    static long handedPasses() {
        return HANDED_PASSES.sum();
    }

    /** Passes whose caller ran the loop alone (the worker had not started) since the JVM started. */
    static long soloPasses() {
        return SOLO_PASSES.sum();
    }

    /**
     * After a part: wait (spinning) up to LINGER_NANOS for the caller to hand over its next pass, run it,
     * and wait again; then leave, unless the caller has just reserved this worker.
     */
    @Override
    void afterPart() {
        while (LINGER_NANOS > 0) {
            worker.set(WAITING);
            long deadline = System.nanoTime() + LINGER_NANOS;
            int state;
            while ((state = worker.get()) != HANDED) {
                if (state == WAITING && System.nanoTime() - deadline >= 0 && worker.compareAndSet(WAITING, GONE)) {
                    return;
                }
                Thread.onSpinWait();
            }
            worker.set(GONE);
            runPart();
        }
    }

    /** The meeting of the two parts: returns once the other part has reached this meeting too. */
    void await(int part) {
        long n = arrived.getPlain(part * 16) + 1;
        arrived.setRelease(part * 16, n);
        int other = (1 - part) * 16;
        int spins = 0;
        if (part == 0) {
            meetings++;
        }
        while (arrived.getAcquire(other) < n) {
            if (abandoned || workerFailed()) {
                throw new Abandoned();
            }
            if (++spins > YIELD_AFTER) {
                if (spins == YIELD_AFTER + 1 && part == 0) {
                    slowMeetings++;
                }
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** Thrown at a meeting the other part will never reach: the pass failed on the other thread. */
    private static final class Abandoned extends RuntimeException {
        Abandoned() {
            super("the other thread of a two-thread time loop failed", null, false, false);
        }
    }
}
