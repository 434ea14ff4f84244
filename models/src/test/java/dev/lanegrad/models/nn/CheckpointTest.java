package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.io.Checkpoint;
import dev.lanegrad.io.NamedTensor;
import dev.lanegrad.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Save, load, rebuild from metadata, and PyTorch's state_dict names. */
class CheckpointTest {

    @TempDir
    Path dir;

    /** A character language model as PyTorch would write it: embedding, lstm, decoder. */
    static final class CharLm extends Module {
        final Embedding embedding;
        final LSTM lstm;
        final Linear decoder;

        CharLm(int vocab, int hidden, long seed) {
            embedding = register("embedding", new Embedding(vocab, 8, Embedding.NO_PADDING, seed));
            lstm = register("lstm", LSTM.builder(8, hidden).numLayers(2).seed(seed + 1).build());
            decoder = register("decoder", new Linear(hidden, vocab, true, seed + 2));
        }
    }

    @Test
    void stateDictOfATwoLayerBidirectionalLstmIsPyTorchs() {
        LSTM lstm = LSTM.builder(10, 20).numLayers(2).bidirectional(true).build();
        // torch.nn.LSTM(10, 20, num_layers=2, bidirectional=True).state_dict(): names and shapes, in order
        String[][] expected = {
            {"weight_ih_l0", "80,10"}, {"weight_hh_l0", "80,20"}, {"bias_ih_l0", "80"}, {"bias_hh_l0", "80"},
            {"weight_ih_l0_reverse", "80,10"}, {"weight_hh_l0_reverse", "80,20"}, {"bias_ih_l0_reverse", "80"},
            {"bias_hh_l0_reverse", "80"},
            {"weight_ih_l1", "80,40"}, {"weight_hh_l1", "80,20"}, {"bias_ih_l1", "80"}, {"bias_hh_l1", "80"},
            {"weight_ih_l1_reverse", "80,40"}, {"weight_hh_l1_reverse", "80,20"}, {"bias_ih_l1_reverse", "80"},
            {"bias_hh_l1_reverse", "80"},
        };
        List<String> got = new ArrayList<>();
        lstm.namedParameters().forEach((k, v) -> got.add(k + ":" + String.join(",",
                java.util.Arrays.stream(v.shape()).mapToObj(Integer::toString).toList())));
        List<String> want = new ArrayList<>();
        for (String[] e : expected) {
            want.add(e[0] + ":" + e[1]);
        }
        assertEquals(want, got);
    }

    @Test
    void nestedModulesPrefixTheirChildren() {
        CharLm lm = new CharLm(30, 16, 1);
        List<String> names = List.copyOf(lm.namedParameters().keySet());
        assertEquals(List.of("embedding.weight",
                "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0",
                "lstm.weight_ih_l1", "lstm.weight_hh_l1", "lstm.bias_ih_l1", "lstm.bias_hh_l1",
                "decoder.weight", "decoder.bias"), names);
        lm.eval();
        assertTrue(!lm.lstm.isTraining(), "eval reaches the children");
    }

