package dev.lanegrad.tasks.data;

/**
 * Supervised samples from a series: sample i has the {@code window} values starting at
 * {@code first + i} as input and the {@code horizon} values after them as target. Samples can be
 * limited to targets that start at or after an index, so that validation and test samples use the
 * end of the previous part as their input context while their targets stay in their own part.
 */
public final class SeriesWindows {

    private final float[] series;
    private final int window;
    private final int horizon;
    private final int first; // start of the input of sample 0
    private final int count;

    /** All samples of the series. */
    public SeriesWindows(float[] series, int window, int horizon) {
        this(series, window, horizon, window, series.length);
    }

    /**
     * The samples whose targets lie in {@code [targetFrom, targetTo)} of the series; their inputs may
     * reach back before {@code targetFrom}.
     */
    public SeriesWindows(float[] series, int window, int horizon, int targetFrom, int targetTo) {
        if (window < 1 || horizon < 1) {
            throw new IllegalArgumentException("window " + window + " and horizon " + horizon + " must be positive");
        }
        if (targetFrom < window || targetTo > series.length || targetFrom > targetTo) {
            throw new IllegalArgumentException("targets [" + targetFrom + ", " + targetTo + ") do not fit a series of "
                    + series.length + " values with a window of " + window);
        }
        this.series = series;
        this.window = window;
        this.horizon = horizon;
        this.first = targetFrom - window;
        this.count = targetTo - targetFrom - horizon + 1;
        if (count < 1) {
            throw new IllegalArgumentException("a series of " + series.length + " values (targets in [" + targetFrom + ", "
                    + targetTo + ")) is too short for a window of " + window + " and a horizon of " + horizon);
        }
    }

    public int size() {
        return count;
    }

    public int window() {
        return window;
    }

    public int horizon() {
        return horizon;
    }

    /** Index in the series of sample i's first target value. */
    public int targetStart(int i) {
        check(i);
        return first + i + window;
    }

    /** Sample i's input (a copy). */
    public float[] input(int i) {
        check(i);
        float[] out = new float[window];
        System.arraycopy(series, first + i, out, 0, window);
        return out;
    }

    /** Sample i's target (a copy). */
    public float[] target(int i) {
        check(i);
        float[] out = new float[horizon];
        System.arraycopy(series, first + i + window, out, 0, horizon);
        return out;
    }

    /**
     * Fills a batch of the given samples: {@code inputs} time-major {@code [window, B, 1]} (element
     * {@code t * B + b}), {@code targets} {@code [B, horizon]}. B = {@code samples.length}.
     */
    public void fill(int[] samples, float[] inputs, float[] targets) {
        int b = samples.length;
        if (inputs.length < window * b || targets.length < horizon * b) {
            throw new IllegalArgumentException("batch of " + b + " needs inputs of " + window * b + " and targets of "
                    + horizon * b + " values, got " + inputs.length + " and " + targets.length);
        }
        for (int j = 0; j < b; j++) {
            int s = samples[j];
            check(s);
            for (int t = 0; t < window; t++) {
                inputs[t * b + j] = series[first + s + t];
            }
            System.arraycopy(series, first + s + window, targets, j * horizon, horizon);
        }
    }

    private void check(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("sample " + i + " of " + count);
        }
    }
}
