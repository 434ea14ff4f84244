package dev.lanegrad.spark;

import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.spark.score.Output;
import dev.lanegrad.spark.train.ParameterVector;
import dev.lanegrad.tasks.charlm.CharLanguageModel;
import dev.lanegrad.tasks.charlm.CharLmCheckpoint;
import dev.lanegrad.tasks.data.CharVocabulary;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spark ML persistence: a Pipeline holding the transformer saves, loads, and scores as before. */
class TransformerPersistenceTest {

    @TempDir
    Path dir;

    @Test
    void aFittedPipelineSavesAndLoadsWithItsParamsAndTheSameOutputs() throws Exception {
        RecurrentLayer layer = SequenceTransformerTest.stack("gru");
        Path file = dir.resolve("gru.safetensors");
        layer.save(file);
        SequenceTransformer t = SequenceTransformer.fromCheckpoint(file).setInputCol("seq").setLengthsCol("len")
                .setOutputCol("steps").setOutput(Output.OUTPUTS).setBatchSize(16);
        Dataset<Row> in = SequenceTransformerTest.sequences(true).limit(300);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {t}).fit(in);
        String path = dir.resolve("pipeline").toString();
        fitted.write().save(path);

        PipelineModel loaded = PipelineModel.load(path);
        SequenceTransformer back = (SequenceTransformer) loaded.stages()[0];
        assertEquals(t.uid(), back.uid());
        assertEquals(t.modelBytes().sha256(), back.modelBytes().sha256());
        for (Param<?> p : new Param<?>[] {t.inputCol(), t.lengthsCol(), t.outputCol(), t.output(), t.batchSize()}) {
            assertEquals(t.getOrDefault(p), back.getOrDefault(back.getParam(p.name())), p.name());
        }
        assertEquals(rows(t.transform(in), "steps"), rows(loaded.transform(in), "steps"));
    }

    @Test
    void aCheckpointFolderIsSavedAsTheFolderLanegradLoads() throws Exception {
        CharVocabulary vocabulary = CharVocabulary.of("abcdefgh ijk.");
        CharLanguageModel model = new CharLanguageModel(new CharLanguageModel.Config(RnnMode.GRU, vocabulary.size(), 6, 8, 1, 0f), 5L);
        Path checkpoint = dir.resolve("charlm");
        CharLmCheckpoint.save(checkpoint, model, vocabulary, null, 0, Double.NaN);
        SequenceTransformer t = SequenceTransformer.fromCheckpoint(checkpoint).setInputCol("text").setOutputCol("next");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {t});
        String path = dir.resolve("unfitted").toString();
        pipeline.write().save(path);

        Path saved = Files.list(Path.of(path, "stages")).findFirst().orElseThrow().resolve("checkpoint");
        assertArrayEquals(ParameterVector.values(model.parameters()),
                ParameterVector.values(CharLmCheckpoint.load(saved).model().parameters()), "the saved stage's checkpoint/ loads");
        Dataset<Row> texts = LocalSpark.session().createDataset(List.of("abc", "hij k.", "a", "ggg hhh"), Encoders.STRING())
                .toDF("text");
        Pipeline back = Pipeline.load(path);
        assertEquals(rows(t.transform(texts), "next"), rows(back.fit(texts).transform(texts), "next"));
        assertTrue(SequenceTransformer.load(saved.getParent().toString()).modelBytes().isFolder());
    }

    /** The output column of every row, in a fixed row order, as text (compares every digit of every float). */
    private static List<String> rows(Dataset<Row> scored, String column) {
        List<String> out = new ArrayList<>();
        for (Row r : scored.collectAsList()) {
            out.add(r.get(0) + " " + r.get(r.fieldIndex(column)));
        }
        out.sort(null);
        return out;
    }
}
