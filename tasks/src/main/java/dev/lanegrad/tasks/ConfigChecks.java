package dev.lanegrad.tasks;

/**
 * The checks of the settings the epoch tasks (forecast, classify) share, in one place with one wording:
 * a config's constructor checks its own sizes with {@link #atLeast} and the training settings with
 * {@link #epochTraining}.
 */
public final class ConfigChecks {

    private ConfigChecks() {
    }

    public static void atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " " + value + " must be at least " + min);
        }
    }

    /** Epochs, batch, patience, the learning rate, dropout, the train / validation / test fractions and the clip norm. */
    public static void epochTraining(int epochs, int batch, int patience, float lr, float dropout, double trainFraction,
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
}
