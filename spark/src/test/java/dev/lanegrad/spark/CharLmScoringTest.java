package dev.lanegrad.spark;

import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.tasks.charlm.CharLanguageModel;
import dev.lanegrad.tasks.charlm.CharLmCheckpoint;
import dev.lanegrad.tasks.data.CharVocabulary;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A char-LM checkpoint folder scores texts: the next character's distribution, as the model gives it one text at a time. */
class CharLmScoringTest {

    private static final String ALPHABET = "abcdefgh ijklmnop.";

    @TempDir
    Path dir;

    @Test
    void nextCharacterDistributionsAreTheSingleMachineForwards() throws Exception {
        CharVocabulary vocabulary = CharVocabulary.of(ALPHABET);
        CharLanguageModel model = new CharLanguageModel(
                new CharLanguageModel.Config(RnnMode.LSTM, vocabulary.size(), 8, 12, 2, 0f), 3L);
        CharLmCheckpoint.save(dir, model, vocabulary, null, 0, Double.NaN);
        model.eval();

        List<String> texts = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < 500; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = 1 + r.nextInt(30); k > 0; k--) {
                sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
            }
            texts.add(sb.toString());
        }
        Dataset<Row> df = LocalSpark.session().createDataset(texts, Encoders.STRING()).toDF("text").repartition(2);
        List<Row> scored = SequenceTransformer.fromCheckpoint(dir).setInputCol("text").setOutputCol("next").setBatchSize(64)
                .transform(df).collectAsList();
        assertEquals(texts.size(), scored.size());
        try (Tape tape = new Tape(); Tape.NoGrad ng = tape.noGrad()) {
            for (Row row : scored) {
                String text = row.getString(0);
                int[] ids = vocabulary.encode(text);
                Tensor logits = model.forward(ids, ids.length, 1, null).logits(); // [T, 1, V]
                float[] p = Ops.softmax(Ops.select(logits, ids.length - 1)).toArray();
                double[] want = new double[p.length];
                for (int k = 0; k < p.length; k++) {
                    want[k] = p[k];
                }
                double[] got = row.getList(1).stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
                // one text alone vs in a packed batch of up to 64: equal up to the last float bits
                assertArrayEquals(want, got, 1e-6, "next-character distribution after \"" + text + "\"");
                assertEquals(1.0, Arrays.stream(got).sum(), 1e-5);
                tape.reset();
            }
        }
    }
}
