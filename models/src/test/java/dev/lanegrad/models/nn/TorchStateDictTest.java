package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.io.ParityCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PyTorch's own files (testdata/torch, torch.save(model.state_dict()) from PyTorch 1.13 by make_fixtures.py):
 * two-layer RNN/LSTM/GRU stacks with a Linear head, in float32, float64, float16 and bfloat16, load into the
 * same model built in code and reproduce PyTorch's outputs within 1e-6.
 */
class TorchStateDictTest {

    static Path fixture(String name) {
        return PyTorchFixtureTest.testData("/torch/" + name);
    }

    /** The model of a fixture, built in code: the recurrent stack under its PyTorch attribute name, then "fc". */
    static Sequential model(ParityCase c) {
        int in = c.integer("input_size");
        int hidden = c.integer("hidden_size");
        int layers = c.integer("num_layers");
        RecurrentLayer stack = switch (c.string("kind")) {
            case "lstm" -> LSTM.builder(in, hidden).numLayers(layers).build();
            case "gru" -> GRU.builder(in, hidden).numLayers(layers).build();
            default -> RNN.builder(in, hidden).numLayers(layers).nonlinearity(c.string("nonlinearity")).build();
        };
        return new Sequential().add(c.string("prefix"), stack).add("fc", new Linear(hidden, c.integer("out_features")));
    }

    static float[] run(Sequential model, ParityCase c) {
        Tensor x = Tensor.fromArray(c.floats("input"), c.shape("input"));
        model.eval();
        try (Tape tape = new Tape(); Tape.NoGrad off = tape.noGrad()) {
            return model.forward(x).toArray();
        }
    }

    static void assertWithin(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= tolerance, what + ": max |difference| " + worst + " > " + tolerance);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rnn_tanh_L2", "rnn_relu_L2", "lstm_L2", "gru_L2", "lstm_L2_f64", "gru_L2_f16", "rnn_tanh_L2_bf16"})
    void aTorchSaveStateDictReproducesPyTorchsOutputs(String name) throws IOException {
        ParityCase c = ParityCase.read(fixture(name + ".json"));
        Sequential model = model(c);
        model.loadParameters(fixture(name + ".pt")); // strict: every parameter, nothing else
        assertWithin(c.floats("output"), run(model, c), 1e-6, name);
    }

    /** The same file into the parts of a model, each with its prefix, instead of a Sequential. */
    @Test
    void aWholeModelStateDictLoadsIntoItsPartsWithAPrefix() throws IOException {
        ParityCase c = ParityCase.read(fixture("lstm_L2.json"));
        LSTM lstm = LSTM.builder(3, 5).numLayers(2).build();
        Linear fc = new Linear(5, 2);
        Module.LoadResult r = lstm.loadParameters(fixture("lstm_L2.pt"), "lstm.", true);
        assertTrue(r.complete(), r.toString());
        assertTrue(fc.loadParameters(fixture("lstm_L2.pt"), "fc.", true).complete());
        Sequential reference = model(c);
        reference.loadParameters(fixture("lstm_L2.pt"));
        assertEquals(reference.get("lstm", LSTM.class).namedParameters().keySet(), lstm.namedParameters().keySet());
        for (Map.Entry<String, Tensor> e : lstm.namedParameters().entrySet()) {
            assertEquals(List.of(box(reference.namedParameters().get("lstm." + e.getKey()).toArray())), List.of(box(e.getValue().toArray())));
        }
        assertEquals(List.of(box(reference.get("fc").namedParameters().get("weight").toArray())), List.of(box(fc.weight().toArray())));
    }

    @Test
    void withoutAPrefixTheLoadNamesWhatDoesNotFit() {
        LSTM lstm = LSTM.builder(3, 5).numLayers(2).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lstm.loadParameters(fixture("lstm_L2.pt")));
        assertTrue(e.getMessage().contains("(18 problems)"), e.getMessage());
        assertTrue(e.getMessage().contains("parameter weight_ih_l0 missing from checkpoint"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected tensor fc.weight in checkpoint"), e.getMessage());
    }

    private static Float[] box(float[] a) {
        Float[] out = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
