package dev.lanegrad.spark.score;

import java.util.List;

/**
 * A loaded model seen by the scorer: what its rows hold, what it can write, and a batched forward.
 * Immutable once loaded, so the tasks of one executor share one instance (each call opens its own tape).
 * A model scores the rows of its {@link #input()} kind; the other score method refuses, naming what it takes.
 */
public abstract class SequenceModel {

    /** Numeric sequences ({@link SeriesBatch}) or texts. */
    public enum Input { SERIES, TEXT }

    private final Input input;
    private final int features;
    private final List<Output> outputs;

    /** features: per step of a SERIES model, 0 for TEXT; outputs: the first is the default. */
    protected SequenceModel(Input input, int features, List<Output> outputs) {
        this.input = input;
        this.features = features;
        this.outputs = List.copyOf(outputs);
    }

    public final Input input() {
        return input;
    }

    /** Features per step of a SERIES model (1: univariate, array&lt;float&gt; rows are accepted). */
    public final int features() {
        return features;
    }

    /** The outputs it can write, the first one being the default. */
    public final List<Output> outputs() {
        return outputs;
    }

    /** The column type it reads: "string", "array&lt;float&gt; or array&lt;array&lt;float&gt;&gt;" or per-step arrays of its features. */
    public final String columnType() {
        return input == Input.TEXT ? "string" : features == 1 ? "array<float> or array<array<float>>"
                : "array<array<float>> with " + features + " features per step";
    }

    /**
     * One forward over a batch of the rows it takes: the texts of a TEXT model, the series of a SERIES one (the
     * other is ignored). Returns one value per row: float[] (HIDDEN), float[][] (OUTPUTS) or double[] (FORECAST,
     * PROBABILITIES).
     */
    public final Object[] score(List<String> texts, SeriesBatch series, Output output) {
        checkOutput(output);
        return input == Input.TEXT ? scoreTexts(texts, output) : scoreSeries(series, output);
    }

    /** A SERIES model's forward, output checked. */
    protected Object[] scoreSeries(SeriesBatch batch, Output output) {
        throw new IllegalArgumentException(describe() + " takes text (string), not numeric sequences");
    }

    /** A TEXT model's forward, output checked. */
    protected Object[] scoreTexts(List<String> texts, Output output) {
        throw new IllegalArgumentException(describe() + " takes numeric sequences (" + columnType() + "), not text");
    }

    /** A short description for errors and logs. */
    public abstract String describe();

    public final void checkOutput(Output output) {
        if (!outputs.contains(output)) {
            throw new IllegalArgumentException("output " + output.id() + " is not one that " + describe() + " writes; it writes "
                    + outputs.stream().map(Output::id).toList());
        }
    }
}
