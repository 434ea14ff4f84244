package dev.lanegrad.bench.quick;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quartiles the quick harness reports beside its median. */
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
}
