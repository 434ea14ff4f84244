package dev.lanegrad.tasks;

import dev.lanegrad.models.rnn.RnnMode;

import java.util.Map;

/**
 * The settings the epoch tasks (forecast, classify) share, checked in one place with one wording and
 * saved under one set of names: a config's constructor checks its own sizes with {@link #atLeast} and the
 * training settings with {@link #check}; a checkpoint's config.json gets them from {@link #put}; a config's
 * builder sets them through {@link Builder}.
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

    /** The shared settings as a task's config record reads them (what a command shows as its defaults). */
    public interface Values {
        RnnMode cell();
        int hidden();
        int layers();
        int epochs();
        float lr();
        int batch();
        long seed();
        int patience();
    }

    /**
     * The setters of the shared settings, for a config's builder B (which adds its own and builds); the builder
     * gives the task's defaults in its constructor.
     */
    public abstract static class Builder<B extends Builder<B>> {
        protected RnnMode cell;
        protected int hidden;
        protected int layers;
        protected float dropout;
        protected int epochs;
        protected float lr;
        protected int batch;
        protected long seed;
        protected double trainFraction;
        protected double validationFraction;
        protected int patience;
        protected double clipNorm;

        public final B cell(RnnMode v) { cell = v; return self(); }
        public final B hidden(int v) { hidden = v; return self(); }
        public final B layers(int v) { layers = v; return self(); }
        public final B dropout(float v) { dropout = v; return self(); }
        public final B epochs(int v) { epochs = v; return self(); }
        public final B lr(float v) { lr = v; return self(); }
        public final B batch(int v) { batch = v; return self(); }
        public final B seed(long v) { seed = v; return self(); }
        public final B split(double train, double validation) { trainFraction = train; validationFraction = validation; return self(); }
        public final B patience(int v) { patience = v; return self(); }
        public final B clipNorm(double v) { clipNorm = v; return self(); }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
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
