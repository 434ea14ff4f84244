package dev.lanegrad.tasks.classify;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.tasks.data.TextBatch;
import dev.lanegrad.tasks.data.WordTokenizer;
import dev.lanegrad.tasks.data.WordVocabulary;
import dev.lanegrad.tasks.ModelClaims;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.Cells;
import dev.lanegrad.tasks.CheckpointFolder;
import dev.lanegrad.tasks.EpochSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A trained text classifier: the model, the vocabulary of its training texts and its labels, so that it
 * takes raw text. Read-only after training (one instance may serve several threads). Saved as a
 * checkpoint folder ({@link CheckpointFolder}): {@code model.safetensors}, {@code config.json} (sizes and
 * labels) and {@code vocab.txt} (one word per line, in id order).
 */
public record TextClassifier(ClassifierModel model, ClassifyConfig config, WordVocabulary vocabulary, List<String> labels) {

    static final String TASK = "classify";
    private static final int EVAL_BATCH = 128;

    public TextClassifier {
        if (labels.size() != model.labels()) {
            throw new IllegalArgumentException(labels.size() + " labels for a model with " + model.labels() + " outputs");
        }
        labels = List.copyOf(labels);
    }

    /** Word ids of a text (unknown words are {@code <unk>}). */
    public int[] encode(String text) {
        return vocabulary.encode(WordTokenizer.tokenize(text));
    }

    /** The most probable label of a text. */
    public Prediction predict(String text) {
        return predict(List.of(text)).get(0);
    }

    /** The most probable label of each text. */
    public List<Prediction> predict(List<String> texts) {
        double[][] p = probabilities(texts);
        List<Prediction> out = new ArrayList<>();
        for (double[] row : p) {
            int best = argmax(row);
            out.add(new Prediction(labels.get(best), row[best], labels, row));
        }
        return out;
    }

    /**
     * Each text's label probabilities (softmax, in {@link #labels()} order). The texts are run in the
     * given order, up to 128 in one padded batch.
     */
    public double[][] probabilities(List<String> texts) {
        List<int[]> encoded = new ArrayList<>();
        texts.forEach(t -> encoded.add(encode(t)));
        double[][] out = new double[texts.size()][];
        for (int from = 0; from < encoded.size(); from += EVAL_BATCH) {
            int to = Math.min(encoded.size(), from + EVAL_BATCH);
            float[] p = probabilitiesOfBatch(encoded.subList(from, to));
            int c = labels.size();
            for (int i = from; i < to; i++) {
                out[i] = new double[c];
                for (int k = 0; k < c; k++) {
                    out[i][k] = p[(i - from) * c + k];
                }
            }
        }
        return out;
    }

