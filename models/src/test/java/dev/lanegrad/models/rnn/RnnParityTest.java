package dev.lanegrad.models.rnn;

import dev.lanegrad.models.io.ParityCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every recurrent golden file of shared/parity: outputs, final states and every gradient. */
class RnnParityTest {

    static List<String> cases() {
        List<String> names = new ArrayList<>();
        for (String module : new String[] {"rnn_tanh", "rnn_relu", "lstm", "gru"}) {
            for (String shape : new String[] {"L1", "L2", "bi_L1", "bi_L2"}) {
                for (String dtype : new String[] {"f64", "f32"}) {
                    names.add(module + "_" + shape + "_" + dtype + ".json");
                }
            }
        }
        return names;
    }

    static ParityCase read(String file) throws Exception {
        return ParityCase.read(resource("/parity/" + file));
    }

    static Path resource(String name) throws URISyntaxException {
        var url = RnnParityTest.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        return Path.of(url.toURI());
    }

    static RnnConfig configOf(ParityCase pc) {
        String module = pc.string("module");
        RnnMode mode = switch (module) {
            case "LSTM" -> RnnMode.LSTM;
            case "GRU" -> RnnMode.GRU;
            case "RNN" -> "relu".equals(pc.string("nonlinearity")) ? RnnMode.RNN_RELU : RnnMode.RNN_TANH;
            default -> throw new IllegalArgumentException(pc.source() + ": module " + module);
        };
        return new RnnConfig(mode, pc.integer("input_size"), pc.integer("hidden_size"), pc.integer("num_layers"),
                pc.flag("bias"), pc.flag("bidirectional"), 0f);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(String file) throws Exception {
        ParityCase pc = read(file);
        RnnConfig cfg = configOf(pc);
        RnnParameters p = new RnnParameters(cfg);
        for (String name : p.names()) {
            p.set(name, pc.floats(name));
        }
        long inCase = pc.tensors().keySet().stream().filter(n -> n.startsWith("weight_") || n.startsWith("bias_")).count();
        assertEquals(inCase, p.names().size(), file + ": parameter names " + p.names());
        Rnn rnn = new Rnn(p);
        boolean lstm = cfg.mode().hasCell();

        FloatView x = view(pc, "x");
        FloatView h0 = view(pc, "h0");
        FloatView c0 = lstm ? view(pc, "c0") : null;
        FloatView out = FloatView.zeros(pc.shape("output"));
        FloatView hn = FloatView.zeros(pc.shape("h_n"));
        FloatView cn = lstm ? FloatView.zeros(pc.shape("c_n")) : null;
        RnnWorkspace ws = rnn.newWorkspace();
        rnn.forward(ws, x, null, h0, c0, true, 1L, out, hn, cn);
        assertClose(file, "output", pc.doubles("output"), out.toArray());
        assertClose(file, "h_n", pc.doubles("h_n"), hn.toArray());
        if (lstm) {
            assertClose(file, "c_n", pc.doubles("c_n"), cn.toArray());
        }

        RnnParameters grads = new RnnParameters(cfg);
        FloatView dx = FloatView.zeros(x.shape());
        FloatView dh0 = FloatView.zeros(h0.shape());
        FloatView dc0 = lstm ? FloatView.zeros(c0.shape()) : null;
        rnn.backward(ws, view(pc, "R"), view(pc, "Rh"), lstm ? view(pc, "Rc") : null, grads, dx, dh0, dc0);
        for (String name : grads.names()) {
            assertClose(file, "grad." + name, pc.doubles("grad." + name), grads.get(name));
        }
        assertClose(file, "grad.x", pc.doubles("grad.x"), dx.toArray());
        assertClose(file, "grad.h0", pc.doubles("grad.h0"), dh0.toArray());
        if (lstm) {
            assertClose(file, "grad.c0", pc.doubles("grad.c0"), dc0.toArray());
        }
    }

    static FloatView view(ParityCase pc, String name) {
        return FloatView.of(pc.floats(name), pc.shape(name));
    }

    /** |mine - ref| <= 1e-5 + 1e-4 |ref| element by element. */
    static void assertClose(String file, String what, double[] ref, float[] mine) {
        assertEquals(ref.length, mine.length, file + ": " + what + " length");
        for (int i = 0; i < ref.length; i++) {
            double tol = 1e-5 + 1e-4 * Math.abs(ref[i]);
            double diff = Math.abs(mine[i] - ref[i]);
            int at = i;
            assertTrue(diff <= tol, () -> file + ": " + what + "[" + at + "] = " + mine[at] + ", PyTorch " + ref[at]
                    + " (|diff| " + diff + " > " + tol + ")");
        }
    }
}
