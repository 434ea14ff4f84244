package dev.lanegrad.spark.score;

import java.util.List;

/**
 * A loaded model seen by the scorer: what its rows hold, what it can write, and a batched forward.
 * Immutable once loaded, so the tasks of one executor share one instance (each call opens its own tape).
 */
public interface SequenceModel {

    /** Numeric sequences ({@link SeriesBatch}) or texts. */
    enum Input { SERIES, TEXT }

    Input input();

    /** Features per step of a SERIES model (1: univariate, array&lt;float&gt; rows are accepted). */
    int features();

    /** The outputs it can write, the first one being the default. */
    List<Output> outputs();

    /**
     * One forward over a batch. Returns one value per row: float[] (HIDDEN), float[][] (OUTPUTS) or double[]
     * (FORECAST, PROBABILITIES).
     */
    Object[] scoreSeries(SeriesBatch batch, Output output);

    Object[] scoreTexts(List<String> texts, Output output);

    /** A short description for errors and logs. */
    String describe();

    default void checkOutput(Output output) {
        if (!outputs().contains(output)) {
            throw new IllegalArgumentException("output " + output.id() + " is not one that " + describe() + " writes; it writes "
                    + outputs().stream().map(Output::id).toList());
        }
    }
}
