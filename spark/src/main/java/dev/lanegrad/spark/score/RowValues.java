package dev.lanegrad.spark.score;

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
        List<Object> steps = r.getList(index);
        int t = steps.size();
        float[] values = new float[t * features];
        for (int s = 0; s < t; s++) {
            Object step = steps.get(s);
            if (step instanceof Number n) {
                if (features != 1) {
                    throw new IllegalArgumentException("the sequence column holds numbers (univariate), but the model takes "
                            + features + " features per step: expected array<array<float>>");
                }
                values[s] = n.floatValue();
            } else if (step instanceof List<?> || step instanceof scala.collection.Seq<?>) {
                List<?> feats = step instanceof List<?> l ? l
                        : scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) step);
                if (feats.size() != features) {
                    throw new IllegalArgumentException("step " + s + " has " + feats.size() + " features, expected " + features);
                }
                for (int k = 0; k < features; k++) {
                    values[s * features + k] = ((Number) feats.get(k)).floatValue();
                }
            } else {
                throw new IllegalArgumentException("step " + s + " of the sequence column is " + step + ", expected a number or an array");
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
