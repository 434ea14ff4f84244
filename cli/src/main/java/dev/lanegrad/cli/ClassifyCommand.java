package dev.lanegrad.cli;

import dev.lanegrad.engine.EngineThreads;
import dev.lanegrad.cli.run.RunDirectory;
import dev.lanegrad.cli.run.RunProgress;
import dev.lanegrad.tasks.data.BundledData;
import dev.lanegrad.tasks.data.LabelledText;
import dev.lanegrad.tasks.Cells;
import dev.lanegrad.tasks.CheckpointFolder;
import dev.lanegrad.tasks.classify.ClassifyConfig;
import dev.lanegrad.tasks.classify.ClassifyResult;
import dev.lanegrad.tasks.classify.ClassifyTraining;
import dev.lanegrad.tasks.classify.Pooling;
import dev.lanegrad.tasks.classify.Prediction;
import dev.lanegrad.tasks.classify.TextClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lanegrad classify}: parses options, wires progress, prints; the work is in models' tasks.classify. */
@Command(name = "classify", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        description = {"Train a word-level text classifier and compare it with the majority-class baseline.",
                "The model: Embedding -> bidirectional GRU or LSTM -> pooling -> Linear, cross-entropy; its test accuracy "
                        + "is reported next to the majority-class baseline, with a confusion matrix.",
                "Default data: the bundled review sentences (IMDb, Amazon, Yelp; 3,000 sentences, labels 0 negative / 1 positive).",
                "The sentences are shuffled with --seed and split 80%% train, 10%% validation, 10%% test; the vocabulary "
                        + "comes from the training part; the epoch with the best validation accuracy is kept.",
                "Writes to --out: model.safetensors, config.json (with the labels), vocab.txt, loss.png, metrics.jsonl, "
                        + "results.json.",
                "With --checkpoint DIR --text \"...\": labels new text with a saved model instead."})
public final class ClassifyCommand implements Callable<Integer> {

    private static final ClassifyConfig DEFAULTS = ClassifyConfig.builder().build();

    @Option(names = "--tsv", paramLabel = "FILE", description = "text<TAB>label lines, any labels (default: the "
            + "bundled sentiment sentences)")
    Path tsv;

    @Mixin
    EpochOptions training = new EpochOptions(DEFAULTS);

    @Option(names = "--embedding", description = "word vector size")
    int embedding = DEFAULTS.embedding();

    @Option(names = "--pooling", paramLabel = "max|mean|last", description = "outputs over the words -> one vector: "
            + "max or mean over each sentence's own words, or the final states")
    String pooling = DEFAULTS.pooling().id();

    @Option(names = "--dropout", description = "dropout on the word vectors and the pooled vector")
    float dropout = DEFAULTS.dropout();

    @Option(names = "--min-freq", description = "words seen fewer times in the training part become <unk>")
    int minFrequency = DEFAULTS.minFrequency();

