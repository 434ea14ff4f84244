package dev.lanegrad.cli;

import dev.lanegrad.cli.run.MetricsLog;
import dev.lanegrad.cli.run.RunDirectory;
import dev.lanegrad.cli.run.RunProgress;
import dev.lanegrad.tasks.Cells;
import dev.lanegrad.tasks.ModelClaims;
import dev.lanegrad.tasks.charlm.CharLanguageModel;
import dev.lanegrad.engine.EngineThreads;
import dev.lanegrad.engine.Kernels;
import dev.lanegrad.tasks.data.BundledData;
import dev.lanegrad.tasks.charlm.CharLmCheckpoint;
import dev.lanegrad.tasks.charlm.CharLmTrainer;
import dev.lanegrad.tasks.charlm.Sampler;
import dev.lanegrad.tasks.charlm.TrainingConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * `lanegrad train`: a character-level language model (Embedding -> LSTM stack -> Linear, the char-rnn
 * set-up) on a text, the bundled tiny Shakespeare by default; then a sample. This class parses options
 * and wires progress, metrics and the loss plot; the model and the loop are
 * {@link dev.lanegrad.tasks.charlm.CharLmTrainer}'s.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a character-level language model on a text, then print a sample.",
                "The model is char-rnn's: embedding, recurrent stack, linear decoder, softmax",
                "cross-entropy. With no options: GRU 2 x 256 (--cell lstm for char-rnn's LSTM) on",
                "the bundled tiny Shakespeare for 4.5 minutes;",
                "the last 5%% of the text is held out for validation.",
                "Writes into --out: model.safetensors (the best weights, PyTorch names; the",
                "configuration and vocabulary in its metadata), config.json, metrics.jsonl,",
                "loss.png."})
final class TrainCommand implements Callable<Integer> {

    /** The defaults --help shows are TrainingConfig's: one source of truth. */
    private static final TrainingConfig DEFAULTS = TrainingConfig.defaults();

    @Spec
    CommandSpec spec;

    @Option(names = "--text", paramLabel = "FILE", description = "UTF-8 text to train on (default: the bundled tiny Shakespeare)")
    Path text;

    @Option(names = "--cell", description = "lstm, gru or rnn (default: ${DEFAULT-VALUE})")
    String cell = DEFAULTS.cell();

    @Option(names = "--hidden", description = "hidden size of each recurrent layer (default: ${DEFAULT-VALUE})")
    int hidden = DEFAULTS.hidden();

    @Option(names = "--layers", description = "recurrent layers (default: ${DEFAULT-VALUE})")
    int layers = DEFAULTS.layers();

    @Option(names = "--embed", description = "embedding size (default: ${DEFAULT-VALUE})")
    int embed = DEFAULTS.embed();

    @Option(names = "--dropout", description = "dropout between layers and before the decoder (default: ${DEFAULT-VALUE})")
    float dropout = DEFAULTS.dropout();

    @Option(names = "--seq-len", description = "characters per window, the truncated-BPTT length (default: ${DEFAULT-VALUE})")
    int seqLen = DEFAULTS.seqLen();

    @Option(names = "--batch", description = "windows per step (default: ${DEFAULT-VALUE})")
    int batch = DEFAULTS.batch();

