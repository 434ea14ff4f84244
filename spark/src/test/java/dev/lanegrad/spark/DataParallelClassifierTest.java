package dev.lanegrad.spark;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.optim.Adam;
import dev.lanegrad.models.optim.GradClip;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.spark.train.DataParallelClassifier;
import dev.lanegrad.spark.train.ParameterVector;
import dev.lanegrad.tasks.GradientShards;
import dev.lanegrad.tasks.classify.ClassifierModel;
import dev.lanegrad.tasks.classify.ClassifyConfig;
import dev.lanegrad.tasks.classify.Pooling;
import dev.lanegrad.tasks.classify.TextClassifier;
import dev.lanegrad.tasks.data.WordTokenizer;
import dev.lanegrad.tasks.data.WordVocabulary;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The text classifier trained on 2 partitions against one process: the same bits, and a checkpoint `classify` loads. */
class DataParallelClassifierTest {

    /** A bidirectional GRU with max pooling over sentences of different lengths (the packed path), 2 x 4 per step. */
    private static final ClassifyConfig CONFIG = ClassifyConfig.builder().cell(RnnMode.GRU).embedding(8).hidden(6).layers(1)
            .bidirectional(true).pooling(Pooling.MAX).dropout(0f).epochs(2).lr(0.01f).batch(8).seed(3).maxLength(12).build();
    private static final int K = 2;

    @TempDir
    Path dir;

    @Test
    void twoPartitionsAtBatch4EqualOneProcessAtBatch8InTwoShardsAndTheCheckpointLoads() throws Exception {
        List<String[]> rows = rows(27); // 3 steps of 8 per epoch, 3 rows left out of each
        Path out = dir.resolve("classifier");
        DataParallelClassifier.Result r = DataParallelClassifier.train(table(rows), "text", "label", CONFIG, K, out, null);
        assertEquals(2, r.epochs().size());
        assertEquals(3, r.epochs().get(0).steps());

        assertArrayEquals(oneProcess(rows, r.classifier().vocabulary(), r.classifier().labels()), r.parameters(),
                "2 partitions x 4 sentences against one process in 2 shards");

        // what `./lanegrad classify --checkpoint` loads: the same weights, vocabulary and labels
        TextClassifier loaded = TextClassifier.load(out);
        assertArrayEquals(r.parameters(), ParameterVector.values(loaded.model().parameters()));
        assertEquals(List.of("neg", "pos"), loaded.labels());
        assertEquals(r.classifier().vocabulary().words(), loaded.vocabulary().words());
        assertEquals(0f, loaded.config().dropout());
    }

    @Test
    void dropoutAndABatchThatDoesNotSplitAreRefused() {
        Dataset<Row> t = table(rows(27));
        assertThrows(IllegalArgumentException.class,
                () -> DataParallelClassifier.train(t, "text", "label", CONFIG.toBuilder().dropout(0.5f).build(), K, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> DataParallelClassifier.train(t, "text", "label", CONFIG.toBuilder().batch(7).build(), K, null, null));
    }

    /** One process: the same vocabulary and labels, each epoch's order, each step's gradient in K shards of 4 sentences. */
    private static float[] oneProcess(List<String[]> rows, WordVocabulary vocabulary, List<String> labels) {
        ClassifierModel model = new ClassifierModel(CONFIG, vocabulary.size(), labels.size());
        List<Tensor> params = model.parameters();
        Adam adam = new Adam(params, CONFIG.lr(), 0.9f, 0.999f, 1e-8f, CONFIG.weightDecay());
        GradientShards gradients = new GradientShards(params, K);
        int batch = CONFIG.batch();
        int b = batch / K;
        model.train(true);
        try (Tape tape = new Tape()) {
            for (int e = 1; e <= CONFIG.epochs(); e++) {
                int[] order = DataParallelClassifier.epochOrder(rows.size(), CONFIG.seed(), e);
                for (int from = 0; from + batch <= rows.size(); from += batch) {
                    int first = from;
                    gradients.compute(tape, k -> {
                        List<int[]> words = new ArrayList<>();
                        int[] classes = new int[b];
                        for (int j = 0; j < b; j++) {
                            String[] row = rows.get(order[first + k * b + j]);
                            words.add(vocabulary.encode(WordTokenizer.tokenize(row[0])));
                            classes[j] = labels.indexOf(row[1]);
                        }
                        return Ops.crossEntropy(model.forward(WordVocabulary.pad(words, CONFIG.maxLength())), classes);
                    });
                    GradClip.byGlobalNorm(params, CONFIG.clipNorm());
                    adam.step();
                    adam.zeroGrad();
                }
            }
        }
        return ParameterVector.values(params);
    }

    /** Sentences of 1 to 15 words (some cut at maxLength 12): "pos" when "good" outnumbers "bad". */
    private static List<String[]> rows(int n) {
        String[] words = {"good", "bad", "film", "plot", "the", "was", "very", "not", "actors", "music"};
        SplittableRandom r = new SplittableRandom(5);
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            int score = 0;
            for (int w = 1 + r.nextInt(15); w > 0; w--) {
                String word = words[r.nextInt(words.length)];
                score += word.equals("good") ? 1 : word.equals("bad") ? -1 : 0;
                sb.append(sb.length() == 0 ? "" : " ").append(word);
            }
            rows.add(new String[] {sb.toString(), score > 0 ? "pos" : "neg"});
        }
        return rows;
    }

    private static Dataset<Row> table(List<String[]> rows) {
        StructType schema = new StructType().add("text", DataTypes.StringType, false).add("label", DataTypes.StringType, false);
        List<Row> r = new ArrayList<>();
        rows.forEach(x -> r.add(RowFactory.create(x[0], x[1])));
        return LocalSpark.session().createDataFrame(r, schema);
    }
}
