package dev.lanegrad.spark.score;

import dev.lanegrad.tasks.classify.TextClassifier;

import java.util.List;

/** A text classifier's checkpoint folder: each row a text, out its label probabilities (in the checkpoint's label order). */
public final class TextClassifierScorer implements SequenceModel {

    private final TextClassifier classifier;

    public TextClassifierScorer(TextClassifier classifier) {
        this.classifier = classifier;
    }

    @Override
    public Input input() {
        return Input.TEXT;
    }

    @Override
    public int features() {
        return 0;
    }

    @Override
    public List<Output> outputs() {
        return List.of(Output.PROBABILITIES);
    }

    @Override
    public Object[] scoreSeries(SeriesBatch batch, Output output) {
        throw new IllegalArgumentException(describe() + " takes text (string), not numeric sequences");
    }

    @Override
    public Object[] scoreTexts(List<String> texts, Output output) {
        checkOutput(output);
        // the classifier's own batched forward: padded batches with lengths, as `lanegrad classify` runs it
        return classifier.probabilities(texts);
    }

    public List<String> labels() {
        return classifier.labels();
    }

    @Override
    public String describe() {
        return "the text classifier (labels " + classifier.labels() + ")";
    }
}
