package dev.lanegrad.spark.score;

import dev.lanegrad.spark.Cells;
import org.apache.spark.sql.Row;

import java.util.List;

/** Reads a row's sequence cell (array&lt;float|double&gt;, array&lt;array&lt;float|double&gt;&gt; or string) and its length. */
final class RowValues {

    private RowValues() {
    }

    static String text(Row r, int index) {
        if (r.isNullAt(index)) {
            throw new IllegalArgumentException("row " + r + ": the text column is null, expected a string");
        }
        return r.getString(index);
    }

    /** Adds the row's sequence to the batch: its steps (a list of numbers, or a list of feature lists) and length. */
    static void addSeries(Row r, ScoringSpec spec, int features, SeriesBatch batch) {
        int index = spec.inputIndex();
        if (r.isNullAt(index)) {
            throw new IllegalArgumentException("row " + r + ": the sequence column is null, expected an array");
        }
        Object cell = r.get(index);
        int t = Cells.length(cell, "sequence");
        float[] values;
        if (t > 0 && Cells.element(cell, 0, "sequence") instanceof Number) {
            if (features != 1) {
                throw new IllegalArgumentException("the sequence column holds numbers (univariate), but the model takes "
                        + features + " features per step: expected array<array<float>>");
            }
            values = Cells.floats(cell, "sequence");
        } else {
            values = new float[t * features];
            List<?> steps = Cells.list(cell, "sequence");
            for (int s = 0; s < t; s++) {
                float[] step = Cells.floats(steps.get(s), "sequence");
                if (step.length != features) {
                    throw new IllegalArgumentException("step " + s + " has " + step.length + " features, expected " + features);
                }
                System.arraycopy(step, 0, values, s * features, features);
            }
        }
        int length = t;
        boolean given = spec.lengthsIndex() >= 0;
        if (given) {
            length = ((Number) r.get(spec.lengthsIndex())).intValue();
            if (length < 1 || length > t) {
                throw new IllegalArgumentException("length " + length + " of a sequence of " + t + " steps, expected in [1, " + t + "]");
            }
        } else if (t < 1) {
            throw new IllegalArgumentException("an empty sequence, expected at least one step");
        }
        batch.add(values, length, given);
    }
}
