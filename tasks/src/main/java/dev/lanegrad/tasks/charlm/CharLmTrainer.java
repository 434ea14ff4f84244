package dev.lanegrad.tasks.charlm;

import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.tasks.Cells;
import dev.lanegrad.tasks.TrainingListener;
import dev.lanegrad.tasks.TrainingLoop;
import dev.lanegrad.tasks.TrainingState;
import dev.lanegrad.tasks.data.CharVocabulary;
import dev.lanegrad.tasks.data.LmBatcher;
import dev.lanegrad.tasks.data.TokenBatch;
import dev.lanegrad.tasks.data.TokenSplit;
import dev.lanegrad.models.nn.State;
import dev.lanegrad.models.optim.Optimizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * CharLmTrainer.Result r = trainer.fit(Path.of("runs/mine"), new TrainingListener() {
 *     public void validated(ValidationResult v) { System.out.println(v.step() + " " + v.validationLoss()); }
 * });
 * System.out.println(r.validationLoss());       // nats per character on the held-out text
 * new Sampler(trainer.model(), trainer.vocabulary(), 7).generate("ROMEO:", 300, 0.8f, 0, System.out::print);
 * }</pre>
 *
 * {@link #fit} runs the tasks' one {@link TrainingLoop}; the loop is the plain one and easy to write by
 * hand with the model itself:
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

    /**
     * What a run reached: the final step, the loss of the saved (best) weights on the whole held-out text
     * (NaN if the run was stopped before it), the best loss on the validation subset, the training time,
     * characters trained on, whether it was stopped by {@link #requestStop()}, and whether patience ended it.
     */
    public record Result(long steps, double validationLoss, long validationCharacters, double bestSubsetLoss,
                         double trainSeconds, long tokensSeen, boolean stopped, boolean earlyStopped) {
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
    /** Where this run starts in the whole run's schedule: 0 for a new run or a resume from weights only. */
    private final long scheduleStep;
    private final double scheduleSeconds;
    private final boolean exact;
    /** A resume from a run's last state: the run folder's best checkpoint, the best weights so far. */
    private CharLmCheckpoint.Loaded bestSoFar;
    TrainingState bestState;
    private long runStart;

    /** A new model for the text (its vocabulary is the text's characters). */
    public CharLmTrainer(TrainingConfig config, String text) {
        this(config, vocabularyOf(text), null, text, 0, null);
    }

    private static CharVocabulary vocabularyOf(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("the training text is empty; expected at least a few thousand characters");
        }
        return CharVocabulary.of(text);
    }

    /**
     * Continues from a checkpoint: its weights, its vocabulary (the text must use only those characters),
     * its architecture and step count. When the checkpoint holds a resume state ({@code training.safetensors}:
     * every checkpoint {@link #fit} writes), the run continues exactly: the checkpoint's training settings,
     * the optimizer's moments, the schedule, the batches, the dropout masks and the carried state are
     * those of an uninterrupted run, so N steps, a stop and N more give the weights of 2N steps bit for bit
     * (at a fixed thread count); only the limits ({@code steps}, {@code seconds}: this run's),
     * {@code valEvery}, {@code valTokens}, {@code patience} and {@code saveEvery} come from {@code config}.
     * Without one (weights only, or an older folder) the optimisation settings come from {@code config}
     * with a fresh optimizer, and the warm-up and schedule start again over this run's limits.
     * {@code config.steps()} counts the steps of this run, not the total.
     */
    public static CharLmTrainer resume(CharLmCheckpoint.Loaded checkpoint, TrainingConfig config, String text) {
        CharLanguageModel.Config m = checkpoint.model().modelConfig();
        TrainingState state = checkpoint.resumeState();
        TrainingConfig base = state != null && checkpoint.training() != null ? checkpoint.training() : config;
        TrainingConfig merged = base.toBuilder().cell(Cells.name(m.cell())).embed(m.embed()).hidden(m.hidden())
                .layers(m.layers()).dropout(m.dropout()).steps(config.steps()).seconds(config.seconds())
                .valEvery(config.valEvery()).valTokens(config.valTokens()).patience(config.patience())
                .saveEvery(config.saveEvery()).build();
        // the dropout masks come from the seed a model is built with: rebuild with the run's seed, then take the weights
        CharLanguageModel model = new CharLanguageModel(m, merged.seed());
        model.loadStateDict(checkpoint.model().stateDict());
        CharLmTrainer t = new CharLmTrainer(merged, checkpoint.vocabulary(), model, text, checkpoint.step(), state);
        Path folder = checkpoint.folder();
        if (state != null && folder != null && folder.getFileName() != null
                && CharLmCheckpoint.LAST.equals(folder.getFileName().toString()) && folder.getParent() != null
                && Files.isRegularFile(folder.getParent().resolve(CharLmCheckpoint.WEIGHTS))) {
            try {
                t.bestSoFar = CharLmCheckpoint.load(folder.getParent());
            } catch (IOException | IllegalArgumentException e) {
                t.bestSoFar = null;   // the run folder's best is damaged: the resumed weights count as the best
            }
        }
        return t;
    }

    /** The whole run's total of steps and seconds saved with a resume state (0 = no such limit), or null. */
    public static long[] savedLimits(CharLmCheckpoint.Loaded checkpoint) {
        TrainingState s = checkpoint.resumeState();
        return s == null ? null : new long[] {s.count("total_steps"), Math.round(s.number("total_seconds"))};
    }

    private CharLmTrainer(TrainingConfig config, CharVocabulary vocabulary, CharLanguageModel model, String text, long step,
                          TrainingState resume) {
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
        this.optimizer = config.newOptimizer(parameters);
        boolean sequential = "sequential".equals(config.batching());
        LmBatcher.Mode mode = sequential ? LmBatcher.Mode.SEQUENTIAL : LmBatcher.Mode.RANDOM;
        this.state = this.model.zeroState(config.batch());
        this.step = step;
        if (resume == null) {
            // weights only: new random windows, and the streams where an uninterrupted run would be
            this.batcher = new LmBatcher(train, config.seqLen(), config.batch(), mode, config.seed() + step);
            if (sequential) {
                batcher.skip(step % batcher.batchesPerPass());
            }
            this.scheduleStep = 0;
            this.scheduleSeconds = 0;
            this.exact = false;
        } else {
            this.batcher = new LmBatcher(train, config.seqLen(), config.batch(), mode, config.seed());
            try {
                restore(resume);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the checkpoint's resume state does not fit this run: " + e.getMessage()
                        + " (resume with the text and settings it was trained with)", e);
            }
            this.scheduleStep = step;
            this.scheduleSeconds = resume.number("elapsed_s");
            this.exact = true;
        }
    }

    /** Puts back what {@link #trainingState()} saved (the weights are loaded already). */
    private void restore(TrainingState s) {
        if (s.count("step") != step) {
            throw new IllegalArgumentException("its step " + s.count("step") + " is not the weights' step " + step);
        }
        optimizer.load(s.optimizer());
        batcher.skip(s.count("batches"));
        tokensSeen = s.count("tokens_seen");
        model.setDropoutCalls(s.count("dropout_stack"), s.count("dropout_decoder"));
        Tensor h = state.h();
        System.arraycopy(s.array("state.h", h.size()), 0, h.data(), h.offset(), h.size());
        if (state.c() != null) {
            Tensor c = state.c();
            System.arraycopy(s.array("state.c", c.size()), 0, c.data(), c.offset(), c.size());
        }
    }

    /**
     * Everything besides the weights that the next step depends on: the optimizer, the schedule's
     * position, the data position, the dropout calls and the carried recurrent state.
     */
    public TrainingState trainingState() {
        Map<String, Double> numbers = new LinkedHashMap<>();
        double elapsed = scheduleSeconds + (runStart == 0 ? 0 : (System.nanoTime() - runStart) / 1e9);
        numbers.put("step", (double) step);
        numbers.put("elapsed_s", elapsed);
        numbers.put("total_steps", (double) (config.steps() > 0 ? scheduleStep + config.steps() : 0));
        numbers.put("total_seconds", config.seconds() > 0 ? scheduleSeconds + config.seconds() : 0);
        numbers.put("batches", (double) batcher.drawn());
        numbers.put("tokens_seen", (double) tokensSeen);
        long[] calls = model.dropoutCalls();
        numbers.put("dropout_stack", (double) calls[0]);
        numbers.put("dropout_decoder", (double) calls[1]);
        Map<String, float[]> arrays = new LinkedHashMap<>();
        arrays.put("state.h", state.h().toArray());
        if (state.c() != null) {
            arrays.put("state.c", state.c().toArray());
        }
        return new TrainingState(optimizer.state(), numbers, arrays);
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

    /** Whether this trainer continues a run exactly (its checkpoint held the optimizer, schedule and data positions). */
    public boolean exactResume() {
        return exact;
    }

    /** Asks {@link #fit} to stop after the current step (e.g. from a Ctrl-C shutdown hook). */
    public void requestStop() {
        stop = true;
    }

    public boolean stopRequested() {
        return stop;
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
     * Trains until the step limit, the time budget, patience or {@link #requestStop()}; validates on the
     * subset every valEvery steps and, when {@code out} is not null, saves the best weights there
     * ({@link CharLmCheckpoint}, atomically, with the state to resume from), every saveEvery steps a
     * checkpoint folder {@code out/step-<N>}, and at the end the last state in {@code out/last}. Then the
     * best weights are put back into the model and evaluated on the whole held-out text, and the best
     * checkpoint is rewritten with that loss. A stopped run skips that final evaluation (the best checkpoint
     * is already on disk).
     */
    public Result fit(Path out, TrainingListener listener) throws IOException {
        TrainingListener l = listener != null ? listener : TrainingListener.NONE;
        long tokensAtStart = tokensSeen;
        long totalSteps = config.steps() > 0 ? scheduleStep + config.steps() : 0;
        double totalSeconds = config.seconds() > 0 ? scheduleSeconds + config.seconds() : 0;
        TrainingConfig whole = config.toBuilder().steps(totalSteps).seconds(totalSeconds).build();
        TrainingLoop loop = new TrainingLoop(model, optimizer, task())
                .schedule(whole.learningRates().from(scheduleStep, scheduleSeconds))
                .clip(config.clip()).resumeAfter(step).limits(config.steps(), config.seconds())
                .validateEvery(config.valEvery()).keepBest(TrainingLoop.Better.LOWER_LOSS, config.patience())
                .stopWhen(() -> stop).checkpoints(new CharLmCheckpoints(this, out, l), config.saveEvery());
        if (bestSoFar != null) {
            double v = bestSoFar.model().evaluate(validationSubset).loss();
            loop.initialBest(new TrainingLoop.Score(v, v), bestSoFar.model().parameters(), bestSoFar.step());
        }
        runStart = System.nanoTime();
        TrainingLoop.Result r = loop.run(l);
        double best = r.best() == null ? Double.NaN : r.best().loss();
        if (r.stopped()) {
            return new Result(step, Double.NaN, 0, best, r.seconds(), tokensSeen - tokensAtStart, true, false);
        }
        CharLanguageModel.Evaluation full = validateAll();
        if (out != null) {
            CharLmCheckpoint.save(out, model, vocabulary, config, r.bestStep(), full.loss(), bestState);
            l.saved(out, r.bestStep());
        }
        model.train(true);
        return new Result(step, full.loss(), full.predicted(), best, r.seconds(), tokensSeen - tokensAtStart, false,
                r.earlyStopped());
    }

    /** The char-LM as the loop's task: sequential or random windows, the state carried between windows. */
    private TrainingLoop.Task task() {
        boolean carry = batcher.mode() == LmBatcher.Mode.SEQUENTIAL;
        return new TrainingLoop.Task() {
            CharLanguageModel.Output out;
            long tokens;

            @Override
            public Tensor forward() {
                TokenBatch b = batcher.next();
                if (b.startOfPass()) {
                    state.reset();
                }
                out = model.forward(b.inputs(), b.seqLen(), b.batch(), carry ? state : null);
                tokens = (long) b.seqLen() * b.batch();
                return CharLanguageModel.loss(out.logits(), b.targets());
            }

            @Override
            public long examples() {
                return tokens;
            }

            @Override
            public void afterStep() {
                if (carry) {
                    out.recurrent().detachedState(state);
                }
                out = null;
                step++;
                tokensSeen += tokens;
            }

            @Override
            public TrainingLoop.Score validate() {
                double v = validateSubset();
                return new TrainingLoop.Score(v, v);
            }

            @Override
            public int epoch(long steps, int stepsPerEpoch) {
                return CharLmTrainer.this.epoch();
            }
        };
    }
}