    @Option(names = "--lr", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    float lr = DEFAULTS.lr();

    @Option(names = "--min-lr", description = "learning rate at the end of the cosine schedule (default: ${DEFAULT-VALUE})")
    float minLr = DEFAULTS.minLr();

    @Option(names = "--schedule", description = "cosine (over --steps or --minutes, whichever ends first) or constant (default: ${DEFAULT-VALUE})")
    String schedule = DEFAULTS.schedule();

    @Option(names = "--warmup", description = "linear warm-up steps (default: ${DEFAULT-VALUE})")
    int warmup = DEFAULTS.warmupSteps();

    @Option(names = "--optimizer", description = "adam, adamw, sgd (momentum 0.9) or rmsprop (default: ${DEFAULT-VALUE})")
    String optimizer = DEFAULTS.optimizer();

    @Option(names = "--weight-decay", description = "weight decay (adamw: decoupled) (default: ${DEFAULT-VALUE})")
    float weightDecay = DEFAULTS.weightDecay();

    @Option(names = "--clip", description = "maximum global gradient norm, 0 for none (default: ${DEFAULT-VALUE})")
    float clip = DEFAULTS.clip();

    @Option(names = "--steps", description = "stop after this many steps (default: none; with --steps alone there is no time limit)")
    Long steps;

    @Option(names = "--minutes", description = "stop after this much training time (default: ${DEFAULT-VALUE} when --steps is "
            + "not given; with --resume: the rest of the resumed run)")
    Double minutes = DEFAULTS.seconds() / 60;

    @Option(names = "--patience", description = "stop after this many validations without a lower validation loss, 0 for never "
            + "(default: ${DEFAULT-VALUE})")
    int patience = DEFAULTS.patience();

    @Option(names = "--save-every", paramLabel = "N", description = "also write a checkpoint folder DIR/step-<N> every N steps, "
            + "next to the best one, 0 for none (default: ${DEFAULT-VALUE})")
    long saveEvery = DEFAULTS.saveEvery();

    @Option(names = "--batching", description = "sequential (state carried across batches: truncated BPTT) or random windows (default: ${DEFAULT-VALUE})")
    String batching = DEFAULTS.batching();

    @Option(names = "--val-frac", description = "the last fraction of the text held out for validation (default: ${DEFAULT-VALUE})")
    double valFrac = DEFAULTS.valFrac();

    @Option(names = "--val-every", description = "validate every N steps on a fixed subset of the held-out text (default: ${DEFAULT-VALUE})")
    int valEvery = DEFAULTS.valEvery();

    @Option(names = "--val-tokens", description = "characters in that subset; the whole held-out text is evaluated at the end (default: ${DEFAULT-VALUE})")
    int valTokens = DEFAULTS.valTokens();

    @Option(names = "--seed", description = "seed of the initialisation, batches, dropout and sample (default: ${DEFAULT-VALUE})")
    long seed = DEFAULTS.seed();

    @Mixin
    ThreadsOption engineThreads = new ThreadsOption(EngineThreads.threads());

    @Option(names = "--out", paramLabel = "DIR", description = "run folder (default: runs/<timestamp>; with --resume: that folder)")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "continue the run in DIR where it stopped (its last state, "
            + "else its best checkpoint): the same optimizer moments, schedule, batches and dropout, so the steps are those "
            + "of one uninterrupted run; a folder of weights only starts a fresh optimizer and schedule")
    Path resume;

    @Option(names = "--sample-length", description = "characters of the sample printed at the end, 0 for none (default: ${DEFAULT-VALUE})")
    int sampleLength = 500;

    @Mixin
    SamplingOptions sampling;

    static final List<String> ARCHITECTURE = List.of("--cell", "--hidden", "--layers", "--embed", "--dropout");
    /** What an exact resume takes from the checkpoint: everything but the limits, validation and saving. */
    static final List<String> SETTINGS = List.of("--cell", "--hidden", "--layers", "--embed", "--dropout", "--seq-len", "--batch",
            "--lr", "--min-lr", "--schedule", "--warmup", "--optimizer", "--weight-decay", "--clip", "--batching", "--val-frac",
            "--seed");

