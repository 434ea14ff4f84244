package dev.lanegrad.cli;

import dev.lanegrad.cli.train.LossPlot;
import dev.lanegrad.cli.train.MetricsLog;
import dev.lanegrad.cli.train.RunDirectory;
import dev.lanegrad.cli.train.TrainingProgress;
import dev.lanegrad.tasks.EpochResult;
import dev.lanegrad.tasks.TrainingListener;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Wires a task's training loop ({@link TrainingListener}) to the shared training tools: the progress bar
 * (or log lines), the loss plot ({@code loss.png}) and the metrics log ({@code metrics.jsonl}, one record
 * per epoch) in the run folder.
 */
final class TaskProgress implements TrainingListener, AutoCloseable {

    private final String task;
    private final String scoreName;
    private final String scoreFormat;
    private final RunDirectory run;
    private final PrintStream log;
    private TrainingProgress progress;
    private final LossPlot plot;
    private final MetricsLog metrics;
    private int stepsPerEpoch;
    private long step;
    private double epochLoss;
    private int epochSteps;

    /**
     * @param scoreName   the validation score's name in messages and metrics, e.g. "val_rmse"
     * @param scoreFormat its format, e.g. "%.2f"
     */
    TaskProgress(String task, String lossName, String scoreName, String scoreFormat, RunDirectory run, PrintStream log)
            throws IOException {
        this.task = task;
        this.scoreName = scoreName;
        this.scoreFormat = scoreFormat;
        this.run = run;
        this.log = log;
        this.plot = new LossPlot(run.resolve("loss.png"), "lanegrad " + task, lossName);
        this.metrics = MetricsLog.open(run.resolve("metrics.jsonl"), false);
    }

    @Override
    public void started(int epochs, int stepsPerEpoch) {
        this.stepsPerEpoch = stepsPerEpoch;
        progress = TrainingProgress.create(task, (long) epochs * stepsPerEpoch, 0, "ex", log);
    }

    @Override
    public void step(int epoch, int stepInEpoch, double loss, int examples) {
        step = (long) (epoch - 1) * stepsPerEpoch + stepInEpoch;
        if (stepInEpoch == 1) {
            epochLoss = 0;
            epochSteps = 0;
        }
        epochLoss += loss;
        epochSteps++;
        progress.step(step, epoch, epochLoss / epochSteps, examples);
        plot.addTrain(step, loss);
    }

    @Override
    public void epoch(EpochResult r) {
        plot.addValidation(step, r.validationLoss());
        metrics.write(MetricsLog.record("epoch", r.epoch(), "step", step, "train_loss", r.trainLoss(), "val_loss",
                r.validationLoss(), scoreName, r.validationScore(), "best", r.best(), "seconds", r.seconds()));
        progress.validation(step, r.validationLoss(), String.format(Locale.ROOT,
                "epoch %d/%d  train %.4f  val %.4f  %s " + scoreFormat + "%s  %.1f s", r.epoch(), r.epochs(), r.trainLoss(),
                r.validationLoss(), scoreName, r.validationScore(), r.best() ? "  (best so far)" : "", r.seconds()));
        try {
            plot.saveIfDue(10_000);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + plot.file() + ": " + e.getMessage(), e);
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

    RunDirectory run() {
        return run;
    }
}
