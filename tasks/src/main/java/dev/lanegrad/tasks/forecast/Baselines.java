package dev.lanegrad.tasks.forecast;

/**
 * The forecasts a model must beat, for the samples whose targets start at {@code starts[i]}, flattened
 * like the model's ({@code [sample][step]}).
 */
public final class Baselines {

    private Baselines() {
    }

    /** Naive: every step of the horizon repeats the last known value, series[start - 1]. */
    public static double[] naive(double[] series, int[] starts, int horizon) {
        double[] out = new double[starts.length * horizon];
        for (int i = 0; i < starts.length; i++) {
            require(starts[i] >= 1 && starts[i] + horizon <= series.length, "naive", starts[i], horizon, series.length);
            for (int k = 0; k < horizon; k++) {
                out[i * horizon + k] = series[starts[i] - 1];
            }
        }
        return out;
    }

    /**
     * Seasonal naive with season m: step k (0-based) of a forecast from start s is the value one season
     * before it, series[s + k - m], or whole seasons further back when k >= m, so that only known values
     * are used (Hyndman's {@code snaive}).
     */
    public static double[] seasonalNaive(double[] series, int[] starts, int horizon, int season) {
        if (season < 1) {
            throw new IllegalArgumentException("season " + season + " must be at least 1");
        }
        double[] out = new double[starts.length * horizon];
        for (int i = 0; i < starts.length; i++) {
            int s = starts[i];
            require(s >= season && s + horizon <= series.length, "seasonal naive (season " + season + ")", s, horizon,
                    series.length);
            for (int k = 0; k < horizon; k++) {
                out[i * horizon + k] = series[s + k - season * (k / season + 1)];
            }
        }
        return out;
    }

    /** Whether every start has a full season of history. */
    public static boolean seasonalApplies(int[] starts, int season) {
        if (season < 1) {
            return false;
        }
        for (int s : starts) {
            if (s < season) {
                return false;
            }
        }
        return true;
    }

    private static void require(boolean ok, String what, int start, int horizon, int n) {
        if (!ok) {
            throw new IllegalArgumentException(what + ": a forecast from index " + start + " over " + horizon
                    + " steps does not fit a series of " + n + " values");
        }
    }
}
