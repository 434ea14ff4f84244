package dev.lanegrad.tasks.forecast;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.tasks.data.Scaler;
import dev.lanegrad.tasks.ModelClaims;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.Cells;
import dev.lanegrad.tasks.CheckpointFolder;
import dev.lanegrad.tasks.EpochSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A trained forecaster: the model, its configuration and the scaler fitted on its training values, so that
 * it takes and returns values in the data's units. Read-only after training, so one instance may serve
 * several threads. Saved as a checkpoint folder ({@link CheckpointFolder}): {@code model.safetensors} and
 * {@code config.json} (the configuration and the scaler).
 */
public record Forecaster(ForecastModel model, ForecastConfig config, Scaler scaler) {

    static final String TASK = "forecast";
    private static final int EVAL_BATCH = 256;

    /** The next {@code horizon} values after {@code recent}, whose last {@code window} values are used. */
    public double[] predict(double[] recent) {
        if (recent.length < config.window()) {
            throw new IllegalArgumentException(recent.length + " recent values, expected at least the window of " + config.window());
        }
        return predictAt(recent, new int[] {recent.length});
    }

    /**
     * Forecasts from several points of one series: row i forecasts the {@code horizon} values starting at
     * {@code starts[i]} from the {@code window} values before it. Returns {@code [sample][step]} flattened,
     * in the data's units.
     */
    public double[] predictAt(double[] series, int[] starts) {
        float[] scaled = scaler.transform(series);
        float[] out = predictScaled(scaled, starts);
        return scaler.inverse(out);
    }

    /** As {@link #predictAt}, on an already scaled series, returning scaled values. */
    float[] predictScaled(float[] scaled, int[] starts) {
        int w = config.window();
        int h = config.horizon();
        for (int s : starts) {
            if (s < w || s > scaled.length) {
                throw new IllegalArgumentException("a forecast from index " + s + " needs the " + w
                        + " values before it in a series of " + scaled.length);
            }
        }
        float[] out = new float[starts.length * h];
        boolean wasTraining = model.isTraining();
        if (wasTraining) {
            model.eval(); // a loaded forecaster is in eval mode already, so serving threads never write this flag
        }
        try (Tape tape = new Tape(); Tape.NoGrad ng = tape.noGrad()) {
            for (int from = 0; from < starts.length; from += EVAL_BATCH) {
                int b = Math.min(EVAL_BATCH, starts.length - from);
                float[] x = new float[w * b];
                for (int j = 0; j < b; j++) {
                    int first = starts[from + j] - w;
                    for (int t = 0; t < w; t++) {
                        x[t * b + j] = scaled[first + t];
                    }
                }
                Tensor y = model.forward(Tensor.wrap(x, 0, w, b, 1));
                System.arraycopy(y.toArray(), 0, out, from * h, b * h);
                tape.reset();
            }
        } finally {
            if (wasTraining) {
                model.train(true);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- checkpoint

    /** Writes model.safetensors and config.json into dir (created if needed); each file atomically. */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        String id = CheckpointFolder.newId();
        Map<String, Object> m = CheckpointFolder.newConfig(TASK, id);
        m.put("cell", Cells.name(config.cell()));
        m.put("window", config.window());
        m.put("horizon", config.horizon());
        m.put("hidden", config.hidden());
        m.put("layers", config.layers());
        m.put("dropout", Double.parseDouble(Float.toString(config.dropout())));
        m.put("scaler", scaler.encode());
        m.put("season", config.season());
        m.put("epochs", config.epochs());
        m.put("lr", Double.parseDouble(Float.toString(config.lr())));
        EpochSettings.put(m, config.batch(), config.seed(), config.trainFraction(), config.validationFraction(), config.patience(),
                config.clipNorm());
        CheckpointFolder.writeWeights(dir, model, TASK, id);
        CheckpointFolder.writeString(dir.resolve(CheckpointFolder.CONFIG), CheckpointFolder.toJson(m));
    }

    /** Reads a folder written by {@link #save}; a missing or damaged file is named in the error. */
    public static Forecaster load(Path dir) throws IOException {
        CheckpointFolder.requireFolder(dir, TASK);
        CheckpointFolder.Config c = CheckpointFolder.readConfig(dir, TASK, TASK);
        ForecastConfig cfg;
        try {
            cfg = new ForecastConfig(c.parse("cell", Cells::parseTaskCell), c.integer("window", 1), c.integer("horizon", 1),
                    c.integer("hidden", 1), c.integer("layers", 1), (float) c.number("dropout"), c.integer("epochs", 1),
                    (float) c.number("lr"), c.integer("batch", 1), (long) c.number("seed"), c.integer("season", 0),
                    c.number("train_fraction"), c.number("validation_fraction"), c.parse("scaler", Scaler::parse).kind(),
                    c.integer("patience", 0), c.number("clip_norm"));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith("checkpoint ") ? e
                    : new IllegalArgumentException("checkpoint " + dir + ": " + CheckpointFolder.CONFIG + ": " + e.getMessage());
        }
        Scaler scaler = c.parse("scaler", Scaler::parse);
        ModelClaims.requireHeld(dir, CheckpointFolder.WEIGHTS, CheckpointFolder.CONFIG + ": cell " + Cells.name(cfg.cell()) + ", hidden " + cfg.hidden()
                + ", layers " + cfg.layers() + ", horizon " + cfg.horizon(),
                ModelClaims.forecastParameters(Cells.name(cfg.cell()), cfg.hidden(), cfg.layers(), cfg.horizon()));
        ForecastModel model = new ForecastModel(cfg.cell(), cfg.hidden(), cfg.layers(), cfg.dropout(), cfg.horizon(), cfg.seed());
        CheckpointFolder.readWeights(dir, model, c, TASK);
        model.eval();
        return new Forecaster(model, cfg, scaler);
    }
}