    private static void assertBitwiseEqual(Module a, Module b) {
        assertEquals(a.namedParameters().keySet(), b.namedParameters().keySet());
        a.namedParameters().forEach((k, v) -> {
            Tensor w = b.namedParameters().get(k);
            assertArrayEquals(v.shape(), w.shape(), k);
            float[] x = v.toArray();
            float[] y = w.toArray();
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), k + "[" + i + "]");
            }
        });
    }

    @Test
    void saveThenLoadIsBitwiseAndGivesIdenticalOutputs() throws Exception {
        List<RecurrentLayer> layers = List.of(
                LSTM.builder(3, 5).numLayers(2).bidirectional(true).batchFirst(true).dropout(0.25f).seed(4).build(),
                GRU.builder(3, 5).bias(false).seed(5).build(),
                RNN.builder(3, 5).nonlinearity("relu").numLayers(2).seed(6).build());
        for (RecurrentLayer layer : layers) {
            Path file = dir.resolve(layer.getClass().getSimpleName() + ".safetensors");
            layer.save(file);
            Map<String, String> meta = SafeTensors.readHeader(file).metadata();
            assertEquals(layer.getClass().getSimpleName(), meta.get("module"));
            assertEquals(Integer.toString(layer.hiddenSize()), meta.get("hidden_size"));
            RecurrentLayer back = RecurrentLayer.load(file);
            assertEquals(layer.getClass(), back.getClass());
            assertEquals(layer.rnnConfig(), back.rnnConfig());
            assertEquals(layer.batchFirst(), back.batchFirst());
            assertBitwiseEqual(layer, back);
            layer.eval();
            back.eval();
            Tensor x = Tensor.uniform(-1, 1, 9, 4, 2, 3);
            try (Tape tape = new Tape()) {
                RecurrentOutput a = layer.forward(x);
                RecurrentOutput b = back.forward(x);
                assertArrayEquals(a.output().toArray(), b.output().toArray());
                assertArrayEquals(a.hn().toArray(), b.hn().toArray());
            }
        }
        LSTM typed = LSTM.load(dir.resolve("LSTM.safetensors"));
        assertEquals(2, typed.numLayers());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LSTM.load(dir.resolve("GRU.safetensors")));
        assertTrue(e.getMessage().contains("expected LSTM"), e.getMessage());
    }

    @Test
    void linearEmbeddingAndCompositeModelsRoundTrip() throws Exception {
        Linear linear = new Linear(4, 3, false, 2);
        linear.save(dir.resolve("linear.safetensors"));
        assertBitwiseEqual(linear, Linear.load(dir.resolve("linear.safetensors")));
        Embedding emb = new Embedding(9, 4, 3, 2);
        emb.save(dir.resolve("emb.safetensors"));
        Embedding embBack = Embedding.load(dir.resolve("emb.safetensors"));
        assertEquals(3, embBack.paddingIdx());
        assertBitwiseEqual(emb, embBack);
        CharLm lm = new CharLm(20, 6, 3);
        lm.save(dir.resolve("lm.safetensors"));
        CharLm other = new CharLm(20, 6, 99);
        other.loadParameters(dir.resolve("lm.safetensors"));
        assertBitwiseEqual(lm, other);
    }

    @Test
    void loadingChecksNamesAndShapesAndNamesTheTensor() throws Exception {
        LSTM lstm = new LSTM(3, 4);
        Map<String, Tensor> params = lstm.namedParameters();
        float[] before = params.get("weight_ih_l0").toArray();

        List<NamedTensor> missing = new ArrayList<>();
        params.forEach((k, v) -> {
            if (!k.equals("weight_hh_l0")) {
                missing.add(new NamedTensor(k, v.shape(), v.toArray()));
            }
        });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> lstm.loadStateDict(new Checkpoint("missing.safetensors", missing, Map.of())));
        assertTrue(e.getMessage().contains("weight_hh_l0") && e.getMessage().contains("missing"), e.getMessage());

        List<NamedTensor> wrong = new ArrayList<>();
        params.forEach((k, v) -> wrong.add(k.equals("bias_ih_l0") ? new NamedTensor(k, new int[] {15}, new float[15])
                : new NamedTensor(k, v.shape(), new float[v.size()])));
        e = assertThrows(IllegalArgumentException.class, () -> lstm.loadStateDict(new Checkpoint("wrong", wrong, Map.of())));
        assertTrue(e.getMessage().contains("bias_ih_l0 has shape [15], expected [16]"), e.getMessage());
        assertArrayEquals(before, params.get("weight_ih_l0").toArray(), "nothing changed by a failed load");

        Map<String, String> noMeta = new LinkedHashMap<>();
        List<NamedTensor> all = new ArrayList<>();
        params.forEach((k, v) -> all.add(new NamedTensor(k, v.shape(), v.toArray())));
        SafeTensors.write(dir.resolve("plain.safetensors"), all, noMeta);
        e = assertThrows(IllegalArgumentException.class, () -> LSTM.load(dir.resolve("plain.safetensors")));
        assertTrue(e.getMessage().contains("'module'"), e.getMessage());
        // a PyTorch file without lanegrad metadata loads into a layer built in code
        new LSTM(3, 4).loadParameters(dir.resolve("plain.safetensors"));
    }
}
