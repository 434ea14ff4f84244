package dev.lanegrad.spark.train;

import dev.lanegrad.models.optim.Adam;
import dev.lanegrad.tasks.classify.ClassifierModel;
import dev.lanegrad.tasks.classify.ClassifyConfig;
import dev.lanegrad.tasks.classify.TextClassifier;
import dev.lanegrad.tasks.data.LabelledText;
import dev.lanegrad.tasks.data.WordTokenizer;
import dev.lanegrad.tasks.data.WordVocabulary;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Synchronous data-parallel training of the text classifier of {@code lanegrad classify} ({@link SyncSteps}). The
 * table's (text, label) rows are read on the driver: labels sorted (a label's class is its position), words as
 * {@code lanegrad classify} tokenizes them, the vocabulary of all rows ({@code minFrequency}). Each epoch visits
 * the rows in a seeded order ({@link #epochOrder}) in global batches of K*b (rows past the last full one are left
 * out of that epoch); partition k gets examples {@code [k*b, (k+1)*b)} of each batch with the step
 * ({@link ClassifierShardModel}). Adam as {@code lanegrad classify} (its lr, weight decay and clip norm), no
 * dropout, no validation split (score a held-out table with the transformer); after every epoch a
 * {@code lanegrad classify} checkpoint folder, which {@code ./lanegrad classify --checkpoint} loads.
 */
public final class DataParallelClassifier {

    /** The trained classifier and its parameters as one vector. */
    public record Result(TextClassifier classifier, float[] parameters, List<Epoch> epochs) {
    }

    private DataParallelClassifier() {
    }

    /** Trains on the rows' (text, label) columns; checkpoints into out after every epoch (null: none). */
    public static Result train(Dataset<Row> data, String textCol, String labelCol, ClassifyConfig cfg, int partitions, Path out,
                               Consumer<Epoch> listener) {
        if (cfg.dropout() != 0f) {
            throw new IllegalArgumentException("dropout " + cfg.dropout() + ": data-parallel training needs dropout 0"
                    + " (each partition would draw other masks than one process)");
        }
        if (partitions < 1 || cfg.batch() % partitions != 0) {
            throw new IllegalArgumentException("batch " + cfg.batch() + " is not a multiple of " + partitions + " partitions");
        }
        List<LabelledText.Example> rows = new ArrayList<>();
        for (Row r : data.select(textCol, labelCol).collectAsList()) {
            if (r.isNullAt(0) || r.isNullAt(1)) {
                throw new IllegalArgumentException("a row with a null " + textCol + " or " + labelCol);
            }
            rows.add(new LabelledText.Example(r.getString(0), String.valueOf(r.get(1))));
        }
        LabelledText texts = new LabelledText("the " + textCol + " and " + labelCol + " columns", rows);
        if (texts.labels().size() < 2) {
            throw new IllegalArgumentException(texts.source() + " hold " + texts.labels().size() + " label(s); expected at least two");
        }
        int n = texts.size();
        int stepsPerEpoch = n / cfg.batch();
        if (stepsPerEpoch < 1) {
            throw new IllegalArgumentException(n + " rows, fewer than one global batch of " + cfg.batch());
        }
        List<List<String>> tokens = new ArrayList<>(n);
        texts.examples().forEach(e -> tokens.add(WordTokenizer.tokenize(e.text())));
        WordVocabulary vocabulary = WordVocabulary.build(tokens, cfg.minFrequency(), 0);
        int[][] words = new int[n][];
        for (int i = 0; i < n; i++) {
            words[i] = vocabulary.encode(tokens.get(i));
        }
        int[] classes = texts.labelIndices();

        ClassifierShardModel shard = new ClassifierShardModel(cfg.cell(), cfg.embedding(), cfg.hidden(), cfg.layers(),
                cfg.bidirectional(), cfg.pooling(), cfg.maxLength(), cfg.seed(), vocabulary.size(), texts.labels().size());
        ClassifierModel model = shard.build();
        TextClassifier classifier = new TextClassifier(model, shard.config(cfg), vocabulary, texts.labels());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        List<Integer> indices = new ArrayList<>();
        for (int k = 0; k < partitions; k++) {
            indices.add(k);
        }
        JavaRDD<Integer> parts = jsc.parallelize(indices, partitions).persist(StorageLevel.MEMORY_ONLY());
        SyncSteps<Integer, ClassifierShardModel.Examples> steps = new SyncSteps<>(parts, shard, model,
                new Adam(model.parameters(), cfg.lr(), 0.9f, 0.999f, 1e-8f, cfg.weightDecay()),
                cfg.clipNorm(), null);
        int b = cfg.batch() / partitions;
        List<Epoch> epochs = new ArrayList<>();
        long step = 0;
        try {
            for (int e = 1; e <= cfg.epochs(); e++) {
                int[] order = epochOrder(n, cfg.seed(), e);
                double lossSum = 0;
                for (int s = 0; s < stepsPerEpoch; s++, step++) {
                    List<ClassifierShardModel.Examples> inputs = new ArrayList<>(partitions);
                    for (int k = 0; k < partitions; k++) {
                        int[][] w = new int[b][];
                        int[] c = new int[b];
                        for (int j = 0; j < b; j++) {
                            int row = order[s * cfg.batch() + k * b + j];
                            w[j] = words[row];
                            c[j] = classes[row];
                        }
                        inputs.add(new ClassifierShardModel.Examples(w, c));
                    }
                    lossSum += steps.step(step, cfg.lr(), inputs).loss();
                }
                new Epoch(e, stepsPerEpoch, lossSum / stepsPerEpoch).finish(epochs, out, classifier::save, listener);
            }
        } finally {
            parts.unpersist(false);
        }
        model.eval();
        return new Result(classifier, ParameterVector.values(model.parameters()), epochs);
    }

    /** The order epoch e (from 1) visits n rows in: a shuffle seeded by (seed, e). */
    public static int[] epochOrder(int n, long seed, int epoch) {
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed * 1_000_003L + epoch));
        return order.stream().mapToInt(Integer::intValue).toArray();
    }
}
