package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.EngineThreads;
import dev.lanegrad.engine.PrepackedGemm;

import java.util.concurrent.RecursiveAction;
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
     * Where to split the batch between the calling thread and one engine worker for a whole time loop,
     * or 0 to stay on this thread. Rows of a recurrent net are independent, so the two halves need no
     * synchronisation per step: one hand-off per direction instead of one per step's GEMM (at B = 32,
     * a per-step GEMM takes ~50 us, while waking a worker costs ~10-20 us). Needs the prepacked GEMM,
     * whose products always run on the calling thread, and at least Rnn.SPLIT_MIN_ROWS rows.
     */
    static int rows(int B, PrepackedGemm packed) {
        if (packed == null || B < Rnn.SPLIT_MIN_ROWS || EngineThreads.threads() < 2 || EngineThreads.inPool()) {
            return 0;
        }
        // even halves, the first rounded to the register tile's rows (4) so both run full tiles
        int half = (B / 2 + 3) / 4 * 4;
        return half < B ? half : 0;
    }

    /**
     * Runs the task's rows from its split on on an engine worker and the rows before it here, then
     * waits. If the worker has not started the task by the time mine is done (a busy machine), this thread
     * claims and runs it too, so a late worker never costs more than running everything here.
     */
    static void run(RowsTask task) {
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
            task.runFirst();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        if (task.claim()) {
            try {
                task.runRows();
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                }
            }
        } else if (queued) {
            try {
                task.join();
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
    }

    /**
     * The second half of a split time loop, as a reusable pool task (a steady training loop allocates no
     * task per call). Whoever claims it first (the worker, or the caller once its own half is done) runs it.
     */
    static final class RowsTask extends RecursiveAction {
        private final Rnn rnn;
        private final RnnWorkspace ws;
        private final AtomicInteger claimed = new AtomicInteger();
        private boolean forward;
        private int k;
        private int d;
        private int r0;
        private int r1;
        private PrepackedGemm packed;
        private float[] dy;
        /** handed to the pool in its last use: reusable only once the pool is done with it */
        boolean forked;

        RowsTask(Rnn rnn, RnnWorkspace ws) {
            this.rnn = rnn;
            this.ws = ws;
        }

        Rnn rnn() {
            return rnn;
        }

        /** The loop over rows [0, r0) goes to the caller, [r0, r1) to whoever claims this task. */
        void set(boolean forward, int k, int d, int r0, int r1, PrepackedGemm packed, float[] dy) {
            reinitialize();
            forked = false;
            claimed.set(0);
            this.forward = forward;
            this.k = k;
            this.d = d;
            this.r0 = r0;
            this.r1 = r1;
            this.packed = packed;
            this.dy = dy;
        }

        boolean claim() {
            return claimed.compareAndSet(0, 1);
        }

        void runRows() {
            run(r0, r1);
        }

        void runFirst() {
            run(0, r0);
        }

        private void run(int lo, int hi) {
            if (forward) {
                rnn.forwardRows(ws, k, d, lo, hi, packed);
            } else {
                rnn.backwardRows(ws, k, d, lo, hi, packed, dy);
            }
        }

        @Override
        protected void compute() {
            if (claim()) {
                runRows();
            }
        }
    }
}
