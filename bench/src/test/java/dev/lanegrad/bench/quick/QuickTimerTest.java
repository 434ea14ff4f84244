package dev.lanegrad.bench.quick;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quartiles the quick harness reports beside its median, and its wait for a quiet JIT. */
class QuickTimerTest {

    @Test
    void quantilesInterpolateBetweenTheNearestRanks() {
        double[] sorted = {10, 20, 30, 40, 50};
        assertEquals(10, QuickTimer.quantile(sorted, 0), 0);
        assertEquals(20, QuickTimer.quantile(sorted, 0.25), 0);
        assertEquals(30, QuickTimer.quantile(sorted, 0.5), 0);
        assertEquals(50, QuickTimer.quantile(sorted, 1), 0);
        assertEquals(25, QuickTimer.quantile(new double[] {10, 20, 30, 40}, 0.5), 0);
        assertEquals(7, QuickTimer.quantile(new double[] {7}, 0.75), 0);
    }

    @Test
    void aMeasurementsQuartilesLieBetweenItsExtremesAroundTheMedian() throws Exception {
        float[] sink = new float[1];
        QuickTimer.Measurement m = new QuickTimer(0, 9, 200_000).measure(() -> {
            for (int i = 0; i < 1_000; i++) {
                sink[0] += (float) Math.sqrt(i + sink[0]);
            }
        });
        assertTrue(m.minNanos() <= m.p25Nanos() && m.p25Nanos() <= m.medianNanos()
                && m.medianNanos() <= m.p75Nanos() && m.p75Nanos() <= m.maxNanos(), m.toString());
        assertEquals(9, m.repetitions());
    }

    @Test
    void theWarmUpGoesOnUntilAStretchWithoutCompiles() throws Exception {
        long[] jit = {10, 20, 35, 35, 90};
        AtomicInteger reads = new AtomicInteger();
        QuickTimer timer = new QuickTimer(1, 3, 1, () -> jit[reads.getAndIncrement()], 1_000_000L, 60_000_000_000L);
        long calls = timer.untilJitQuiet(() -> { }, System.nanoTime() + 60_000_000_000L);
        assertEquals(4, reads.get(), "reads of the JIT clock: three stretches with compiles, then the quiet one");
        assertTrue(calls >= 3, "calls " + calls);
    }

    @Test
    void aJitThatNeverSettlesStopsTheWaitAtItsLimit() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        QuickTimer timer = new QuickTimer(1, 3, 1, reads::incrementAndGet, 1_000_000L, 20_000_000L);
        long started = System.nanoTime();
        timer.measure(() -> { });
        long took = System.nanoTime() - started;
        assertTrue(reads.get() >= 5 && took < 10_000_000_000L, reads.get() + " reads, " + took + " ns");
    }

    @Test
    void noWaitWhenTheJvmDoesNotReportCompileTime() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        QuickTimer timer = new QuickTimer(1, 3, 1, () -> -1, 60_000_000_000L, 60_000_000_000L);
        assertEquals(0, timer.untilJitQuiet(calls::incrementAndGet, System.nanoTime() + 60_000_000_000L));
        assertEquals(0, calls.get());
    }
}