    @Option(names = "--max-length", description = "longer sentences are cut to this many words")
    int maxLength = DEFAULTS.maxLength();

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "a run folder of `lanegrad classify`: label --text with it")
    Path checkpoint;

    @Option(names = "--text", paramLabel = "TEXT", description = "text to label with --checkpoint (repeatable)")
    List<String> texts;

    @Mixin
    ThreadsOption engineThreads = new ThreadsOption(EngineThreads.threads());

    @Override
    public Integer call() throws Exception {
        engineThreads.apply();
        if (checkpoint != null) {
            return label();
        }
        if (texts != null) {
            throw new IllegalArgumentException("--text needs --checkpoint DIR (a folder written by `lanegrad classify`)");
        }
        return train();
    }

    private int label() throws Exception {
        if (texts == null || texts.isEmpty()) {
            throw new IllegalArgumentException("--checkpoint " + checkpoint + " needs --text \"...\" (the text to label)");
        }
        TextClassifier classifier = TextClassifier.load(checkpoint);
        List<Prediction> predictions = classifier.predict(texts);
        for (int i = 0; i < texts.size(); i++) {
            Prediction p = predictions.get(i);
            System.out.printf(Locale.ROOT, "%s\t%.4f\t%s%n", p.label(), p.probability(), texts.get(i));
        }
        return 0;
    }

    private int train() throws Exception {
        long t0 = System.nanoTime();
        PrintStream o = System.out;
        // everything is checked before anything is written
        ClassifyConfig cfg = training.applyTo(ClassifyConfig.builder()).embedding(embedding).pooling(Pooling.parse(pooling))
                .dropout(dropout).minFrequency(minFrequency).maxLength(maxLength).build();
        LabelledText data = tsv == null ? BundledData.sentiment() : InputFiles.tsv(tsv);
        ClassifyTraining.check(data, cfg);
        String source = tsv == null ? "bundled sentiment sentences (" + String.join(", ", BundledData.SENTIMENT) + ")"
                : tsv.toString();
        int[] sizes = ClassifyTraining.splitSizes(data.size(), cfg);
        o.printf(Locale.ROOT, "classify %s: %d texts, %d labels (%s); train %d, validation %d, test %d%n", source,
                data.size(), data.labels().size(), String.join(", ", data.labels()), sizes[0], sizes[1], sizes[2]);

        RunDirectory run = RunDirectory.create(training.out);
        ClassifyResult r;
        try (RunProgress progress = new RunProgress("classify", "ex", "lanegrad classify", "cross-entropy", run, System.err, false)
                .score("val_accuracy", "%.3f")) {
            r = ClassifyTraining.train(data, cfg, progress);
        }
        r.classifier().save(run.path());
        run.writeString("results.json", results(source, r));

        TextClassifier c = r.classifier();
        o.printf(Locale.ROOT, "model: embedding %d -> %s%s %d x %d -> %s pooling -> %d labels; vocabulary %d words "
                        + "(from the training part); %d parameters%n", cfg.embedding(),
                cfg.bidirectional() ? "bidirectional " : "", Cells.name(cfg.cell()).toUpperCase(Locale.ROOT), cfg.layers(),
                cfg.hidden(), cfg.pooling().id(), c.labels().size(), c.vocabulary().size(), c.model().parameterCount());
        o.printf(Locale.ROOT, "best epoch %d of %d (validation accuracy %.1f%%)%n", r.bestEpoch(), r.history().size(),
                100 * r.history().get(r.bestEpoch() - 1).validationScore());
        o.printf(Locale.ROOT, "test accuracy %.1f%% on %d texts; majority-class baseline (always \"%s\") %.1f%%%n",
                100 * r.testAccuracy(), r.testSize(), r.majorityLabel(), 100 * r.majorityAccuracy());
        o.println("confusion matrix on the test part (rows: actual label, columns: predicted):");
        r.confusion().format().lines().forEach(l -> o.println("  " + l));
        o.printf(Locale.ROOT, "saved %s: %s, %s, %s, loss.png, metrics.jsonl, results.json%n", run.path(), CheckpointFolder.WEIGHTS,
                CheckpointFolder.CONFIG, CheckpointFolder.VOCABULARY);
        o.printf(Locale.ROOT, "label new text: ./lanegrad classify --checkpoint %s --text \"...\"%n", run.path());
        o.printf(Locale.ROOT, "time %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private static String results(String source, ClassifyResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", source);
        m.put("labels", r.classifier().labels());
        m.put("train", r.trainSize());
        m.put("validation", r.validationSize());
        m.put("test", r.testSize());
        m.put("best_epoch", r.bestEpoch());
        m.put("test_accuracy", r.testAccuracy());
        m.put("majority_label", r.majorityLabel());
        m.put("majority_accuracy", r.majorityAccuracy());
        List<String> rows = new java.util.ArrayList<>();
        r.confusion().format().lines().forEach(rows::add);
        m.put("confusion_matrix", rows);
        m.put("seconds", r.seconds());
        return CheckpointFolder.toJson(m);
    }
}
