package dev.lanegrad.engine.vector;

import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One split GEMM call of a calling thread: its arguments, a counter handing out chunks, and the
 * reusable pool tasks that help. One instance per calling thread (the caller waits for every chunk
 * handed out before returning, so the next call may reuse it), hence a parallel call allocates nothing.
 *
 * <p>The caller never waits for a pool task, only for chunks already taken, which are running: it takes
 * chunks itself until none is left, then waits for those that helpers took. A helper the pool starts late
 * (or never) only finds no chunk left. Why: the caller used to {@code join()} its helper tasks, and on
 * JDK 17.0.15 (AMD EPYC family 26 model 2, Zen 5, AVX-512, 2 vCPUs) a `lanegrad bench --case S1 --threads 2` JVM stayed parked in
 * {@code ForkJoinTask.join()} for minutes with no engine worker left alive (jstack), as a test run in CI
 * once did in the models' hand-offs; JDK 17's pool has known bugs that stop it running tasks
 * (JDK-8330017, fixed in 17.0.17).
 */
final class GemmSplit {

    private static final ThreadLocal<GemmSplit> LOCAL = ThreadLocal.withInitial(GemmSplit::new);

    /** How long the caller parks before it looks again at the chunks still running without being woken. */
    private static final long RECHECK_NANOS = 1_000_000;

    /**
     * The call's chunks as one word: the count handed out (low 32 bits) and the total (high 32 bits), so that
     * a chunk is only ever taken together with the total of the call it belongs to.
     */
    private final AtomicLong chunkState = new AtomicLong();
    /** Chunks of the current call finished (run or failed). */
    private final AtomicInteger finished = new AtomicInteger();
    private volatile Thread waiter;
    private volatile Throwable failure;
    private Helper[] helpers = new Helper[0];

    private boolean byColumns;
    private int units;
    private int unit;
    private int size;
    private boolean transA;
    private boolean transB;
    private int m;
    private int n;
    private int k;
    private float alpha;
    private float[] a;
    private int aOff;
    private int lda;
    private float[] b;
    private int bOff;
    private int ldb;
    private float beta;
    private float[] c;
    private int cOff;
    private int ldc;

    static GemmSplit get() {
        return LOCAL.get();
    }

    void start(boolean byColumns, int units, int chunks, int unit, int size, boolean transA, boolean transB,
               int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc) {
        this.byColumns = byColumns;
        this.units = units;
        this.unit = unit;
        this.size = size;
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.a = a;
        this.aOff = aOff;
        this.lda = lda;
        this.b = b;
        this.bOff = bOff;
        this.ldb = ldb;
        this.beta = beta;
        this.c = c;
        this.cOff = cOff;
        this.ldc = ldc;
        finished.set(0);
        failure = null;
        chunkState.set((long) chunks << 32); // publishes the arguments above: chunks are taken from here on
    }

    /**
     * Up to count reusable helper tasks ready to be handed to the pool: a task the pool has not finished
     * with (still queued, or running from an earlier call) is left out; when it runs it takes whatever
     * chunks are left then.
     */
    Helper[] helpers(int count) {
        if (helpers.length < count) {
            Helper[] grown = new Helper[count];
            System.arraycopy(helpers, 0, grown, 0, helpers.length);
            for (int t = helpers.length; t < count; t++) {
                grown[t] = new Helper(this);
            }
            helpers = grown;
        }
        for (int t = 0; t < count; t++) {
            Helper h = helpers[t];
            h.ready = !h.handedOut || h.isDone();
            if (h.ready) {
                h.reinitialize();
            }
        }
        return helpers;
    }

    /** Takes chunks until none is left; chunk q covers units [units*q/chunks, units*(q+1)/chunks). */
    void work() {
        while (true) {
            long s = chunkState.get();
            int q = (int) s;
            int chunks = (int) (s >>> 32);
            if (q >= chunks) {
                return;
            }
            if (!chunkState.compareAndSet(s, s + 1)) {
                continue;
            }
            try {
                int lo = (int) ((long) units * q / chunks) * unit;
                int hi = Math.min((int) ((long) units * (q + 1) / chunks) * unit, size);
                VectorGemm.runPart(byColumns, lo, hi, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                        beta, c, cOff, ldc);
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                }
            } finally {
                if (finished.incrementAndGet() == chunks) {
                    Thread w = waiter;
                    if (w != null) {
                        LockSupport.unpark(w);
                    }
                }
            }
        }
    }

    /**
     * The caller, after its own work(): waits until every chunk handed out has finished and returns the
     * first failure of one, or null. The waiter is published before the count is read and the count
     * before the waiter is read, so one of the two threads always sees the other; a lost wake-up costs
     * RECHECK_NANOS.
     */
    Throwable awaitChunks() {
        int chunks = (int) (chunkState.get() >>> 32);
        if (finished.get() < chunks) {
            waiter = Thread.currentThread();
            while (finished.get() < chunks) {
                LockSupport.parkNanos(this, RECHECK_NANOS);
            }
            waiter = null;
        }
        return failure;
    }

    /** Drops the references to the caller's arrays once the call is over. */
    void clear() {
        a = null;
        b = null;
        c = null;
    }

    /** A pool task that takes chunks of its split. */
    static final class Helper extends RecursiveAction {
        private final GemmSplit split;
        /** Ever handed to the pool; ready: may be handed to it for this call (see helpers()). */
        boolean handedOut;
        boolean ready;

        Helper(GemmSplit split) {
            this.split = split;
        }

        @Override
        protected void compute() {
            split.work();
        }
    }
}