    /** The predicted class index of each encoded text; batches texts of similar length together. */
    int[] predictClasses(List<int[]> encoded) {
        Integer[] order = new Integer[encoded.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> encoded.get(i).length));
        int[] out = new int[encoded.size()];
        int c = labels.size();
        for (int from = 0; from < order.length; from += EVAL_BATCH) {
            int to = Math.min(order.length, from + EVAL_BATCH);
            List<int[]> batch = new ArrayList<>();
            for (int i = from; i < to; i++) {
                batch.add(encoded.get(order[i]));
            }
            float[] p = probabilitiesOfBatch(batch);
            for (int i = from; i < to; i++) {
                int best = 0;
                for (int k = 1; k < c; k++) {
                    if (p[(i - from) * c + k] > p[(i - from) * c + best]) {
                        best = k;
                    }
                }
                out[order[i]] = best;
            }
        }
        return out;
    }

    /** One padded batch -> probabilities [B * C]. */
    private float[] probabilitiesOfBatch(List<int[]> encoded) {
        TextBatch batch = WordVocabulary.pad(encoded, config.maxLength());
        boolean wasTraining = model.isTraining();
        if (wasTraining) {
            model.eval(); // a loaded classifier is in eval mode already, so serving threads never write this flag
        }
        try (Tape tape = new Tape(); Tape.NoGrad ng = tape.noGrad()) {
            return Ops.softmax(model.forward(batch)).toArray();
        } finally {
            if (wasTraining) {
                model.train(true);
            }
        }
    }

    private static int argmax(double[] row) {
        int best = 0;
        for (int k = 1; k < row.length; k++) {
            if (row[k] > row[best]) {
                best = k;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- checkpoint

    /** Writes model.safetensors, config.json and vocab.txt into dir (created if needed); each file atomically. */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        String id = CheckpointFolder.newId();
        Map<String, Object> m = CheckpointFolder.newConfig(TASK, id);
        m.put("labels", labels);
        m.put("vocabulary_size", vocabulary.size());
        m.put("cell", Cells.name(config.cell()));
        m.put("embedding", config.embedding());
        m.put("hidden", config.hidden());
        m.put("layers", config.layers());
        m.put("bidirectional", config.bidirectional());
        m.put("pooling", config.pooling().id());
        m.put("dropout", Double.parseDouble(Float.toString(config.dropout())));
        m.put("max_length", config.maxLength());
        m.put("min_frequency", config.minFrequency());
        m.put("epochs", config.epochs());
        m.put("lr", Double.parseDouble(Float.toString(config.lr())));
        m.put("weight_decay", Double.parseDouble(Float.toString(config.weightDecay())));
        EpochSettings.put(m, config.batch(), config.seed(), config.trainFraction(), config.validationFraction(), config.patience(),
                config.clipNorm());
        CheckpointFolder.writeWeights(dir, model, TASK, id);
        CheckpointFolder.writeString(dir.resolve(CheckpointFolder.VOCABULARY), vocabulary.serialize());
        CheckpointFolder.writeString(dir.resolve(CheckpointFolder.CONFIG), CheckpointFolder.toJson(m));
    }

    /** Reads a folder written by {@link #save}; a missing or damaged file is named in the error. */
    public static TextClassifier load(Path dir) throws IOException {
        CheckpointFolder.requireFolder(dir, TASK);
        CheckpointFolder.Config c = CheckpointFolder.readConfig(dir, TASK, TASK);
        ClassifyConfig cfg;
        List<String> labels = c.strings("labels");
        if (labels.size() < 2) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + CheckpointFolder.CONFIG + " lists " + labels.size()
                    + " labels, expected at least 2");
        }
        try {
            cfg = new ClassifyConfig(c.parse("cell", Cells::parseTaskCell), c.integer("embedding", 1), c.integer("hidden", 1),
                    c.integer("layers", 1), c.bool("bidirectional"), c.parse("pooling", Pooling::parse), (float) c.number("dropout"),
                    c.integer("epochs", 1), (float) c.number("lr"), (float) c.number("weight_decay"), c.integer("batch", 1),
                    (long) c.number("seed"), c.integer("min_frequency", 1), c.integer("max_length", 1), c.number("train_fraction"),
                    c.number("validation_fraction"), c.integer("patience", 0), c.number("clip_norm"));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith("checkpoint ") ? e
                    : new IllegalArgumentException("checkpoint " + dir + ": " + CheckpointFolder.CONFIG + ": " + e.getMessage());
        }
        WordVocabulary vocabulary;
        try {
            vocabulary = WordVocabulary.parse(CheckpointFolder.readString(dir, CheckpointFolder.VOCABULARY, TASK));
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("checkpoint ")) {
                throw e;
            }
            throw new IllegalArgumentException("checkpoint " + dir + ": " + CheckpointFolder.VOCABULARY + " is damaged (" + e.getMessage() + ")");
        }
        int expected = c.integer("vocabulary_size", 3);
        if (vocabulary.size() != expected) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + CheckpointFolder.VOCABULARY + " holds " + vocabulary.size()
                    + " words, but " + CheckpointFolder.CONFIG + " says " + expected + " (a damaged or mixed checkpoint)");
        }
        ModelClaims.requireHeld(dir, CheckpointFolder.WEIGHTS, CheckpointFolder.CONFIG + ": cell " + Cells.name(cfg.cell()) + ", embedding "
                + cfg.embedding() + ", hidden " + cfg.hidden() + ", layers " + cfg.layers() + ", bidirectional " + cfg.bidirectional()
                + ", " + vocabulary.size() + " words, " + labels.size() + " labels",
                ModelClaims.classifierParameters(Cells.name(cfg.cell()), vocabulary.size(), cfg.embedding(), cfg.hidden(), cfg.layers(),
                        cfg.bidirectional(), labels.size()));
        ClassifierModel model = new ClassifierModel(cfg, vocabulary.size(), labels.size());
        CheckpointFolder.readWeights(dir, model, c, TASK);
        model.eval();
        return new TextClassifier(model, cfg, vocabulary, labels);
    }
}