    @Override
    public Integer call() throws Exception {
        PrintStream stdout = System.out;
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        double defaultMinutes = DEFAULTS.seconds() / 60;
        // --minutes shows its default in --help, so whether the user gave it is asked of the parse
        Double givenMinutes = parsed.hasMatchedOption("--minutes") ? minutes : null;
        double mins = givenMinutes != null ? givenMinutes : steps != null ? 0 : defaultMinutes;
        if (givenMinutes != null && !(minutes > 0)) {
            throw new IllegalArgumentException("--minutes " + minutes + ": expected a time > 0");
        }
        if (steps != null && steps < 1) {
            throw new IllegalArgumentException("--steps " + steps + ": expected a whole number >= 1");
        }
        int threads = engineThreads.threads();
        if (sampleLength < 0) {
            throw new IllegalArgumentException("--sample-length " + sampleLength + ": expected a whole number >= 0");
        }
        float temperature = sampling.temperature();
        String prime = sampling.prime;
        TrainingConfig config = TrainingConfig.defaults().toBuilder()
                .cell(cell).hidden(hidden).layers(layers).embed(embed).dropout(dropout)
                .seqLen(seqLen).batch(batch).lr(lr).minLr(minLr).schedule(schedule).warmupSteps(warmup)
                .optimizer(optimizer).weightDecay(weightDecay).clip(clip)
                .steps(steps == null ? 0 : steps).seconds(mins * 60)
                .batching(batching).valFrac(valFrac).valEvery(valEvery).valTokens(valTokens).seed(seed)
                .patience(patience).saveEvery(saveEvery).build();

        // everything is checked before anything is written: a bad option never touches --out
        String source = text == null ? "tiny Shakespeare (bundled)" : text.toString();
        String corpus = text == null ? BundledData.text(BundledData.TINY_SHAKESPEARE) : TextInput.read(text, "--text");
        CharLmTrainer trainer;
        Path folder = out;
        Path from = null;
        if (resume != null) {
            from = CharLmCheckpoint.latest(resume);
            CharLmCheckpoint.Loaded ckpt = CharLmCheckpoint.load(from);
            CharLanguageModel.Config arch = ckpt.model().modelConfig();
            ModelClaims.requireCharLmTrainingFits(Cells.name(arch.cell()), arch.vocabSize(), arch.embed(), arch.hidden(),
                    arch.layers(), config.seqLen(), config.batch());
            List<String> ignored = ckpt.resumeState() != null ? SETTINGS : ARCHITECTURE;
            for (String option : ignored) {
                if (parsed.hasMatchedOption(option)) {
                    stdout.println("note: " + option + " is ignored with --resume: " + (ignored == SETTINGS
                            ? "the run continues with the checkpoint's settings" : "the architecture comes from the checkpoint"));
                }
            }
            long[] saved = CharLmTrainer.savedLimits(ckpt);
            if (saved != null && steps == null && givenMinutes == null) {
                // no new limit: run to the end of the resumed run
                long rest = saved[0] > 0 ? saved[0] - ckpt.step() : 0;
                double restSeconds = saved[1] > 0 ? saved[1] - ckpt.resumeState().number("elapsed_s") : 0;
                if (saved[0] > 0 && rest <= 0 || saved[1] > 0 && restSeconds <= 0) {
                    throw new IllegalArgumentException("--resume " + resume + ": the run already reached its limit (step "
                            + ckpt.step() + (saved[0] > 0 ? " of " + saved[0] : "") + "); give --steps N or --minutes M to train on");
                }
                config = config.toBuilder().steps(Math.max(0, rest)).seconds(Math.max(0, restSeconds)).build();
            }
            trainer = CharLmTrainer.resume(ckpt, config, corpus);
            if (folder == null) folder = resume;
        } else {
            ModelClaims.requireCharLmTrainingFits(config.cell(), corpus.codePoints().distinct().count(), config.embed(),
                    config.hidden(), config.layers(), config.seqLen(), config.batch());
            trainer = new CharLmTrainer(config, corpus);
        }
        EngineThreads.setThreads(threads);
        if (prime != null) {
            Sampler.encodePrime(prime, trainer.vocabulary());   // a bad --prime fails now, not after training
        } else if (sampleLength > 0 && !trainer.vocabulary().contains('\n')) {
            prime = corpus.substring(0, corpus.offsetByCodePoints(0, 1)); // no newline in the text: start from its first character
        }
        boolean[] diverged = {false};
        RunDirectory run = RunDirectory.create(folder);
        TrainingConfig c = trainer.config();

        int total = trainer.trainTokens().length + trainer.validationTokens().length;
        stdout.printf(Locale.ROOT, "text: %s, %,d characters, vocabulary of %d; training on the first %,d, "
                        + "validation on the last %,d (--val-frac %s)%n", source, total, trainer.vocabulary().size(),
                trainer.trainTokens().length, trainer.validationTokens().length, c.valFrac());
        stdout.printf(Locale.ROOT, "model: %s%n", trainer.model());
        stdout.printf(Locale.ROOT, "training: %s%s%n", c, resume == null ? "" : ", resumed from " + from + " at step " + trainer.step()
                + (trainer.exactResume() ? " (optimizer, schedule, batches and dropout as they were)"
                : " (weights only: a fresh optimizer and schedule)"));
        stdout.printf(Locale.ROOT, "machine: %d engine threads, %s kernels, Java %s (%s)%n", threads,
                Kernels.vectorOrNull() != null ? "Vector API" : "scalar", Runtime.version(), System.getProperty("java.vm.name"));
        stdout.printf(Locale.ROOT, "run folder: %s (model.safetensors, config.json, metrics.jsonl, loss.png)%n", run);

        String title = "char-LM: " + (text == null ? "tiny Shakespeare" : text.getFileName()) + ", " + c.cell() + " "
                + c.layers() + " x " + c.hidden();
        CharLmTrainer.Result result;
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            trainer.requestStop();
            try {
                finished.await(60, TimeUnit.SECONDS);   // let the current step and any checkpoint write finish
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "lanegrad-train-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        RunProgress progress = new RunProgress("train", "char", title, "cross-entropy (nats per character)", run, stdout,
                resume != null && run.path().equals(resume)).bestSavedTo(run.resolve(CharLmCheckpoint.WEIGHTS).toString())
                .validationExamples(trainer.validationSubset().length)
                .watchSteps(s -> CliChecks.diverged(s.loss(), trainer.vocabulary().size()),
                        s -> String.format(Locale.ROOT, "step %d: training loss %s: the run diverged; stopping "
                                + "(lower --lr, or keep --clip on)", s.step(), s.loss()),
                        () -> {
                            diverged[0] = true;
                            trainer.requestStop();
                        });
        try (progress) {
            result = trainer.fit(run.path(), progress);
            if (!result.stopped()) {
                progress.metrics().write(MetricsLog.record("step", result.steps(), "final_val_loss", result.validationLoss(),
                        "val_chars", result.validationCharacters(), "train_s", result.trainSeconds(),
                        "chars_per_s", result.tokensPerSecond()));
            }
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting (Ctrl-C): the hook is running and waits for us
            }
        }
        if (result.earlyStopped()) {
            stdout.printf(Locale.ROOT, "stopped early at step %d: no lower validation loss in %d validations (--patience)%n",
                    result.steps(), c.patience());
        }
        if (diverged[0]) {
            System.err.printf(Locale.ROOT, "train: the run diverged (training loss above 10 x ln(vocabulary) = %.1f, or not a "
                    + "number); lower --lr (now %s). Checkpoints saved before are in %s%n",
                    10 * Math.log(Math.max(2, trainer.vocabulary().size())), c.lr(), run);
            return 1;
        }
        if (result.stopped()) {
            stdout.printf(Locale.ROOT, "stopped after %.0f s; best validation-subset loss %.4f; checkpoint: %s%n",
                    result.trainSeconds(), result.bestSubsetLoss(), run);
            return 0;
        }
        stdout.printf(Locale.ROOT, "trained %,d steps in %s (%,.0f characters/s); held-out loss of the saved model: "
                        + "%.4f nats per character (%.3f bits) over %,d characters%n", result.steps(),
                clock(result.trainSeconds()), result.tokensPerSecond(), result.validationLoss(),
                result.validationLoss() / Math.log(2), result.validationCharacters());
        stdout.printf("saved: %s, %s, %s, %s%n", run.resolve(CharLmCheckpoint.WEIGHTS), run.resolve(CharLmCheckpoint.CONFIG),
                run.resolve("metrics.jsonl"), progress.plot().file());
        if (sampleLength > 0) {
            String p = prime == null ? "\n" : prime;
            stdout.printf(Locale.ROOT, "sample (temperature %s, seed %d):%n", temperature, c.seed());
            stdout.print(p);
            Sampler sampler = new Sampler(trainer.model(), trainer.vocabulary(), c.seed());
            sampler.generate(p, sampleLength, temperature, 0, cp -> stdout.print(Character.toChars(cp)));
            stdout.println();
            stdout.printf("more: ./lanegrad sample --checkpoint %s --length 1000%s%n", run, text == null ? " --prime \"ROMEO:\"" : "");
        }
        stdout.flush();
        return 0;
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
