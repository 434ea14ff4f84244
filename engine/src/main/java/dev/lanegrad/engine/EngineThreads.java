package dev.lanegrad.engine;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * The engine's one thread pool. Its parallelism comes from {@code -Dlanegrad.threads}, or
 * {@link #setThreads(int)}, and defaults to the number of available processors. Kernels split their
 * work over it only when the work is large enough to pay for the hand-off. Changing the size replaces
 * the pool; a kernel that finds the pool it was about to use shut down runs the work itself.
 */
public final class EngineThreads {

    public static final String PROPERTY = "lanegrad.threads";

    private static volatile ForkJoinPool pool;
    private static volatile int threads = initialThreads();

    private EngineThreads() {
    }

    private static int initialThreads() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + ": expected a whole number >= 1");
    }

    /** How many threads kernels may use (1 = everything runs on the calling thread). */
    public static int threads() {
        return threads;
    }

    /** Sets the number of threads kernels may use; takes effect for the next kernel call. */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads = " + n + ", expected >= 1");
        }
        if (n != threads) {
            ForkJoinPool old = pool;
            pool = null;
            threads = n;
            if (old != null) {
                old.shutdown();
            }
        }
    }

    /** Daemon workers named lanegrad-engine-N, so a thread dump shows whose they are and they never keep the JVM alive. */
    private static ForkJoinWorkerThread newWorker(ForkJoinPool owner) {
        ForkJoinWorkerThread worker = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(owner);
        worker.setName("lanegrad-engine-" + worker.getPoolIndex());
        worker.setDaemon(true);
        return worker;
    }

    /**
     * Whether the calling thread is a worker of the engine pool: a kernel called from inside a task of
     * the pool runs on that thread instead of splitting again (its siblings already use the others).
     */
    public static boolean inPool() {
        return Thread.currentThread() instanceof ForkJoinWorkerThread worker && worker.getPool() == pool;
    }

    /** The pool (created on first use) with {@link #threads()} workers. */
    public static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (EngineThreads.class) {
                p = pool;
                if (p == null) {
                    p = new ForkJoinPool(threads, EngineThreads::newWorker, null, false);
                    pool = p;
                }
            }
        }
        return p;
    }
}
