package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.io.ParityCase;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PyTorch state_dicts (testdata/safetensors, written by make_safetensors_fixture.py)
 * load as they are into the equivalent lanegrad modules, bit-exactly, and the modules reproduce PyTorch's
 * outputs on the side file's x within atol 1e-5 + rtol 1e-4.
 */
class PyTorchFixtureTest {

    static Path resource(String name) {
        return testData("/safetensors/" + name);
    }

    /** A file of the test data (testdata/, on the test class path), e.g. {@code /torch/lstm_L2.pt}. */
    static Path testData(String resource) {
        try {
            return Path.of(PyTorchFixtureTest.class.getResource(resource).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("fixture " + resource + " missing from the test class path", e);
        }
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-5 + 1e-4 * Math.abs(expected[i]);
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol, what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
        }
    }

    /** Loads name.safetensors into module and checks every parameter equals the side file bit for bit. */
    private static ParityCase load(String name, Module module) throws Exception {
        ParityCase pc = ParityCase.read(resource(name + ".json"));
        module.loadParameters(resource(name + ".safetensors"));
        @SuppressWarnings("unchecked")
        List<String> stateDict = (List<String>) pc.field("state_dict");
        assertEquals(stateDict, List.copyOf(module.namedParameters().keySet()), name + ": state_dict names and order");
        for (Map.Entry<String, Tensor> e : module.namedParameters().entrySet()) {
            assertArrayEquals(pc.shape(e.getKey()), e.getValue().shape(), e.getKey());
            float[] want = pc.floats(e.getKey());
            float[] got = e.getValue().toArray();
            for (int i = 0; i < want.length; i++) {
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), e.getKey() + "[" + i + "]");
            }
        }
        return pc;
    }

    private static void checkRecurrent(String name, RecurrentLayer layer) throws Exception {
        ParityCase pc = load(name, layer);
        layer.eval();
        try (Tape tape = new Tape()) {
            RecurrentOutput out = layer.forward(Tensor.fromArray(pc.floats("x"), pc.shape("x")));
            assertArrayEquals(pc.shape("output"), out.output().shape());
            assertClose(pc.floats("output"), out.output().toArray(), name + " output");
            assertClose(pc.floats("h_n"), out.hn().toArray(), name + " h_n");
            if (pc.has("c_n")) {
                assertClose(pc.floats("c_n"), out.cn().toArray(), name + " c_n");
            }
        }
    }

    @Test
    void lstmTwoLayersBidirectional() throws Exception {
        checkRecurrent("lstm", LSTM.builder(3, 4).numLayers(2).bidirectional(true).build());
    }

    @Test
    void gru() throws Exception {
        checkRecurrent("gru", new GRU(3, 4));
    }

    @Test
    void rnnRelu() throws Exception {
        checkRecurrent("rnn_relu", RNN.builder(3, 4).nonlinearity("relu").build());
    }

    /** A model exported from PyTorch as the README says (config in the metadata) builds from the file alone. */
    @Test
    void lstmExportedWithItsConfigurationBuildsFromTheFileAlone() throws Exception {
        Path dir = resource("lstm.json").getParent().resolveSibling("nn");
        LSTM lstm = LSTM.load(dir.resolve("lstm_exported.safetensors"));
        assertEquals(2, lstm.numLayers());
        assertTrue(lstm.batchFirst());
        assertEquals(0.2f, lstm.rnnConfig().dropout());
        ParityCase pc = ParityCase.read(dir.resolve("lstm_exported.json"));
        lstm.eval();
        try (Tape tape = new Tape()) {
            RecurrentOutput out = lstm.forward(Tensor.fromArray(pc.floats("x"), pc.shape("x")));
            assertArrayEquals(pc.shape("output"), out.output().shape());
            assertClose(pc.floats("output"), out.output().toArray(), "exported output");
            assertClose(pc.floats("h_n"), out.hn().toArray(), "exported h_n");
            assertClose(pc.floats("c_n"), out.cn().toArray(), "exported c_n");
        }
    }

    @Test
    void linear() throws Exception {
        Linear linear = new Linear(4, 5);
        ParityCase pc = load("linear", linear);
        try (Tape tape = new Tape()) {
            Tensor y = linear.forward(Tensor.fromArray(pc.floats("x"), pc.shape("x")));
            assertArrayEquals(pc.shape("y"), y.shape());
            assertClose(pc.floats("y"), y.toArray(), "linear y");
        }
    }

    @Test
    void embedding() throws Exception {
        Embedding emb = new Embedding(7, 3, 0L);
        ParityCase pc = load("embedding", emb);
        try (Tape tape = new Tape()) {
            Tensor y = emb.forward(pc.ints("x"), pc.shape("x"));
            assertArrayEquals(pc.shape("y"), y.shape());
            assertClose(pc.floats("y"), y.toArray(), "embedding y");
        }
    }
}
