package dev.lanegrad.tasks;

import java.util.Map;

/**
 * The settings the epoch tasks (forecast, classify) share, checked in one place with one wording and
 * saved under one set of names: a config's constructor checks its own sizes with {@link #atLeast} and the
 * training settings with {@link #check}; a checkpoint's config.json gets them from {@link #put}.
 */
public final class EpochSettings {

    private EpochSettings() {
    }

    public static void atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " " + value + " must be at least " + min);
        }
    }

    /** Epochs, batch, patience, the learning rate, dropout, the train / validation / test fractions and the clip norm. */
    public static void check(int epochs, int batch, int patience, float lr, float dropout, double trainFraction,
            double validationFraction, double clipNorm) {
        atLeast("epochs", epochs, 1);
        atLeast("batch", batch, 1);
        atLeast("patience", patience, 0);
        if (!(lr > 0) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("lr " + lr + " must be a positive number");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout " + dropout + " must be in [0, 1)");
        }
        if (!(trainFraction > 0 && validationFraction > 0 && trainFraction + validationFraction < 1)) {
            throw new IllegalArgumentException("train fraction " + trainFraction + " and validation fraction " + validationFraction
                    + " must be positive and leave a test part (sum < 1)");
        }
        if (!(clipNorm > 0)) {
            throw new IllegalArgumentException("clip norm " + clipNorm + " must be positive");
        }
    }

    /** The batch, seed, split, patience and clip norm, under their config.json names, after the task's own settings. */
    public static void put(Map<String, Object> config, int batch, long seed, double trainFraction, double validationFraction,
            int patience, double clipNorm) {
        config.put("batch", batch);
        config.put("seed", seed);
        config.put("train_fraction", trainFraction);
        config.put("validation_fraction", validationFraction);
        config.put("patience", patience);
        config.put("clip_norm", clipNorm);
    }
}
