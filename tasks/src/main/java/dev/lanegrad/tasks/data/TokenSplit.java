package dev.lanegrad.tasks.data;

import java.util.Arrays;

/** A token sequence split into a training head and a validation tail. */
public record TokenSplit(int[] train, int[] validation) {

    /**
     * Splits tokens into the first {@code 1 - validationFraction} for training and the tail for
     * validation (the tail, so that validation text is never seen in training, even in part).
     */
    public static TokenSplit tail(int[] tokens, double validationFraction) {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction " + validationFraction + " is not in [0, 1)");
        }
        int cut = tokens.length - (int) Math.round(tokens.length * validationFraction);
        return new TokenSplit(Arrays.copyOfRange(tokens, 0, cut), Arrays.copyOfRange(tokens, cut, tokens.length));
    }
}
