package dev.lanegrad.cli.run;

import dev.lanegrad.tasks.TrainingListener;
import dev.lanegrad.tasks.TrainingPlan;
import dev.lanegrad.tasks.TrainingStep;
import dev.lanegrad.tasks.ValidationResult;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one progress sink of the training commands (train, forecast, classify): it listens to a task's
 * {@link dev.lanegrad.tasks.TrainingLoop} and draws the progress bar or log lines
 * ({@link TrainingProgress}), the loss plot ({@code loss.png}) and the metrics log ({@code metrics.jsonl})
 * in the run folder.
 * <ul>
 *   <li>A run counted in steps (the char-LM) logs every step and every validation to metrics.jsonl and
 *       prints {@code step N: validation loss X} (and where the best weights were saved).</li>
 *   <li>A run counted in epochs (forecast, classify) logs one metrics record per epoch and prints
 *       {@code epoch 3/40  train 0.0054  val 0.0069  val_rmse 19.820  (best so far)  0.3 s}.</li>
 * </ul>
 */
public final class RunProgress implements TrainingListener, AutoCloseable {

    private Predicate<TrainingStep> watchTest;
    private Function<TrainingStep, String> watchMessage;
    private Runnable watchThen;

    private final String task;
    private final String unit;
    private final RunDirectory run;
    private final PrintStream log;
    private final LossPlot plot;
    private final MetricsLog metrics;
    private String scoreName = "val_score";
    private String scoreFormat = "%.4f";
    private String bestMessage;
    private long validationExamples;
    private TrainingProgress progress;
    private boolean epochs;
    private double smooth = Double.NaN;

    /**
     * @param task      the command's name, shown on the bar ("train", "forecast")
     * @param unit      what a step's examples are ("char", "ex"), for the speed
     * @param plotTitle the loss plot's title; {@code lossName} its y axis
     * @param resumed   append to an existing metrics.jsonl (a resumed run in the same folder)
     */
    public RunProgress(String task, String unit, String plotTitle, String lossName, RunDirectory run, PrintStream log,
                       boolean resumed) throws IOException {
        this.task = task;
        this.unit = unit;
        this.run = run;
        this.log = log;
        this.plot = new LossPlot(run.resolve("loss.png"), plotTitle, lossName);
        this.metrics = MetricsLog.open(run.resolve("metrics.jsonl"), resumed);
    }

    /** The validation score's name in lines and metrics (e.g. "val_rmse") and its format (e.g. "%.3f"). */
    public RunProgress score(String name, String format) {
        scoreName = name;
        scoreFormat = format;
        return this;
    }

    /** Printed after a best validation: "step N: best so far, saved to {@code where}". */
    public RunProgress bestSavedTo(String where) {
        bestMessage = where;
        return this;
    }

    /** Examples in each validation, written to the metrics as val_chars (the char-LM's subset). */
    /**
     * At the first step that {@code test} accepts (e.g. a diverging loss), prints {@code message} of it and
     * runs {@code then} (e.g. a stop request); once.
     */
    public RunProgress watchSteps(Predicate<TrainingStep> test, Function<TrainingStep, String> message, Runnable then) {
        this.watchTest = test;
        this.watchMessage = message;
        this.watchThen = then;
        return this;
    }

    public RunProgress validationExamples(long n) {
        validationExamples = n;
        return this;
    }

    public LossPlot plot() {
        return plot;
    }

    public MetricsLog metrics() {
        return metrics;
    }

    /** Prints a line (above the bar on a terminal). */
    public void message(String text) {
        if (progress != null) {
            progress.message(text);
        } else {
            log.println(text);
        }
    }

    public double tokensPerSecond() {
        return progress == null ? 0 : progress.tokensPerSecond();
    }

    @Override
    public void started(TrainingPlan plan) {
        epochs = plan.epochs() > 0;
        progress = TrainingProgress.create(task, plan.lastStep(), plan.maxSeconds(), unit, log);
    }

    @Override
    public void step(TrainingStep s) {
        if (watchTest != null && watchTest.test(s)) {
            watchTest = null;
            message(watchMessage.apply(s));
            watchThen.run();
        }
        smooth = Double.isNaN(smooth) ? s.loss() : 0.95 * smooth + 0.05 * s.loss();
        progress.step(s.step(), s.epoch(), smooth, s.examples());
        if (!epochs) {
            metrics.write(MetricsLog.record("step", s.step(), "epoch", s.epoch(), "train_loss", s.loss(),
                    "lr", s.learningRate(), "grad_norm", s.gradNorm(), unit + "s_per_s", progress.tokensPerSecond(),
                    "elapsed_s", s.elapsedSeconds()));
        }
        plot.addTrain(s.step(), s.loss());
        savePlot(false);
    }

    @Override
    public void validated(ValidationResult r) {
        plot.addValidation(r.step(), r.validationLoss());
        if (epochs) {
            metrics.write(MetricsLog.record("epoch", r.epoch(), "step", r.step(), "train_loss", r.trainLoss(), "val_loss",
                    r.validationLoss(), scoreName, r.validationScore(), "best", r.best(), "seconds", r.seconds()));
            progress.validation(r.step(), r.validationLoss(), String.format(Locale.ROOT,
                    "epoch %d/%d  train %.4f  val %.4f  %s " + scoreFormat + "%s  %.1f s", r.epoch(), r.epochs(), r.trainLoss(),
                    r.validationLoss(), scoreName, r.validationScore(), r.best() ? "  (best so far)" : "", r.seconds()));
        } else {
            metrics.write(MetricsLog.record("step", r.step(), "val_loss", r.validationLoss(), "val_chars", validationExamples,
                    "best", r.best()));
            progress.validation(r.step(), r.validationLoss());
            if (r.best() && bestMessage != null) {
                progress.message(String.format(Locale.ROOT, "step %d: best so far, saved to %s", r.step(), bestMessage));
            }
        }
        savePlot(true);
    }

    @Override
    public void saved(Path folder, long step) {
        Path name = folder.getFileName();
        if (name != null && name.toString().startsWith("step-")) {
            message(String.format(Locale.ROOT, "step %d: checkpoint saved to %s", step, folder));
        }
    }

    @Override
    public void ended(long step, boolean stopped) {
        if (!epochs) {
            message(stopped ? "stopped at step " + step + "; the best checkpoint is kept in " + run
                    : String.format(Locale.ROOT, "training ended at step %d; evaluating on the whole held-out text ...", step));
        }
    }

    /** Redraws loss.png at most every 15 s, or now; a failed write is a warning, not the end of the run. */
    private void savePlot(boolean now) {
        try {
            if (now && !epochs) {
                plot.save();
            } else {
                plot.saveIfDue(15_000);
            }
        } catch (IOException e) {
            message("warning: cannot write " + plot.file() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (progress != null) {
                progress.close();
            }
            plot.save();
        } finally {
            metrics.close();
        }
    }
}
