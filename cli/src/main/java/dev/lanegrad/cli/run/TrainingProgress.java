package dev.lanegrad.cli.run;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Shows how a training run goes: step, epoch, train loss (a running mean), the last validation loss,
 * tokens (or samples) per second, elapsed time and ETA.
 * <ul>
 *   <li>On a terminal ({@code System.console() != null}): a live progress bar (me.tongfei:progressbar)
 *       on stderr, redrawn at most 5 times a second, e.g.
 *       {@code train 41% |████▋      | 980/2400 (0:01:52 / 0:02:41) ep 1 loss 1.612 val 1.671 27.1k tok/s}</li>
 *   <li>Otherwise (a log file, a pipe, CI): plain lines on the given stream, one every
 *       {@code logEveryMillis} and one per validation, e.g.
 *       {@code step 980/~2400  epoch 1  train 1.612  val 1.671  27.1k tok/s  elapsed 1:52  eta 2:41}</li>
 * </ul>
 * The run ends when either a step limit or a time budget is reached (whichever comes first; either may be
 * absent); the total shown is the step limit, or an estimate from the budget and the speed so far
 * ({@code ~2400}), and the ETA is the time to whichever limit comes first.
 *
 * <pre>{@code
 * try (TrainingProgress progress = TrainingProgress.create("train", maxSteps, budgetSeconds, "tok", System.err)) {
 *     for (...) {
 *         progress.step(step, epoch, trainLoss, tokensThisStep);
 *         if (step % valEvery == 0) progress.validation(step, valLoss);   // printed as a line in both modes
 *         progress.message("saved best checkpoint");                     // a line above the bar
 *     }
 * }
 * }</pre>
 * {@link #forTerminal} / {@link #forLog} force one mode (tests use forLog).
 */
public final class TrainingProgress implements AutoCloseable {

    private final String task;
    private final long maxSteps;          // <= 0: no step limit
    private final double budgetSeconds;   // <= 0: no time limit
    private final String unit;
    private final PrintStream out;
    private final long logEveryNanos;
    private final ProgressBar bar;        // null in log mode

    private final long startNanos = System.nanoTime();
    private long firstStep = -1;
    private long lastLogNanos;
    private long step;
    private int epoch;
    private double trainLoss = Double.NaN;
    private double validationLoss = Double.NaN;
    private long tokens;
    private double tokensPerSecond;
    private long speedFromNanos;
    private long speedFromTokens;

    private TrainingProgress(String task, long maxSteps, double budgetSeconds, String unit, PrintStream out,
                             boolean terminal, long logEveryMillis) {
        if (maxSteps <= 0 && budgetSeconds <= 0) {
            throw new IllegalArgumentException("a training run needs a step limit or a time budget");
        }
        this.task = task;
        this.maxSteps = maxSteps;
        this.budgetSeconds = budgetSeconds;
        this.unit = unit;
        this.out = out;
        this.logEveryNanos = logEveryMillis * 1_000_000L;
        this.lastLogNanos = startNanos;
        this.speedFromNanos = startNanos;
        this.bar = terminal ? new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(maxSteps > 0 ? maxSteps : 100)
                .setStyle(ProgressBarStyle.UNICODE_BLOCK)
                .setUpdateIntervalMillis(200)
                .setMaxRenderedLength(120)
                .setEtaFunction(state -> Optional.ofNullable(eta()))
                .build() : null;
    }

    /** A bar on a terminal, plain lines (every 10 s) on {@code log} otherwise. */
    public static TrainingProgress create(String task, long maxSteps, double budgetSeconds, String unit, PrintStream log) {
        return System.console() != null
                ? forTerminal(task, maxSteps, budgetSeconds, unit)
                : forLog(task, maxSteps, budgetSeconds, unit, log, 10_000);
    }

    public static TrainingProgress forTerminal(String task, long maxSteps, double budgetSeconds, String unit) {
        return new TrainingProgress(task, maxSteps, budgetSeconds, unit, System.err, true, 0);
    }

    public static TrainingProgress forLog(String task, long maxSteps, double budgetSeconds, String unit,
                                          PrintStream out, long logEveryMillis) {
        return new TrainingProgress(task, maxSteps, budgetSeconds, unit, out, false, logEveryMillis);
    }

    /**
     * After each optimizer step: its number (1-based, continuing after a resume), the epoch, the train
     * loss to show (e.g. a running mean) and how many tokens (or samples) the step consumed.
     */
    public synchronized void step(long step, int epoch, double trainLoss, long tokensThisStep) {
        long now = System.nanoTime();
        if (firstStep < 0) {
            firstStep = step - 1;
        }
        this.step = step;
        this.epoch = epoch;
        this.trainLoss = trainLoss;
        this.tokens += tokensThisStep;
        // speed over the last ~20 s window, so the first (JIT warm-up) steps fade out
        double window = (now - speedFromNanos) / 1e9;
        if (window > 0) {
            tokensPerSecond = (tokens - speedFromTokens) / window;
        }
        if (window > 20) {
            speedFromNanos = now - (long) 10e9;
            speedFromTokens = tokens - (long) (tokensPerSecond * 10);
        }
        if (bar != null) {
            long total = estimatedTotalSteps();
            if (total > 0 && total != bar.getMax()) bar.maxHint(total);
            bar.stepTo(step);
            bar.setExtraMessage(status());
        } else if (now - lastLogNanos >= logEveryNanos) {
            lastLogNanos = now;
            out.println(line());
        }
    }

    /** A validation result: remembered for the status and printed as a line. */
    public synchronized void validation(long step, double loss) {
        this.validationLoss = loss;
        message(String.format(Locale.ROOT, "step %d: validation loss %.4f", step, loss));
    }

    /**
     * A validation result remembered for the status, printed as the caller's own {@code line} (e.g. a
     * per-epoch summary with the task's metric) instead of the default one.
     */
    public synchronized void validation(long step, double loss, String line) {
        this.validationLoss = loss;
        message(line);
    }

    /** Prints a line (above the bar on a terminal). */
    public synchronized void message(String text) {
        if (bar != null) {
            System.err.print("\r\033[2K");
            System.err.println(text);
            System.err.flush();
            bar.refresh();
        } else {
            out.println(text);
            out.flush();
        }
    }

    /** The current status as one plain line (what log mode prints). */
    public synchronized String line() {
        long total = estimatedTotalSteps();
        String of = total <= 0 ? "" : (maxSteps > 0 && (budgetSeconds <= 0 || total == maxSteps) ? "/" : "/~") + total;
        Duration eta = eta();
        return String.format(Locale.ROOT, "%s step %d%s  epoch %d  train %s  val %s  %s  elapsed %s  eta %s",
                task, step, of, epoch, loss(trainLoss), loss(validationLoss), speed(),
                clock(Duration.ofNanos(System.nanoTime() - startNanos)), eta == null ? "?" : clock(eta));
    }

    public synchronized double tokensPerSecond() {
        return tokensPerSecond;
    }

    private String status() {
        return String.format(Locale.ROOT, "ep %d loss %s val %s %s", epoch, loss(trainLoss), loss(validationLoss), speed());
    }

    private String speed() {
        double v = tokensPerSecond;
        return (v >= 1e4 ? String.format(Locale.ROOT, "%.1fk", v / 1e3) : String.format(Locale.ROOT, "%.0f", v))
                + " " + unit + "/s";
    }

    private static String loss(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String clock(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Steps at the end: the step limit, or what the budget allows at the speed so far, whichever is less. */
    private long estimatedTotalSteps() {
        long done = step - Math.max(firstStep, 0);
        double elapsed = elapsedSeconds();
        long byBudget = Long.MAX_VALUE;
        if (budgetSeconds > 0 && done > 0 && elapsed > 0) {
            byBudget = step + (long) (Math.max(0, budgetSeconds - elapsed) * done / elapsed);
        }
        long limit = maxSteps > 0 ? maxSteps : Long.MAX_VALUE;
        long total = Math.min(limit, byBudget);
        return total == Long.MAX_VALUE ? 0 : total;
    }

    private Duration eta() {
        long done = step - Math.max(firstStep, 0);
        double elapsed = elapsedSeconds();
        double bySteps = Double.POSITIVE_INFINITY;
        if (maxSteps > 0 && done > 0) {
            bySteps = (maxSteps - step) * elapsed / done;
        }
        double byBudget = budgetSeconds > 0 ? Math.max(0, budgetSeconds - elapsed) : Double.POSITIVE_INFINITY;
        double s = Math.min(bySteps, byBudget);
        return Double.isInfinite(s) ? null : Duration.ofMillis((long) (s * 1000));
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
        } else {
            out.flush();
        }
    }
}
