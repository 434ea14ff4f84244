package dev.lanegrad.tasks.charlm;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.tasks.data.CharVocabulary;
import dev.lanegrad.tasks.data.LmBatcher;
import dev.lanegrad.tasks.data.TokenBatch;
import dev.lanegrad.tasks.data.TokenSplit;
import dev.lanegrad.models.nn.State;
import dev.lanegrad.models.optim.Adam;
import dev.lanegrad.models.optim.AdamW;
import dev.lanegrad.models.optim.GradClip;
import dev.lanegrad.models.optim.Optimizer;
import dev.lanegrad.models.optim.RmsProp;
import dev.lanegrad.models.optim.Sgd;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Trains a {@link CharLanguageModel} on a text: the vocabulary of the text, the last
 * {@code valFrac} held out for validation, batches of {@code seqLen x batch} characters, Adam (or
 * another optimizer) with gradient clipping and a warm-up + cosine learning rate, until a step limit or
 * a time budget; the subset of the held-out text is evaluated every {@code valEvery} steps and the best
 * weights so far are kept in a checkpoint folder ({@link CharLmCheckpoint}); at the end the best
 * weights are evaluated on the whole held-out text.
 *
 * <pre>{@code
 * CharLmTrainer trainer = new CharLmTrainer(TrainingConfig.defaults(), BundledData.text("tinyshakespeare.txt"));
 * CharLmTrainer.Result r = trainer.fit(Path.of("runs/mine"), new CharLmTrainer.Listener() {
 *     public void onValidation(long step, double loss, boolean best) { System.out.println(step + " " + loss); }
 * });
 * System.out.println(r.validationLoss());       // nats per character on the held-out text
 * new Sampler(trainer.model(), trainer.vocabulary(), 7).generate("ROMEO:", 300, 0.8f, 0, System.out::print);
 * }</pre>
 *
 * The loop of {@link #fit} is the plain one and easy to write by hand with the model itself:
 * <pre>{@code
 * try (Tape tape = new Tape()) {
 *     State state = model.zeroState(batch);
 *     for (int step = 0; step < steps; step++) {
 *         TokenBatch b = batcher.next();                               // [T, B] ids and targets
 *         if (b.startOfPass()) state.reset();
 *         CharLanguageModel.Output out = model.forward(b.inputs(), T, B, state);
 *         Tensor loss = CharLanguageModel.loss(out.logits(), b.targets());
 *         tape.backward(loss);
 *         GradClip.byGlobalNorm(model.parameters(), 5);
 *         adam.step();
 *         adam.zeroGrad();
 *         out.recurrent().detachedState(state);                        // carry h, c; cut the graph
 *         tape.reset();
 *     }
 * }
 * }</pre>
 * One trainer is used by one thread; {@link #requestStop()} may be called from any thread.
 */
public final class CharLmTrainer {

    /** Called by {@link #fit} on its thread; every method is optional. */
    public interface Listener {
        default void onStep(StepInfo step) {
        }

        /** A validation on the fixed subset; best: it is the lowest so far (and was saved). */
        default void onValidation(long step, double loss, boolean best) {
        }

        /** A checkpoint was written (atomically) into dir. */
        default void onCheckpoint(Path dir, long step, double validationLoss) {
        }

        /** Training has ended (limit reached or stopped); the final evaluation on the whole held-out text starts. */
        default void onTrainingEnd(long step, boolean stopped) {
        }
    }

    /**
     * One optimizer step: its number (counted from 1 over resumes), the epoch (passes over the training
     * text, from 1), the batch loss, the learning rate used, the gradient norm before clipping (NaN when not
     * clipping), the tokens of this step and the seconds since the run started.
     */
    public record StepInfo(long step, int epoch, double loss, float learningRate, double gradNorm, long tokens,
                           double elapsedSeconds) {
    }

    /**
     * What a run reached: the final step, the loss of the saved (best) weights on the whole held-out text
     * (NaN if the run was stopped before it), the best loss on the validation subset, the training time,
     * characters trained on, and whether it was stopped by {@link #requestStop()}.
     */
    public record Result(long steps, double validationLoss, long validationCharacters, double bestSubsetLoss,
                         double trainSeconds, long tokensSeen, boolean stopped) {
        public double tokensPerSecond() {
            return trainSeconds > 0 ? tokensSeen / trainSeconds : 0;
        }
    }

    private final TrainingConfig config;
    private final CharVocabulary vocabulary;
    private final CharLanguageModel model;
    private final int[] train;
    private final int[] validation;
    private final int[] validationSubset;
    private final Optimizer optimizer;
    private final List<Tensor> parameters;
    private final LmBatcher batcher;
    private final State state;
    private long step;
    private long tokensSeen;
    private volatile boolean stop;

    /** A new model for the text (its vocabulary is the text's characters). */
    public CharLmTrainer(TrainingConfig config, String text) {
        this(config, vocabularyOf(text), null, text, 0);
    }

    private static CharVocabulary vocabularyOf(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("the training text is empty; expected at least a few thousand characters");
        }
        return CharVocabulary.of(text);
    }

    /**
     * Continues from a checkpoint: its weights, its vocabulary (the text must use only those
     * characters), its architecture and step count; the optimisation settings, limits and validation
     * split come from {@code config} (a fresh optimizer: Adam's moments are not in the checkpoint, and the
     * warm-up and schedule start again over this run's limits). {@code config.steps()} counts the steps
     * of this run, not the total.
     */
    public static CharLmTrainer resume(CharLmCheckpoint.Loaded checkpoint, TrainingConfig config, String text) {
        CharLanguageModel.Config m = checkpoint.model().modelConfig();
        TrainingConfig merged = config.toBuilder().cell(m.cell().lowerName()).embed(m.embed()).hidden(m.hidden())
                .layers(m.layers()).dropout(m.dropout()).build();
        return new CharLmTrainer(merged, checkpoint.vocabulary(), checkpoint.model(), text, checkpoint.step());
    }

    private CharLmTrainer(TrainingConfig config, CharVocabulary vocabulary, CharLanguageModel model, String text, long step) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("the training text is empty; expected at least a few thousand characters");
        }
        this.config = config;
        this.vocabulary = vocabulary;
        int[] tokens;
        try {
            tokens = vocabulary.encode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the text does not fit the checkpoint's vocabulary: " + e.getMessage());
        }
        TokenSplit split = TokenSplit.tail(tokens, config.valFrac());
        this.train = split.train();
        this.validation = split.validation();
        checkLengths(tokens.length);
        this.validationSubset = subset(validation, config.valTokens());
        this.model = model != null ? model : new CharLanguageModel(config.modelConfig(vocabulary.size()), config.seed());
        this.model.train(true);
        this.parameters = this.model.parameters();
        this.optimizer = optimizer(config, parameters);
        boolean sequential = "sequential".equals(config.batching());
        this.batcher = new LmBatcher(train, config.seqLen(), config.batch(),
                sequential ? LmBatcher.Mode.SEQUENTIAL : LmBatcher.Mode.RANDOM, config.seed() + step);
        if (sequential) {
            // a resumed run continues where the stream was (the same windows as an uninterrupted run)
            for (long i = step % batcher.batchesPerPass(); i > 0; i--) {
                batcher.next();
            }
        }
        this.state = this.model.zeroState(config.batch());
        this.step = step;
    }

    private void checkLengths(int total) {
        int need = "sequential".equals(config.batching()) ? config.batch() * (config.seqLen() + 1) : config.seqLen() + 1;
        if (train.length < need) {
            throw new IllegalArgumentException("--seq-len " + config.seqLen() + " and --batch " + config.batch()
                    + " need a training text of at least " + need + " characters, but the text has " + total
                    + " (" + train.length + " for training after holding out --val-frac " + config.valFrac()
                    + "); use a longer text or a smaller --seq-len / --batch");
        }
        if (validation.length < 2) {
            throw new IllegalArgumentException("--val-frac " + config.valFrac() + " holds out " + validation.length
                    + " characters of a text of " + total + "; at least 2 are needed for validation: use a larger --val-frac");
        }
    }

    /**
     * {@code size} characters of the held-out text in {@value CharLanguageModel#EVAL_STREAMS} pieces spread
     * evenly over it, end to end (the evaluation reads one piece per stream). Spread, not the head: the
     * first 16,384 characters of Shakespeare's held-out tail measured ~0.2 nats easier than the whole tail.
     */
    static int[] subset(int[] validation, int size) {
        int pieces = CharLanguageModel.EVAL_STREAMS;
        if (validation.length <= size || size < pieces * 8) {
            return validation.length <= size ? validation : Arrays.copyOf(validation, size);
        }
        int piece = size / pieces;
        int[] out = new int[piece * pieces + 1];
        long stride = (validation.length - piece - 1) / (pieces - 1);
        for (int p = 0; p < pieces; p++) {
            System.arraycopy(validation, (int) (p * stride), out, p * piece, piece);
        }
        out[out.length - 1] = validation[(int) ((pieces - 1) * stride) + piece];
        return out;
    }

    static Optimizer optimizer(TrainingConfig c, List<Tensor> params) {
        return switch (c.optimizer()) {
            case "adam" -> new Adam(params, c.lr(), 0.9f, 0.999f, 1e-8f, c.weightDecay());
            case "adamw" -> new AdamW(params, c.lr(), 0.9f, 0.999f, 1e-8f, c.weightDecay());
            case "sgd" -> new Sgd(params, c.lr(), 0.9f, 0f, c.weightDecay(), false);
            // alpha 0.95 as char-rnn's rmsprop
            case "rmsprop" -> new RmsProp(params, c.lr(), 0.95f, 1e-8f, c.weightDecay(), 0f, false);
            default -> throw new IllegalArgumentException("--optimizer " + c.optimizer() + ": expected adam, adamw, sgd or rmsprop");
        };
    }

    public TrainingConfig config() {
        return config;
    }

    public CharLanguageModel model() {
        return model;
    }

    public CharVocabulary vocabulary() {
        return vocabulary;
    }

    /** The training part of the text, as ids. */
    public int[] trainTokens() {
        return train;
    }

    /** The held-out tail of the text, as ids. */
    public int[] validationTokens() {
        return validation;
    }

    /** The fixed subset evaluated every valEvery steps: valTokens ids in pieces spread over the held-out text. */
    public int[] validationSubset() {
        return validationSubset;
    }

    /** Steps taken, counting those before a resume. */
    public long step() {
        return step;
    }

    /** Asks {@link #fit} to stop after the current step (e.g. from a Ctrl-C shutdown hook). */
    public void requestStop() {
        stop = true;
    }

    public boolean stopRequested() {
        return stop;
    }

    /**
     * One training step on the next batch: forward, backward, clip, update. Returns the batch loss. Uses
     * the thread's current tape if one is open (and resets it first), else a tape of its own.
     */
    public StepInfo trainStep(double elapsedSeconds, long runStep) {
        Tape current = Tape.current();
        if (current == null) {
            try (Tape tape = new Tape()) {
                return trainStep(tape, elapsedSeconds, runStep);
            }
        }
        return trainStep(current, elapsedSeconds, runStep);
    }

    private StepInfo trainStep(Tape tape, double elapsedSeconds, long runStep) {
        float lr = config.learningRate(runStep, elapsedSeconds);
        optimizer.setLearningRate(lr);
        TokenBatch b = batcher.next();
        boolean carry = batcher.mode() == LmBatcher.Mode.SEQUENTIAL;
        if (b.startOfPass()) {
            state.reset();
        }
        tape.reset();
        CharLanguageModel.Output out = model.forward(b.inputs(), b.seqLen(), b.batch(), carry ? state : null);
        Tensor loss = CharLanguageModel.loss(out.logits(), b.targets());
        tape.backward(loss);
        double norm = config.clip() > 0 ? GradClip.byGlobalNorm(parameters, config.clip()) : Double.NaN;
        optimizer.step();
        optimizer.zeroGrad();
        if (carry) {
            out.recurrent().detachedState(state);
        }
        double value = loss.item();
        tape.reset();
        step++;
        long tokens = (long) b.seqLen() * b.batch();
        tokensSeen += tokens;
        if (!Double.isFinite(value)) {
            throw new IllegalStateException("the training loss became " + value + " at step " + step
                    + "; lower --lr (now " + config.lr() + ") or set --clip");
        }
        return new StepInfo(step, epoch(), value, lr, norm, tokens, elapsedSeconds);
    }

    /** Passes over the training text so far, from 1. */
    public int epoch() {
        return 1 + (int) (tokensSeen / Math.max(1, train.length));
    }

    /** The loss on the fixed validation subset (eval mode, no tape). */
    public double validateSubset() {
        return model.evaluate(validationSubset).loss();
    }

    /** The loss on the whole held-out text (eval mode, no tape). */
    public CharLanguageModel.Evaluation validateAll() {
        return model.evaluate(validation);
    }

    /**
     * Trains until the step limit, the time budget or {@link #requestStop()}; validates on the subset
     * every valEvery steps and, when {@code out} is not null, saves the best weights there
     * ({@link CharLmCheckpoint}, atomically). At the end the best weights are put back into the model
     * (when they are not the last ones) and evaluated on the whole held-out text, and the checkpoint is
     * rewritten with that loss. A stopped run skips that final evaluation (the best checkpoint is
     * already on disk).
     */
    public Result fit(Path out, Listener listener) throws IOException {
        Listener l = listener != null ? listener : new Listener() { };
        long start = System.nanoTime();
        long runStep = 0;
        double best = Double.POSITIVE_INFINITY;
        long bestStep = -1;
        long lastValidated = -1;
        long tokensAtStart = tokensSeen;
        if (step > 0) {
            // resumed: the loaded weights are the best so far, and the first checkpoint of this run
            best = validateSubset();
            bestStep = step;
            lastValidated = step;
            save(out, l, best);
        }
        try (Tape tape = new Tape()) {
            while (!stop) {
                double elapsed = (System.nanoTime() - start) / 1e9;
                if (config.steps() > 0 && runStep >= config.steps() || config.seconds() > 0 && elapsed >= config.seconds()) {
                    break;
                }
                StepInfo info = trainStep(tape, elapsed, runStep);
                runStep++;
                l.onStep(info);
                if (runStep % config.valEvery() == 0) {
                    double v = validateSubset();
                    lastValidated = step;
                    boolean improved = v < best;
                    if (improved) {
                        best = v;
                        bestStep = step;
                        save(out, l, v);
                    }
                    l.onValidation(step, v, improved);
                }
            }
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        boolean stopped = stop;
        l.onTrainingEnd(step, stopped);
        if (lastValidated != step) {
            double v = validateSubset();
            boolean improved = v < best;
            if (improved) {
                best = v;
                bestStep = step;
                save(out, l, v);
            }
            l.onValidation(step, v, improved);
        }
        if (stopped) {
            return new Result(step, Double.NaN, 0, best, trainSeconds, tokensSeen - tokensAtStart, true);
        }
        if (out != null && bestStep != step) {
            // the last weights are worse on the subset than the best ones saved: continue with those
            model.loadParameters(out.resolve(CharLmCheckpoint.WEIGHTS));
        }
        CharLanguageModel.Evaluation full = validateAll();
        if (out != null) {
            CharLmCheckpoint.save(out, model, vocabulary, config, bestStep, full.loss());
            l.onCheckpoint(out, bestStep, full.loss());
        }
        model.train(true);
        return new Result(step, full.loss(), full.predicted(), best, trainSeconds, tokensSeen - tokensAtStart, false);
    }

    private void save(Path out, Listener l, double loss) throws IOException {
        if (out != null) {
            CharLmCheckpoint.save(out, model, vocabulary, config, step, loss);
            l.onCheckpoint(out, step, loss);
        }
    }
}
