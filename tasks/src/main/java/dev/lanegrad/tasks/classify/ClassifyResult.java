package dev.lanegrad.tasks.classify;

import dev.lanegrad.tasks.ValidationResult;

import java.util.List;

/**
 * What a classification run measured on the held-out test part.
 *
 * @param classifier        the model of the best validation epoch
 * @param bestEpoch         that epoch (1-based)
 * @param history           every epoch run (validation score = accuracy)
 * @param testAccuracy      the model's accuracy on the test part
 * @param majorityLabel     the most frequent label of the training part
 * @param majorityAccuracy  the accuracy on the test part of always answering it
 * @param confusion         the model's test confusion matrix
 * @param trainSize         examples in each part
 * @param validationSize    .
 * @param testSize          .
 * @param seconds           wall time of training and evaluation
 */
public record ClassifyResult(TextClassifier classifier, int bestEpoch, List<ValidationResult> history, double testAccuracy,
        String majorityLabel, double majorityAccuracy, ConfusionMatrix confusion, int trainSize, int validationSize,
        int testSize, double seconds) {
}
