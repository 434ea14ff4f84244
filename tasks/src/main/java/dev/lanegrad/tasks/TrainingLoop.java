package dev.lanegrad.tasks;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.Module;
import dev.lanegrad.models.optim.GradClip;
import dev.lanegrad.models.optim.LrSchedule;
import dev.lanegrad.models.optim.Optimizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * The one training loop of the tasks (char-LM, forecast, classify). Each step: the learning rate from
 * the schedule, the task's forward on its next batch, backward, gradient clipping, the optimizer step,
 * zeroGrad, the task's after-step (e.g. carry the recurrent state), tape reset, and a check that the loss
 * is finite. Every {@code validateEvery} steps: the task's validation, the best weights kept in memory
 * (and checkpointed by the task), patience. At the end: a last validation if the last step was not
 * validated, the task's last checkpoint, and (unless stopped) the best weights put back.
 *
 * <pre>{@code
 * TrainingLoop.Result r = new TrainingLoop(model, optimizer, task)
 *         .schedule(LrSchedule.cosine(lr, steps, lr / 10)).clip(1.0)
 *         .limits(steps, 0).validateEvery(stepsPerEpoch).keepBest(Better.LOWER_LOSS, 5)
 *         .run(listener);
 * }</pre>
 * The task decides what a batch and a validation are; the loop owns the order of the step, so every
 * task trains the same way and a resumed run repeats an uninterrupted one bit for bit. One loop object
 * runs on one thread; {@link #stopWhen} may be set from any.
 */
public final class TrainingLoop {

    /** What one task supplies. */
    public interface Task {
        /** The forward of the next training batch, recorded on the current tape: the mean loss, a scalar. */
        Tensor forward();

        /** Examples (or tokens) in the batch of the last {@link #forward()}. */
        long examples();

        /** After the optimizer step, before the tape is reset (e.g. keep the final state for the next window). */
        default void afterStep() {
        }

        /** Validates the current weights (the loop puts the model back in training mode afterwards). */
        Score validate();

        /** The epoch (from 1) after {@code steps} steps of the whole run; by default from the steps per epoch. */
        default int epoch(long steps, int stepsPerEpoch) {
            return stepsPerEpoch > 0 ? 1 + (int) (Math.max(0, steps - 1) / stepsPerEpoch) : 1;
        }
    }

    /** A validation: the loss and the task's score (the loss again, an RMSE, an accuracy). */
    public record Score(double loss, double score) {
    }

    /** Whether a validation beats the best so far. */
    @FunctionalInterface
    public interface Better {
        boolean test(Score candidate, Score best);

        /** A lower validation loss. */
        Better LOWER_LOSS = (c, b) -> c.loss() < b.loss();
        /** A higher score; among equal scores (common on small sets) the lower loss. */
        Better HIGHER_SCORE = (c, b) -> c.score() > b.score() || (c.score() == b.score() && c.loss() < b.loss());
    }

    /** What the loop writes, through the task's checkpoint format; every method is optional. */
    public interface Checkpoints {
        /** The weights are the best so far (already kept in memory). */
        default void best(long step, Score score) throws IOException {
        }

        /** Every {@code saveEvery} steps. */
        default void periodic(long step) throws IOException {
        }

        /** At the end, before the best weights are put back: the state a resumed run continues from. */
        default void last(long step) throws IOException {
        }
    }

    /**
     * How a run ended: its last step, the best validation's step and score (null when never validated),
     * whether it was stopped, whether patience ended it, its training time, and the examples it trained on.
     */
    public record Result(long steps, long bestStep, Score best, boolean stopped, boolean earlyStopped, double seconds,
            long examples) {
    }

    /** A run that wrote nothing ({@link #runInMemory}): how it ended, every validation, and the epoch of the best. */
    public record Recorded(Result result, List<ValidationResult> history, int bestEpoch) {
    }

    private final Module model;
    private final Optimizer optimizer;
    private final List<Tensor> parameters;
    private final Task task;
    private LrSchedule schedule;
    private double clip;
    private long firstStep;
    private long maxSteps;
    private double maxSeconds;
    private int epochs;
    private int stepsPerEpoch;
    private long validateEvery = Long.MAX_VALUE;
    private int patience;
    private long saveEvery;
    private Better better = Better.LOWER_LOSS;
    private boolean validateFirst;
    private Checkpoints checkpoints = new Checkpoints() {
    };
    private BooleanSupplier stopRequested = () -> false;
    private BestWeights best;
    private Score initialScore;
    private List<Tensor> initialWeights;
    private long initialStep;

    public TrainingLoop(Module model, Optimizer optimizer, Task task) {
        this.model = model;
        this.optimizer = optimizer;
        this.parameters = optimizer.parameters();
        this.task = task;
        this.schedule = LrSchedule.constant(optimizer.learningRate());
    }

    /** The learning rate of each step of this run (counted from 0; a resumed run passes {@code whole.from(s, t)}). */
    public TrainingLoop schedule(LrSchedule s) {
        schedule = s;
        return this;
    }

    /** The maximum global gradient norm; 0 for no clipping. */
    public TrainingLoop clip(double maxNorm) {
        clip = maxNorm;
        return this;
    }

    /**
     * A resumed run: the step it continues after (steps are numbered from there); after step 0 the
     * starting weights are validated first and count as the best so far, unless {@link #initialBest} says otherwise.
     */
    public TrainingLoop resumeAfter(long step) {
        firstStep = step;
        validateFirst = step > 0;
        return this;
    }

    /** The run's limits: steps and seconds of this run, 0 for none (at least one is needed). */
    public TrainingLoop limits(long steps, double seconds) {
        if (steps <= 0 && seconds <= 0) {
            throw new IllegalArgumentException("a training run needs a step limit or a time budget");
        }
        maxSteps = Math.max(0, steps);
        maxSeconds = Math.max(0, seconds);
        return this;
    }

    /** A run of {@code epochs} passes of {@code stepsPerEpoch} steps, validated after each. */
    public TrainingLoop epochs(int epochs, int stepsPerEpoch) {
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
        this.validateEvery = stepsPerEpoch;
        return limits((long) epochs * stepsPerEpoch, 0);
    }

    public TrainingLoop validateEvery(long steps) {
        validateEvery = steps;
        return this;
    }

    /**
     * Which validation is better (its weights are kept and checkpointed as the best), and after how many
     * validations without a better one the run stops; patience 0 = never (default: the lower loss, never).
     */
    public TrainingLoop keepBest(Better better, int patience) {
        this.better = better;
        this.patience = patience;
        return this;
    }

    /**
     * A resumed run whose best weights so far are not the starting ones (e.g. the run folder's best when
     * resuming from its last state): they are kept as the best, with their score and step, and not
     * checkpointed again.
     */
    public TrainingLoop initialBest(Score score, List<Tensor> weights, long step) {
        initialScore = score;
        initialWeights = weights;
        initialStep = step;
        return this;
    }

    /** Where the best, periodic and last checkpoints go; {@link Checkpoints#periodic} every saveEvery steps, 0 = never. */
    public TrainingLoop checkpoints(Checkpoints c, long saveEvery) {
        this.checkpoints = c;
        this.saveEvery = saveEvery;
        return this;
    }

    /** Polled before every step (e.g. set from a Ctrl-C hook on another thread). */
    public TrainingLoop stopWhen(BooleanSupplier requested) {
        stopRequested = requested;
        return this;
    }

    // the state of one run(): the step, the best validation so far, the training loss since the last one
    private long step;
    private Score bestScore;
    private long bestStep;
    private long lastValidated;
    private int sinceBest;
    private double lossSum;
    private long lossCount;
    private long lastValidationNanos;

    /** Runs to a limit, patience or a stop request. */
    public Result run(TrainingListener listener) throws IOException {
        TrainingListener l = listener != null ? listener : TrainingListener.NONE;
        best = new BestWeights(parameters);
        step = firstStep;
        bestScore = null;
        bestStep = -1;
        lastValidated = -1;
        sinceBest = 0;
        lossSum = 0;
        lossCount = 0;
        boolean early = false;
        long examples = 0;
        long start = System.nanoTime();
        lastValidationNanos = start;
        if (initialScore != null) {
            bestScore = initialScore;
            bestStep = initialStep;
            best.keepFrom(initialWeights);
        } else if (validateFirst) {
            bestScore = validate();
            bestStep = step;
            lastValidated = step;
            best.keep();
            checkpoints.best(step, bestScore);
        }
        l.started(new TrainingPlan(firstStep, maxSteps, maxSeconds, epochs, stepsPerEpoch));
        model.train(true);
        long runStep = 0;
        // one tape for the whole run: its arena is reused by every step
        try (Tape tape = new Tape()) {
            while (!stopRequested.getAsBoolean()) {
                double elapsed = (System.nanoTime() - start) / 1e9;
                if (maxSteps > 0 && runStep >= maxSteps || maxSeconds > 0 && elapsed >= maxSeconds) {
                    break;
                }
                TrainingStep s = step(tape, runStep, elapsed);
                runStep++;
                examples += s.examples();
                l.step(s);
                if (saveEvery > 0 && step % saveEvery == 0) {
                    checkpoints.periodic(step);
                }
                if (runStep % validateEvery == 0) {
                    validation(l, s.epoch());
                    model.train(true);
                    if (patience > 0 && sinceBest >= patience) {
                        early = true;
                        break;
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        boolean stopped = !early && stopRequested.getAsBoolean();
        l.ended(step, stopped);
        if (lastValidated != step) {
            validation(l, task.epoch(step, stepsPerEpoch));
        }
        checkpoints.last(step);
        if (!stopped) {
            best.restore();
        }
        return new Result(step, bestStep, bestScore, stopped, early, seconds, examples);
    }

    /**
     * Runs a loop without checkpoints (the epoch tasks keep their best weights in memory and save them
     * afterwards), so nothing is written and no I/O can fail; records every validation.
     */
    public Recorded runInMemory(TrainingListener listener) {
        List<ValidationResult> history = new ArrayList<>();
        Result result;
        try {
            result = run(listener.recording(history));
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // cannot happen: nothing is written during the loop
        }
        int bestEpoch = history.stream().filter(r -> r.step() == result.bestStep()).findFirst().orElseThrow().epoch();
        return new Recorded(result, List.copyOf(history), bestEpoch);
    }

    /** One optimizer step on the task's next batch. */
    private TrainingStep step(Tape tape, long runStep, double elapsed) {
        float lr = schedule.rate(runStep, elapsed);
        optimizer.setLearningRate(lr);
        tape.reset();
        Tensor loss = task.forward();
        long n = task.examples();
        tape.backward(loss);
        double norm = clip > 0 ? GradClip.byGlobalNorm(parameters, clip) : Double.NaN;
        optimizer.step();
        optimizer.zeroGrad();
        task.afterStep();
        double value = loss.item();
        tape.reset();
        step++;
        int epoch = task.epoch(step, stepsPerEpoch);
        if (!Double.isFinite(value)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "the training loss became %s at step %d (epoch %d);"
                    + " try a smaller --lr (now %s)%s", value, step, epoch, optimizer.learningRate(),
                    clip > 0 ? "" : " or set a gradient clip"));
        }
        lossSum += value * n;
        lossCount += n;
        return new TrainingStep(step, epoch, value, lr, norm, n, elapsed);
    }

    /** Validates; a better score is kept (weights and checkpoint) and resets patience; tells the listener. */
    private void validation(TrainingListener l, int epoch) throws IOException {
        Score s = validate();
        lastValidated = step;
        boolean improved = bestScore == null || better.test(s, bestScore);
        if (improved) {
            bestScore = s;
            bestStep = step;
            sinceBest = 0;
            best.keep();
            checkpoints.best(step, s);
        } else {
            sinceBest++;
        }
        long now = System.nanoTime();
        l.validated(new ValidationResult(step, epoch, epochs, lossCount > 0 ? lossSum / lossCount : Double.NaN, s.loss(),
                s.score(), improved, (now - lastValidationNanos) / 1e9));
        lastValidationNanos = now;
        lossSum = 0;
        lossCount = 0;
    }

    private Score validate() {
        Score s = task.validate();
        if (!Double.isFinite(s.loss())) {
            throw new IllegalStateException("the validation loss became " + s.loss() + "; try a smaller --lr (now "
                    + optimizer.learningRate() + ")");
        }
        return s;
    }
}
