package dev.lanegrad.engine.testing;

import dev.lanegrad.engine.EngineThreads;

import java.util.concurrent.CountDownLatch;

/**
 * Keeps every worker of the engine pool busy until closed, so that a test can check that code which hands
 * work to the pool still finishes (and computes the same) when the pool does not run it: JDK 17's pool can
 * stop running tasks (JDK-8330017, fixed in 17.0.17). For the engine's, models' and serve's tests.
 *
 * <pre>
 * try (BusyPool busy = BusyPool.occupy()) { ... }   // EngineThreads.threads() workers blocked meanwhile
 * </pre>
 */
public final class BusyPool implements AutoCloseable {

    private final CountDownLatch release = new CountDownLatch(1);

    private BusyPool() {
    }

    /** Blocks all EngineThreads.threads() workers of the current pool; returns once each one is blocked. */
    public static BusyPool occupy() throws InterruptedException {
        BusyPool busy = new BusyPool();
        int workers = EngineThreads.threads();
        CountDownLatch started = new CountDownLatch(workers);
        for (int i = 0; i < workers; i++) {
            EngineThreads.pool().execute(() -> {
                started.countDown();
                try {
                    busy.release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        started.await();
        return busy;
    }

    /** Lets the workers go. */
    @Override
    public void close() {
        release.countDown();
    }
}
