package dev.lanegrad.spark.score;

import java.util.Arrays;

/**
 * Numeric sequences of one batch: row j holds lengths[j] steps of {@code features} values each (row-major,
 * step after step). Buffers grow and are reused from batch to batch, so a partition allocates them once.
 */
public final class SeriesBatch {

    private final int features;
    private float[][] rows = new float[0][];
    private int[] lengths = new int[0];
    private int size;
    private boolean explicitLengths;

    public SeriesBatch(int features) {
        this.features = features;
    }

    public void clear() {
        size = 0;
        explicitLengths = false;
    }

    /** Adds a row of {@code length} steps (values may hold more: padding past the length is ignored). */
    public void add(float[] values, int length, boolean fromLengthsColumn) {
        if (size == rows.length) {
            int n = Math.max(16, size * 2);
            rows = Arrays.copyOf(rows, n);
            lengths = Arrays.copyOf(lengths, n);
        }
        rows[size] = values;
        lengths[size] = length;
        explicitLengths |= fromLengthsColumn;
        size++;
    }

    public int size() {
        return size;
    }

    public int features() {
        return features;
    }

    public float[] row(int j) {
        return rows[j];
    }

    public int length(int j) {
        return lengths[j];
    }

    /** The longest row's length. */
    public int maxLength() {
        int t = 0;
        for (int j = 0; j < size; j++) {
            t = Math.max(t, lengths[j]);
        }
        return t;
    }

    /**
     * The lengths for the packed path, or null when the batch needs none: no lengths column and every row
     * as long as the longest (then the forward is the plain one, as a single-machine caller without lengths runs it).
     */
    public int[] packedLengths() {
        int t = maxLength();
        boolean ragged = false;
        for (int j = 0; j < size; j++) {
            ragged |= lengths[j] != t;
        }
        return explicitLengths || ragged ? Arrays.copyOf(lengths, size) : null;
    }

    /** Time-major [T, B, F] with zeros past each row's length (or batch-first [B, T, F]). */
    public float[] pack(int steps, boolean batchFirst) {
        int b = size;
        float[] x = new float[steps * b * features];
        for (int j = 0; j < b; j++) {
            float[] r = rows[j];
            for (int t = 0; t < lengths[j]; t++) {
                int dst = batchFirst ? (j * steps + t) * features : (t * b + j) * features;
                System.arraycopy(r, t * features, x, dst, features);
            }
        }
        return x;
    }
}
