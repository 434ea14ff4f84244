package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.io.Checkpoint;
import dev.lanegrad.io.NamedTensor;
import dev.lanegrad.io.ParityCase;
import dev.lanegrad.models.rnn.FloatView;
import dev.lanegrad.models.rnn.RnnConfig;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.models.rnn.TimeMajor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 32 recurrent golden files of shared/parity through the Module API (one tape node, the tape's
 * backward): outputs, final states and every gradient (parameters, x, h0, c0) within 1e-5 + 1e-4 |ref|,
 * time-major and batch-first (the case's tensors with their first two axes swapped).
 */
class ModuleParityTest {

    static List<String> cases() {
        List<String> names = new ArrayList<>();
        for (String module : new String[] {"rnn_tanh", "rnn_relu", "lstm", "gru"}) {
            for (String shape : new String[] {"L1", "L2", "bi_L1", "bi_L2"}) {
                for (String dtype : new String[] {"f64", "f32"}) {
                    for (String layout : new String[] {"time-major", "batch-first"}) {
                        names.add(module + "_" + shape + "_" + dtype + ".json " + layout);
                    }
                }
            }
        }
        return names;
    }

    private static float[] swap(float[] v, int[] shape) {
        return TimeMajor.swapLeadingAxes(FloatView.of(v, shape)).toArray();
    }

    private static int[] swapped(int[] s) {
        return new int[] {s[1], s[0], s[2]};
    }

    static void assertClose(String file, String what, float[] ref, float[] mine) {
        assertEquals(ref.length, mine.length, file + ": " + what + " length");
        for (int i = 0; i < ref.length; i++) {
            double tol = 1e-5 + 1e-4 * Math.abs(ref[i]);
            assertTrue(Math.abs(mine[i] - ref[i]) <= tol, file + ": " + what + "[" + i + "] = " + mine[i] + ", PyTorch " + ref[i]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(String name) throws Exception {
        String file = name.substring(0, name.indexOf(' '));
        boolean bf = name.endsWith("batch-first");
        ParityCase pc = ParityCase.read(PyTorchFixtureTest.testData("/parity/" + file));
        RnnMode mode = switch (pc.string("module")) {
            case "LSTM" -> RnnMode.LSTM;
            case "GRU" -> RnnMode.GRU;
            default -> "relu".equals(pc.string("nonlinearity")) ? RnnMode.RNN_RELU : RnnMode.RNN_TANH;
        };
        RnnConfig cfg = new RnnConfig(mode, pc.integer("input_size"), pc.integer("hidden_size"), pc.integer("num_layers"),
                pc.flag("bias"), pc.flag("bidirectional"), 0f);
        RecurrentLayer layer = RecurrentLayer.of(cfg, bf, 0L);
        List<NamedTensor> state = new ArrayList<>();
        for (String p : layer.namedParameters().keySet()) {
            state.add(new NamedTensor(p, pc.shape(p), pc.floats(p)));
        }
        layer.loadStateDict(new Checkpoint(file, state, Map.of()));
        boolean lstm = mode == RnnMode.LSTM;
        int[] xs = pc.shape("x");
        int[] os = pc.shape("output");
        Tensor x = bf ? Tensor.fromArray(swap(pc.floats("x"), xs), swapped(xs)) : Tensor.fromArray(pc.floats("x"), xs);
        x.requiresGrad(true);
        Tensor r = bf ? Tensor.fromArray(swap(pc.floats("R"), os), swapped(os)) : Tensor.fromArray(pc.floats("R"), os);
        Tensor h0 = Tensor.fromArray(pc.floats("h0"), pc.shape("h0")).requiresGrad(true);
        Tensor c0 = lstm ? Tensor.fromArray(pc.floats("c0"), pc.shape("c0")).requiresGrad(true) : null;
        try (Tape tape = new Tape()) {
            RecurrentOutput o = layer.forward(x, null, h0, c0);
            float[] out = o.output().toArray();
            assertClose(name, "output", pc.floats("output"), bf ? swap(out, swapped(os)) : out);
            assertClose(name, "h_n", pc.floats("h_n"), o.hn().toArray());
            Tensor loss = Ops.add(Ops.sum(Ops.mul(o.output(), r)),
                    Ops.sum(Ops.mul(o.hn(), Tensor.fromArray(pc.floats("Rh"), pc.shape("Rh")))));
            if (lstm) {
                assertClose(name, "c_n", pc.floats("c_n"), o.cn().toArray());
                loss = Ops.add(loss, Ops.sum(Ops.mul(o.cn(), Tensor.fromArray(pc.floats("Rc"), pc.shape("Rc")))));
            }
            tape.backward(loss);
        }
        layer.namedParameters().forEach((p, t) -> assertClose(name, "grad." + p, pc.floats("grad." + p), t.gradToArray()));
        float[] dx = x.gradToArray();
        assertClose(name, "grad.x", pc.floats("grad.x"), bf ? swap(dx, swapped(xs)) : dx);
        assertClose(name, "grad.h0", pc.floats("grad.h0"), h0.gradToArray());
        if (lstm) {
            assertClose(name, "grad.c0", pc.floats("grad.c0"), c0.gradToArray());
        }
    }
}
