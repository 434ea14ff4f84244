package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.EngineThreads;
import dev.lanegrad.engine.PrepackedGemm;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splitting one time loop of a recurrent layer by batch rows between the calling thread and one engine
 * worker: rows of a recurrent net are independent, so the two halves need no synchronisation per step.
 */
final class BatchSplit {

    private BatchSplit() {
    }

    /**
     * Where to split the batch of ws between the calling thread and one engine worker for a time loop over
     * its first `steps` steps (t < steps), or 0 to stay on this thread. Rows of a recurrent net are independent, so the two halves need no
     * synchronisation per step: one hand-off per direction instead of one per step's GEMM (at B = 32,
     * a per-step GEMM takes ~50 us, while waking a worker costs ~10-20 us). Needs the prepacked GEMM
     * (packed, else null), whose products always run on the calling thread, and at least Rnn.SPLIT_MIN_ROWS rows.
     */
    static int rows(RnnWorkspace ws, PrepackedGemm packed, int steps) {
        int B = ws.batch;
        if (packed == null || B < Rnn.SPLIT_MIN_ROWS || EngineThreads.threads() < 2 || EngineThreads.inPool()) {
            return 0;
        }
        // Halves of the tokens, not of the rows: rows are sorted longest first, so with mixed lengths (16 x 100
        // + 16 x 10) even halves of the rows would leave every long step on the caller. The caller takes the
        // longest rows up to half the tokens (B / 2 rows when the lengths are equal, as before lengths counted),
        // at least 4, rounded up to the product's row multiple so both halves run whole tiles: B = 12 at 6 x 2
        // tiles is 6 + 6 rows (one 6-row sliver each) where rounding to 4 made it 8 + 4 (two 4-row slivers on
        // the caller, which then set the pace): an LSTM inference pass, H = 256, T = 50, two threads, 7.6-8.0 ->
        // 5.4-5.6 ms (AMD EPYC family 25 model 1, Zen 3, AVX2, JDK 17.0.15; docs/recurrent.md).
        int tokens = 0;
        for (int i = 0; i < B; i++) {
            tokens += Math.min(ws.sortedLen[i], steps);
        }
        int half = tokens / 2;
        int split = 0;
        int sum = 0;
        while (split < B && sum + Math.min(ws.sortedLen[split], steps) <= half) {
            sum += Math.min(ws.sortedLen[split], steps);
            split++;
        }
        int multiple = Math.max(1, packed.rowMultiple());
        split = (Math.max(split, 4) + multiple - 1) / multiple * multiple;
        return split < B ? split : 0;
    }

    /** Each calling thread's reusable task (a steady training loop allocates no task per call). */
    private static final ThreadLocal<RowsTask> TASKS = new ThreadLocal<>();

    /**
     * Runs a direction's time loop (forward over the steps [from, to) in its order, or backward over all
     * steps with dy) over rows [0, B): rows [0, split) on this thread, [split, B) on an engine worker, then waits. If the worker has not started by the time this
     * thread's half is done (a busy machine), this thread claims and runs the other half too, so a late
     * worker never costs more than running everything here.
     */
    static void run(TimeLoop loop, RnnWorkspace ws, int s, int d, float[] dy, int from, int to, int split, int B) {
        RowsTask task = TASKS.get();
        // a task the pool has not finished (its run was claimed by the caller) cannot be reused yet
        if (task == null || task.forked && !task.isDone()) {
            task = new RowsTask();
            TASKS.set(task);
        }
        task.set(loop, ws, s, d, dy, from, to, split, B);
        boolean queued;
        try {
            EngineThreads.pool().execute(task);
            queued = true;
        } catch (RejectedExecutionException shutDown) {
            queued = false;
        }
        task.forked = queued;
        Throwable failure = null;
        try {
            task.run(0, split);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        if (task.claim()) {
            try {
                task.run(split, B);
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                }
            }
        } else if (queued) {
            Throwable workerFailure = task.awaitWorker();
            if (failure == null) {
                failure = workerFailure;
            }
        }
        task.clear();
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
    }

    /** The second half of a split time loop, as a pool task; whoever claims it first runs it. */
    private static final class RowsTask extends HandOff {
        private final AtomicInteger claimed = new AtomicInteger();
        private TimeLoop loop;
        private RnnWorkspace ws;
        private int s;
        private int d;
        private float[] dy;
        private int from;
        private int to;
        private int r0;
        private int r1;
        /** handed to the pool in its last use: reusable only once the pool is done with it */
        boolean forked;

        void set(TimeLoop loop, RnnWorkspace ws, int s, int d, float[] dy, int from, int to, int r0, int r1) {
            reset();
            forked = false;
            claimed.set(0);
            this.loop = loop;
            this.ws = ws;
            this.s = s;
            this.d = d;
            this.dy = dy;
            this.from = from;
            this.to = to;
            this.r0 = r0;
            this.r1 = r1;
        }

        /** Drops the references to the pass once it is done, so an idle thread keeps no workspace reachable. */
        void clear() {
            loop = null;
            ws = null;
            dy = null;
        }

        boolean claim() {
            return claimed.compareAndSet(0, 1);
        }

        void run(int lo, int hi) {
            if (dy == null) {
                loop.forward(ws, s, d, lo, hi, from, to, null, 0);
            } else {
                loop.backward(ws, s, d, dy, lo, hi);
            }
        }

        @Override
        void work() {
            if (claim()) {
                run(r0, r1);
            }
        }
    }
}
