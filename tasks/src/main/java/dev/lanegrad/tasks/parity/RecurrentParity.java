package dev.lanegrad.tasks.parity;

import dev.lanegrad.io.ParityCase;
import dev.lanegrad.models.rnn.FloatView;
import dev.lanegrad.models.rnn.Rnn;
import dev.lanegrad.models.rnn.RnnConfig;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.models.rnn.RnnParameters;
import dev.lanegrad.models.rnn.RnnWorkspace;
import dev.lanegrad.models.rnn.TimeMajor;

/**
 * A recurrent case (nn.RNN / nn.LSTM / nn.GRU) through the {@link Rnn} core. The file's loss is
 * sum(output * R) + sum(h_n * Rh) (+ sum(c_n * Rc)), so R, Rh and Rc are the upstream gradients of
 * output, h_n and c_n. With batch_first, x, output, R and grad.x are [B, T, *] in the file (states
 * stay [L*D, B, H], as in PyTorch) and are swapped to and from the core's time-major layout.
 */
final class RecurrentParity {

    private RecurrentParity() {
    }

    static boolean handles(String module) {
        return "RNN".equals(module) || "LSTM".equals(module) || "GRU".equals(module);
    }

    /** The configuration a case describes; bias defaults to true and bidirectional to false, as in PyTorch. */
    static RnnConfig config(ParityCase pc) {
        String module = pc.string("module");
        RnnMode mode = switch (module) {
            case "LSTM" -> RnnMode.LSTM;
            case "GRU" -> RnnMode.GRU;
            case "RNN" -> switch (String.valueOf(pc.field("nonlinearity"))) {
                case "relu" -> RnnMode.RNN_RELU;
                case "tanh", "null" -> RnnMode.RNN_TANH;
                default -> throw new IllegalArgumentException(pc.source() + ": nonlinearity " + pc.field("nonlinearity")
                        + ", expected tanh or relu");
            };
            default -> throw new IllegalArgumentException(pc.source() + ": module " + module + ", expected RNN, LSTM or GRU");
        };
        boolean bias = pc.field("bias") == null || pc.flag("bias");
        return new RnnConfig(mode, pc.integer("input_size"), pc.integer("hidden_size"), pc.integer("num_layers"),
                bias, pc.flag("bidirectional"), 0f);
    }

    /** The parameters of the case, checked to be exactly those of its configuration (no missing, no extra). */
    static RnnParameters parameters(ParityCase pc, RnnConfig cfg) {
        RnnParameters p = new RnnParameters(cfg);
        for (String name : pc.tensors().keySet()) {
            if ((name.startsWith("weight_") || name.startsWith("bias_")) && !p.has(name)) {
                throw new IllegalArgumentException(pc.source() + ": tensor " + name + " is not a parameter of " + cfg
                        + " (its parameters: " + p.names() + ")");
            }
        }
        for (String name : p.names()) {
            p.set(name, pc.floats(name));
        }
        return p;
    }

    static void compare(ParityCase pc, Comparison cmp) {
        RnnConfig cfg = config(pc);
        Rnn rnn = new Rnn(parameters(pc, cfg));
        boolean lstm = cfg.mode().hasCell();
        boolean batchFirst = pc.flag("batch_first");

        FloatView x = timeMajor(view(pc, "x"), batchFirst);
        int T = x.dim(0);
        int B = x.dim(1);
        int S = cfg.stateCount();
        int H = cfg.hiddenSize();
        FloatView h0 = pc.has("h0") ? view(pc, "h0") : null;
        FloatView c0 = lstm && pc.has("c0") ? view(pc, "c0") : null;
        FloatView out = FloatView.zeros(T, B, cfg.outputSize());
        FloatView hn = FloatView.zeros(S, B, H);
        FloatView cn = lstm ? FloatView.zeros(S, B, H) : null;
        RnnWorkspace ws = rnn.newWorkspace();
        rnn.forward(ws, x, null, h0, c0, true, 1L, out, hn, cn);

        FloatView outFile = batchFirst ? TimeMajor.swapLeadingAxes(out) : out;
        check(cmp, "output", outFile);
        check(cmp, "h_n", hn);
        if (lstm) {
            check(cmp, "c_n", cn);
        }

        FloatView r = pc.has("R") ? timeMajor(view(pc, "R"), batchFirst) : null;
        FloatView rh = pc.has("Rh") ? view(pc, "Rh") : null;
        FloatView rc = lstm && pc.has("Rc") ? view(pc, "Rc") : null;
        cmp.check("loss", dot(out, r) + dot(hn, rh) + (lstm ? dot(cn, rc) : 0));

        RnnParameters grads = new RnnParameters(cfg);
        FloatView dx = FloatView.zeros(x.shape());
        FloatView dh0 = FloatView.zeros(S, B, H);
        FloatView dc0 = lstm ? FloatView.zeros(S, B, H) : null;
        rnn.backward(ws, r, rh, rc, grads, dx, dh0, dc0);
        for (String name : grads.names()) {
            check(cmp, "grad." + name, FloatView.of(grads.get(name), grads.shape(name)));
        }
        check(cmp, "grad.x", batchFirst ? TimeMajor.swapLeadingAxes(dx) : dx);
        check(cmp, "grad.h0", dh0);
        if (lstm) {
            check(cmp, "grad.c0", dc0);
        }
    }

    private static void check(Comparison cmp, String name, FloatView mine) {
        cmp.check(name, mine.shape(), mine.toArray());
    }

    private static FloatView view(ParityCase pc, String name) {
        return FloatView.of(pc.floats(name), pc.shape(name));
    }

    private static FloatView timeMajor(FloatView v, boolean batchFirst) {
        return batchFirst ? TimeMajor.swapLeadingAxes(v) : v;
    }

    /** sum(a * b) in double; 0 when b is absent (that term of the loss is missing). */
    private static double dot(FloatView a, FloatView b) {
        if (b == null) {
            return 0;
        }
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("loss weights " + b + " do not match " + a);
        }
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += (double) a.data()[a.offset() + i] * b.data()[b.offset() + i];
        }
        return s;
    }
}
