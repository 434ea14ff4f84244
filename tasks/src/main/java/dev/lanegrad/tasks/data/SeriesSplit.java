package dev.lanegrad.tasks.data;

import java.util.Arrays;

/**
 * A time series cut chronologically into training, validation and test parts (in that order, so no
 * model ever trains on values after those it is judged on). {@code validationStart} and
 * {@code testStart} are indices into the original series.
 */
public record SeriesSplit(double[] train, double[] validation, double[] test, int validationStart, int testStart) {

    /** The first {@code trainFraction} trains, the next {@code validationFraction} validates, the rest tests. */
    public static SeriesSplit chronological(double[] series, double trainFraction, double validationFraction) {
        if (!(trainFraction > 0 && validationFraction >= 0 && trainFraction + validationFraction <= 1)) {
            throw new IllegalArgumentException("fractions train " + trainFraction + " and validation " + validationFraction
                    + " must be positive and add up to at most 1");
        }
        int n = series.length;
        int v = (int) Math.round(n * trainFraction);
        int t = Math.min(n, (int) Math.round(n * (trainFraction + validationFraction)));
        if (v == 0) {
            throw new IllegalArgumentException("a series of " + n + " values leaves no training values at fraction " + trainFraction);
        }
        return new SeriesSplit(Arrays.copyOfRange(series, 0, v), Arrays.copyOfRange(series, v, t),
                Arrays.copyOfRange(series, t, n), v, t);
    }
}
