package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.EngineThreads;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandOffTest {

    /** Counts its runs; throws the given failure when one is set. */
    private static final class Counting extends HandOff {
        final AtomicInteger runs = new AtomicInteger();
        RuntimeException toThrow;

        @Override
        void work() {
            runs.incrementAndGet();
            if (toThrow != null) {
                throw toThrow;
            }
        }
    }

    @Test
    void theWaiterSeesEveryPassOfOneReusedTaskEnd() {
        Counting task = new Counting();
        for (int pass = 1; pass <= 5_000; pass++) {
            task.reset();
            EngineThreads.pool().execute(task);
            assertNull(task.awaitWorker(), "pass " + pass);
            assertEquals(pass, task.runs.get(), "the wait returned before pass " + pass + " had run");
            while (!task.isDone()) {
                Thread.onSpinWait(); // the pool marks it done just after the flag: reuse only then
            }
        }
    }

    @Test
    void aFailureOfTheWorkersPartReachesTheWaiter() {
        Counting task = new Counting();
        task.reset();
        task.toThrow = new IllegalStateException("part failed");
        EngineThreads.pool().execute(task);
        Throwable failure = task.awaitWorker();
        assertSame(task.toThrow, failure);
        assertTrue(task.workerFailed());
        task.reset();
        assertTrue(!task.workerFailed(), "reset forgets the last pass's failure");
    }
}
