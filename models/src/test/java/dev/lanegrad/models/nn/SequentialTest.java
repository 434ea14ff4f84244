package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequentialTest {

    @TempDir
    Path dir;

    static float[] infer(Sequential model, Tensor x) {
        model.eval();
        try (Tape tape = new Tape(); Tape.NoGrad off = tape.noGrad()) {
            return model.forward(x).toArray();
        }
    }

    @Test
    void anLstmWithALinearHeadSavesAndLoadsWholeWithIdenticalOutputs() throws IOException {
        Sequential model = new Sequential()
                .add("lstm", LSTM.builder(4, 6).numLayers(2).dropout(0.25f).seed(11).build())
                .add("fc", new Linear(6, 3, true, 12));
        Path file = dir.resolve("model.safetensors");
        model.save(file);
        assertEquals(List.of("lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0", "lstm.weight_ih_l1",
                "lstm.weight_hh_l1", "lstm.bias_ih_l1", "lstm.bias_hh_l1", "fc.weight", "fc.bias"),
                List.copyOf(model.namedParameters().keySet()));
        assertEquals(model.namedParameters().keySet(), SafeTensors.read(file).tensors().keySet(), "every parameter saved");
        Sequential loaded = Sequential.load(file);
        assertEquals(model.names(), loaded.names());
        assertEquals(model.config(), loaded.config());
        Tensor x = Tensor.uniform(-1f, 1f, 5, 7, 2, 4);
        assertArrayEquals(infer(model, x), infer(loaded, x)); // same weights, same kernels: bit for bit
    }

    @Test
    void embeddingGruDropoutAndHeadRoundTrip() throws IOException {
        Sequential model = new Sequential()
                .add("embedding", new Embedding(10, 4, 0, 1))
                .add("gru", GRU.builder(4, 5).bidirectional(true).batchFirst(true).seed(2).build())
                .add("drop", new Dropout(0.3f))
                .add("decoder", new Linear(10, 10, false, 3));
        Path file = dir.resolve("lm.safetensors");
        model.save(file);
        Sequential loaded = Sequential.load(file);
        assertEquals(Map.of(), diff(model, loaded));
        int[] ids = {1, 2, 3, 0, 4, 5};
        model.eval();
        loaded.eval();
        try (Tape tape = new Tape(); Tape.NoGrad off = tape.noGrad()) {
            assertArrayEquals(model.forward(ids, 2, 3).toArray(), loaded.forward(ids, 2, 3).toArray());
        }
        assertTrue(loaded.get("gru", GRU.class).bidirectional());
        assertEquals(0.3f, loaded.get("drop", Dropout.class).p());
    }

    private static Map<String, String> diff(Module a, Module b) {
        Map<String, String> out = new java.util.TreeMap<>();
        a.namedParameters().forEach((k, v) -> {
            Tensor w = b.namedParameters().get(k);
            if (w == null || !java.util.Arrays.equals(v.toArray(), w.toArray())) {
                out.put(k, "differs");
            }
        });
        return out;
    }

    @Test
    void nonStrictLoadingListsMissingAndUnexpectedNames() throws IOException {
        Sequential small = new Sequential().add("lstm", LSTM.builder(4, 6).seed(1).build()).add("fc", new Linear(6, 2, true, 2));
        Path file = dir.resolve("small.safetensors");
        small.save(file);
        Sequential other = new Sequential().add("lstm", LSTM.builder(4, 6).seed(5).build()).add("head", new Linear(6, 2, true, 6));
        float[] headBefore = other.get("head", Linear.class).weight().toArray();
        Module.LoadResult r = other.loadParameters(file, "", false);
        assertEquals(List.of("head.weight", "head.bias"), r.missing());
        assertEquals(List.of("fc.bias", "fc.weight"), r.unexpected()); // file order: safetensors sorts by name
        assertArrayEquals(small.get("lstm").namedParameters().get("weight_hh_l0").toArray(),
                other.get("lstm").namedParameters().get("weight_hh_l0").toArray(), "loaded");
        assertArrayEquals(headBefore, other.get("head", Linear.class).weight().toArray(), "kept");
        IllegalArgumentException strict = assertThrows(IllegalArgumentException.class, () -> other.loadParameters(file));
        assertTrue(strict.getMessage().contains("parameter head.weight missing from checkpoint")
                && strict.getMessage().contains("unexpected tensor fc.bias in checkpoint"), strict.getMessage());
        // a name mapping: fc.* -> head.*
        Module.LoadResult mapped = other.loadStateDict(SafeTensors.read(file), n -> n.replaceFirst("^fc\\.", "head."), true);
        assertTrue(mapped.complete());
        assertArrayEquals(small.get("fc", Linear.class).weight().toArray(), other.get("head", Linear.class).weight().toArray());
    }

    @Test
    void wrongChainsAndFilesAreNamed() throws IOException {
        Sequential model = new Sequential().add("lstm", LSTM.builder(4, 6).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.add("fc", new Linear(5, 1)));
        assertEquals("layer fc takes 5 features, but layer lstm gives 6", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model.add("emb", new Embedding(3, 4, 0)));
        Path lstmOnly = dir.resolve("lstm.safetensors");
        LSTM.builder(2, 3).build().save(lstmOnly);
        IllegalArgumentException notSequential = assertThrows(IllegalArgumentException.class, () -> Sequential.load(lstmOnly));
        assertTrue(notSequential.getMessage().contains("holds a LSTM, expected Sequential"), notSequential.getMessage());
    }
}
