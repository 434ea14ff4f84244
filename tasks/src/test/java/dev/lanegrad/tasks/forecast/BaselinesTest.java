package dev.lanegrad.tasks.forecast;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The baselines and error measures on series small enough to check by hand. */
class BaselinesTest {

    //                               index: 0  1  2  3  4  5  6  7
    static final double[] SERIES = {1, 2, 3, 4, 5, 6, 7, 8};

    @Test
    void naiveRepeatsTheLastKnownValueOverTheHorizon() {
        // forecasts from index 5 (last known: 5) and from 6 (last known: 6), two steps each
        assertArrayEquals(new double[] {5, 5, 6, 6}, Baselines.naive(SERIES, new int[] {5, 6}, 2));
        assertArrayEquals(new double[] {1}, Baselines.naive(SERIES, new int[] {1}, 1));
    }

    @Test
    void seasonalNaiveTakesTheValueOneSeasonEarlier() {
        // season 3: index 5 <- index 2 (3), index 6 <- index 3 (4); index 7 <- index 4 (5)
        assertArrayEquals(new double[] {3, 4, 4, 5}, Baselines.seasonalNaive(SERIES, new int[] {5, 6}, 2, 3));
        // season 2, three steps from index 5: 5 <- 3, 6 <- 4, 7 <- 3 (two seasons back: index 5 is not known yet)
        assertArrayEquals(new double[] {4, 5, 4}, Baselines.seasonalNaive(SERIES, new int[] {5}, 3, 2));
        assertTrue(Baselines.seasonalApplies(new int[] {5, 6}, 5));
        assertFalse(Baselines.seasonalApplies(new int[] {5, 6}, 6));
        assertFalse(Baselines.seasonalApplies(new int[] {5}, 0));
        assertThrows(IllegalArgumentException.class, () -> Baselines.seasonalNaive(SERIES, new int[] {2}, 1, 3));
    }

    @Test
    void rmseAndMae() {
        // errors 1, 0, -2: RMSE sqrt(5/3), MAE 1
        ErrorMetrics m = ErrorMetrics.of(new double[] {1, 2, 3}, new double[] {2, 2, 1});
        assertEquals(Math.sqrt(5.0 / 3), m.rmse(), 1e-12);
        assertEquals(1.0, m.mae(), 1e-12);
        assertEquals(3, m.count());
        // the naive forecast of 1..8 from index 4 on is off by exactly 1 at every step
        int[] starts = {4, 5, 6, 7};
        double[] actual = {5, 6, 7, 8};
        ErrorMetrics naive = ErrorMetrics.of(actual, Baselines.naive(SERIES, starts, 1));
        assertEquals(1.0, naive.rmse(), 1e-12);
        assertEquals(1.0, naive.mae(), 1e-12);
        // season 4: off by exactly 4
        assertEquals(4.0, ErrorMetrics.of(actual, Baselines.seasonalNaive(SERIES, starts, 1, 4)).rmse(), 1e-12);
    }
}
