package dev.lanegrad.engine.vector;

import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One split GEMM call of a calling thread: its arguments, a counter handing out chunks, and the
 * reusable pool tasks that help. One instance per calling thread (the caller waits for its helpers
 * before returning, so the next call may reuse it), hence a parallel call allocates nothing.
 */
final class GemmSplit {

    private static final ThreadLocal<GemmSplit> LOCAL = ThreadLocal.withInitial(GemmSplit::new);

    private final AtomicInteger next = new AtomicInteger();
    private Helper[] helpers = new Helper[0];

    private boolean byColumns;
    private int units;
    private int chunks;
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
        this.chunks = chunks;
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
        next.set(0);
    }

    /** count reusable helper tasks, reinitialized for this call. */
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
            helpers[t].reinitialize();
        }
        return helpers;
    }

    /** Takes chunks until none is left; chunk q covers units [units*q/chunks, units*(q+1)/chunks). */
    void work() {
        int q;
        while ((q = next.getAndIncrement()) < chunks) {
            int lo = (int) ((long) units * q / chunks) * unit;
            int hi = Math.min((int) ((long) units * (q + 1) / chunks) * unit, size);
            VectorGemm.runPart(byColumns, lo, hi, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc);
        }
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

        Helper(GemmSplit split) {
            this.split = split;
        }

        @Override
        protected void compute() {
            split.work();
        }
    }
}
