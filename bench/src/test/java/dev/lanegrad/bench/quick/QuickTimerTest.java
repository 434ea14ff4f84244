package dev.lanegrad.bench.quick;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

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

    /**
     * A clock that moves one ns per read: each stretch of 3 ns is one read at its start and three calls of
     * the operation, each followed by a read.
     */
    private static LongSupplier ticking() {
        AtomicLong now = new AtomicLong();
        return now::getAndIncrement;
    }

    @Test
    void theWarmUpGoesOnUntilAStretchWithoutCompiles() throws Exception {
        long[] jit = {10, 20, 35, 35, 90};
        AtomicInteger reads = new AtomicInteger();
        QuickTimer timer = new QuickTimer(1, 3, 1, () -> jit[reads.getAndIncrement()], ticking(), 3, Long.MAX_VALUE / 4);
        long calls = timer.untilJitQuiet(() -> { }, Long.MAX_VALUE / 4);
        assertEquals(4, reads.get(), "reads of the JIT clock: three stretches with compiles, then the quiet one");
        assertEquals(9, calls, "three calls in each of the three stretches");
    }

    @Test
    void aJitThatNeverSettlesStopsTheWaitAtItsLimit() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        QuickTimer timer = new QuickTimer(1, 3, 1, reads::incrementAndGet, ticking(), 3, 20);
        long calls = timer.untilJitQuiet(() -> { }, 20);
        // stretches end at 3, 7, 11, 15, 19, 23 on the clock: the sixth is the first past the limit of 20
        assertEquals(7, reads.get(), "one read before the stretches and one after each of six");
        assertEquals(18, calls);
    }

    @Test
    void noWaitWhenTheJvmDoesNotReportCompileTime() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        QuickTimer timer = new QuickTimer(1, 3, 1, () -> -1, ticking(), 3, Long.MAX_VALUE / 4);
        assertEquals(0, timer.untilJitQuiet(calls::incrementAndGet, Long.MAX_VALUE / 4));
        assertEquals(0, calls.get());
    }
}
