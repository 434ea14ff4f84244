package dev.lanegrad.tasks.classify;

import java.util.List;

/** The most probable label of a text, its probability, and every label's probability (in label order). */
public record Prediction(String label, double probability, List<String> labels, double[] probabilities) {
}
