package dev.lanegrad.spark.score;

import dev.lanegrad.tasks.classify.TextClassifier;

import java.util.List;

/** A text classifier's checkpoint folder: each row a text, out its label probabilities (in the checkpoint's label order). */
public final class TextClassifierScorer extends SequenceModel {

    private final TextClassifier classifier;

    public TextClassifierScorer(TextClassifier classifier) {
        super(Input.TEXT, 0, List.of(Output.PROBABILITIES));
        this.classifier = classifier;
    }

    public List<String> labels() {
        return classifier.labels();
    }

    @Override
    protected Object[] scoreTexts(List<String> texts, Output output) {
        // the classifier's own batched forward: padded batches with lengths, as `lanegrad classify` runs it
        return classifier.probabilities(texts);
    }

    @Override
    public String describe() {
        return "the text classifier (labels " + classifier.labels() + ")";
    }
}
