package dev.lanegrad.serve;

import dev.lanegrad.engine.EngineThreads;
import dev.lanegrad.engine.testing.BusyPool;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MicroBatcherTest {

    /** Doubles each input; the first batch waits for the latch; records every batch's size. */
    private static final class Held implements MicroBatcher.Runner<Integer, Integer> {
        final Semaphore entered = new Semaphore(0);
        final CountDownLatch release = new CountDownLatch(1);
        final List<Integer> sizes = new ArrayList<>();
        volatile boolean allInPool = true;

        @Override
        public List<Integer> apply(List<Integer> in) {
            synchronized (sizes) {
                sizes.add(in.size());
            }
            allInPool &= EngineThreads.inPool();
            entered.release();
            try {
                assertTrue(release.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return in.stream().map(v -> 2 * v).toList();
        }
    }

    @Test
    void closeRunsEveryQueuedJobThenRefusesNewOnes() throws Exception {
        Held runner = new Held();
        MicroBatcher<Integer, Integer> b = new MicroBatcher<>("t", 2, 0, 1 << 20, runner, null);
        List<CompletableFuture<Integer>> out = new ArrayList<>();
        out.add(b.submit(0));
        assertTrue(runner.entered.tryAcquire(30, TimeUnit.SECONDS));
        for (int i = 1; i <= 4; i++) {
            out.add(b.submit(i));
        }
        assertEquals(4, b.depth());
        CompletableFuture<Void> closed = CompletableFuture.runAsync(b::close);
        ApiError refused = assertThrows(ApiError.class, () -> {
            while (true) { // until close() has begun; these jobs queue behind the others and run too
                b.submit(99);
            }
        });
        assertEquals(503, refused.status());
        runner.release.countDown();
        closed.get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            assertEquals(2 * i, out.get(i).get(), "job " + i);
        }
        synchronized (runner.sizes) {
            assertEquals(1, runner.sizes.get(0));
            assertTrue(runner.sizes.stream().allMatch(s -> s <= 2), "no batch above max batch: " + runner.sizes);
        }
    }

    @Test
    void lanesRunBatchesAtOnceInTheEnginePoolAndWaitForCompanyOnlyWhileAnotherRuns() throws Exception {
        int threads = EngineThreads.threads();
        EngineThreads.setThreads(2); // two pool workers, one per lane, whatever this machine has
        Held runner = new Held();
        long hour = TimeUnit.HOURS.toNanos(1);
        MicroBatcher<Integer, Integer> b = new MicroBatcher<>("t", 2, hour, 100, runner, null, 2, true);
        try {
            CompletableFuture<Integer> lone = b.submit(0);
            // no lane runs a batch: the lone job starts at once, not after the hour's window
            assertTrue(runner.entered.tryAcquire(30, TimeUnit.SECONDS), "a lone job waited for the window");
            CompletableFuture<Integer> one = b.submit(1);
            CompletableFuture<Integer> two = b.submit(2);
            // the other lane runs while the first is held: with a batch running, it waits for company (max batch 2)
            assertTrue(runner.entered.tryAcquire(30, TimeUnit.SECONDS), "the second lane did not run beside the first");
            runner.release.countDown();
            assertEquals(0, lone.get(30, TimeUnit.SECONDS));
            assertEquals(2, one.get(30, TimeUnit.SECONDS));
            assertEquals(4, two.get(30, TimeUnit.SECONDS));
            synchronized (runner.sizes) {
                assertEquals(List.of(1, 2), runner.sizes);
            }
            assertTrue(runner.allInPool, "a batch ran outside the engine pool, so its kernels could split");
        } finally {
            runner.release.countDown();
            b.close();
            EngineThreads.setThreads(threads);
        }
    }

    /** With the engine pool unable to start tasks (both workers busy), an in-pool lane runs its batch itself. */
    @Test
    void aBatchThePoolDoesNotStartRunsOnItsLane() throws Exception {
        int threads = EngineThreads.threads();
        EngineThreads.setThreads(2);
        List<Boolean> ranInPool = new ArrayList<>();
        MicroBatcher<Integer, Integer> b = new MicroBatcher<>("t", 2, 0, 100, in -> {
            synchronized (ranInPool) {
                ranInPool.add(EngineThreads.inPool());
            }
            return in.stream().map(v -> v + 1).toList();
        }, null, 2, true);
        try (BusyPool busy = BusyPool.occupy()) {
            assertEquals(8, b.submit(7).get());
            synchronized (ranInPool) {
                assertEquals(List.of(false), ranInPool, "the batch should have run on its lane, outside the busy pool");
            }
        } finally {
            b.close();
            EngineThreads.setThreads(threads);
        }
    }

    @Test
    void aFailingBatchFailsItsJobsAndTheNextBatchStillRuns() throws Exception {
        MicroBatcher<Integer, Integer> b = new MicroBatcher<>("t", 4, 0, 10, in -> {
            if (in.contains(-1)) {
                throw new IllegalStateException("boom");
            }
            return in;
        }, null);
        try {
            CompletableFuture<Integer> bad = b.submit(-1);
            assertTrue(assertThrows(java.util.concurrent.ExecutionException.class, bad::get).getCause() instanceof IllegalStateException);
            assertEquals(5, b.submit(5).get());
        } finally {
            b.close();
        }
    }
}
