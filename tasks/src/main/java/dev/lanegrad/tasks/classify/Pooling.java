package dev.lanegrad.tasks.classify;

import java.util.Locale;

/** How the recurrent outputs of a sentence become one vector for the classifier head. */
public enum Pooling {
    /** The mean of the outputs over the sentence's own steps (padding excluded). */
    MEAN,
    /** The elementwise maximum of the outputs over the sentence's own steps. */
    MAX,
    /** The final states of the last layer: forward at the last word, reverse at the first (PyTorch's h_n). */
    LAST;

    public static Pooling parse(String text) {
        for (Pooling p : values()) {
            if (p.name().equalsIgnoreCase(text.strip())) {
                return p;
            }
        }
        throw new IllegalArgumentException("pooling \"" + text + "\" is not one of mean, max, last");
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
