package dev.lanegrad.spark.train;

import java.io.Serializable;

/**
 * One partition's training windows, scaled, in global order: for step s it holds the windows
 * {@code s*K*b + k*b ... s*K*b + (k+1)*b - 1} of the data (k its partition), so that rows
 * {@code [s*b, (s+1)*b)} of the shard are its part of step s's global batch.
 */
public record Shard(int rows, int window, int horizon, float[] inputs, float[] targets) implements Serializable {

    public Shard {
        if (inputs.length != rows * window || targets.length != rows * horizon) {
            throw new IllegalArgumentException("shard of " + rows + " rows: " + inputs.length + " input and " + targets.length
                    + " target values, expected " + rows * window + " and " + rows * horizon);
        }
    }

    /** Rows [from, from + b) as time-major [window, b, 1] (what ForecastModel takes). */
    public float[] inputsTimeMajor(int from, int b) {
        float[] x = new float[window * b];
        for (int j = 0; j < b; j++) {
            for (int t = 0; t < window; t++) {
                x[t * b + j] = inputs[(from + j) * window + t];
            }
        }
        return x;
    }

    /** Rows [from, from + b) of the targets, [b, horizon]. */
    public float[] targets(int from, int b) {
        return java.util.Arrays.copyOfRange(targets, from * horizon, (from + b) * horizon);
    }
}
