package dev.lanegrad.tasks.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanegrad.io.Checkpoint;
import dev.lanegrad.io.NamedTensor;
import dev.lanegrad.io.SafeTensors;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.Cells;
import dev.lanegrad.tasks.ModelClaims;
import dev.lanegrad.tasks.charlm.CharLanguageModel;
import dev.lanegrad.tasks.charlm.CharLmCheckpoint;
import dev.lanegrad.tasks.classify.ClassifierModel;
import dev.lanegrad.tasks.classify.ClassifyConfig;
import dev.lanegrad.tasks.data.CharVocabulary;
import dev.lanegrad.tasks.data.Scaler;
import dev.lanegrad.tasks.forecast.ForecastConfig;
import dev.lanegrad.tasks.forecast.ForecastModel;
import dev.lanegrad.tasks.forecast.Forecaster;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sizes taken on trust: a checkpoint whose metadata (or config.json) claims a far larger model than its
 * weights hold is refused before the model is built, allocating a small multiple of the file's size;
 * weights with NaN or infinity are refused naming the tensor.
 */
class ModelClaimsTest {

    @TempDir
    Path tmp;

    static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void closedFormParameterCountsMatchTheModels() {
        for (RnnMode cell : new RnnMode[] {RnnMode.LSTM, RnnMode.GRU, RnnMode.RNN_TANH}) {
            for (int layers = 1; layers <= 3; layers++) {
                CharLanguageModel m = new CharLanguageModel(new CharLanguageModel.Config(cell, 11, 5, 7, layers, 0f), 1);
                assertEquals(m.parameterCount(), ModelClaims.charLmParameters(Cells.name(cell), 11, 5, 7, layers), m.toString());
            }
        }
        for (RnnMode cell : new RnnMode[] {RnnMode.LSTM, RnnMode.GRU}) {
            for (int layers = 1; layers <= 2; layers++) {
                assertEquals(new ForecastModel(cell, 6, layers, 0f, 3, 1).parameterCount(),
                        ModelClaims.forecastParameters(Cells.name(cell), 6, layers, 3));
                for (boolean bi : new boolean[] {false, true}) {
                    ClassifyConfig cfg = ClassifyConfig.builder().cell(cell).embedding(4).hidden(5).layers(layers).bidirectional(bi).build();
                    assertEquals(new ClassifierModel(cfg, 9, 3).parameterCount(),
                            ModelClaims.classifierParameters(Cells.name(cell), 9, 4, 5, layers, bi, 3));
                }
            }
        }
        assertEquals(Long.MAX_VALUE, ModelClaims.charLmParameters("lstm", Integer.MAX_VALUE, Integer.MAX_VALUE,
                Integer.MAX_VALUE, Integer.MAX_VALUE), "saturates instead of overflowing");
    }

    private Path smallCharLm() throws Exception {
        CharVocabulary vocab = CharVocabulary.of("abcdefg\n");
        CharLanguageModel m = new CharLanguageModel(new CharLanguageModel.Config(RnnMode.LSTM, vocab.size(), 4, 6, 1, 0f), 3);
        Path dir = tmp.resolve("lm");
        CharLmCheckpoint.save(dir, m, vocab, null, 10, 1.5);
        return dir;
    }

    private static void rewrite(Path file, Map<String, String> metaChanges, String poisonTensor, float poison) throws Exception {
        Checkpoint c = SafeTensors.read(file);
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.putAll(metaChanges);
        List<NamedTensor> tensors = new ArrayList<>();
        for (NamedTensor t : c.tensors().values()) {
            float[] data = t.data().clone();
            if (t.name().equals(poisonTensor)) {
                data[data.length / 2] = poison;
            }
            tensors.add(new NamedTensor(t.name(), t.shape(), data));
        }
        SafeTensors.write(file, tensors, meta);
    }

    @Test
    void aCharLmCheckpointClaimingAHugeModelIsRefusedBeforeAllocating() throws Exception {
        Path dir = smallCharLm();
        Path file = dir.resolve(CharLmCheckpoint.WEIGHTS);
        for (Map<String, String> claim : List.of(Map.of("hidden_size", "200000"), Map.of("num_layers", "2000000000"),
                Map.of("vocab_size", "2000000000"), Map.of("embedding_dim", "1000000", "hidden_size", "1000000"))) {
            rewrite(file, Map.of("hidden_size", "6", "num_layers", "1", "vocab_size", "8", "embedding_dim", "4"), null, 0);
            rewrite(file, claim, null, 0);
            long before = allocated();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CharLmCheckpoint.load(dir), claim.toString());
            long used = allocated() - before;
            assertTrue(e.getMessage().contains("describes a model of") || e.getMessage().contains("vocabulary"), e.getMessage());
            assertTrue(used < 64 * Files.size(file) + (4 << 20), claim + ": allocated " + used + " bytes for a file of " + Files.size(file));
        }
    }

    @Test
    void nonFiniteWeightsAreRefusedNamingTheTensor() throws Exception {
        Path dir = smallCharLm();
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            rewrite(dir.resolve(CharLmCheckpoint.WEIGHTS), Map.of(), "rnn.weight_hh_l0", bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CharLmCheckpoint.load(dir));
            assertTrue(e.getMessage().contains("rnn.weight_hh_l0") && e.getMessage().contains("finite"), e.getMessage());
        }
    }

    @Test
    void aForecastConfigClaimingAHugeModelIsRefused() throws Exception {
        ForecastConfig cfg = ForecastConfig.builder().hidden(5).layers(1).window(4).build();
        Forecaster f = new Forecaster(new ForecastModel(cfg.cell(), 5, 1, 0f, 1, 1), cfg, Scaler.fitMinMax(new double[] {0, 1, 2}));
        Path dir = tmp.resolve("fc");
        f.save(dir);
        Path config = dir.resolve("config.json");
        String text = Files.readString(config);
        // a size that fits in memory but not in the file: refused by the parameter count
        Files.writeString(config, text.replaceFirst("\"hidden\": ?5", "\"hidden\": 500").replaceFirst("\"layers\": ?1", "\"layers\": 3"));
        assertTrue(!Files.readString(config).equals(text), "the test must change config.json");
        long before = allocated();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Forecaster.load(dir));
        long used = allocated() - before;
        assertTrue(e.getMessage().contains("describes a model of"), e.getMessage());
        assertTrue(used < (8 << 20), "allocated " + used + " bytes");
        // a size no array holds: refused by the size check, whatever the file holds
        Files.writeString(config, text.replaceFirst("\"hidden\": ?5", "\"hidden\": 1000000").replaceFirst("\"layers\": ?1", "\"layers\": 1000"));
        e = assertThrows(IllegalArgumentException.class, () -> Forecaster.load(dir));
        assertTrue(e.getMessage().contains("more than a Java array holds"), e.getMessage());

        f.save(dir);
        rewrite(dir.resolve("model.safetensors"), Map.of(), "head.weight", Float.NaN);
        e = assertThrows(IllegalArgumentException.class, () -> Forecaster.load(dir));
        assertTrue(e.getMessage().contains("head.weight"), e.getMessage());
    }
}
