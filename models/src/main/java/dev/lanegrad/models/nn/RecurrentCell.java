package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.rnn.RnnConfig;
import dev.lanegrad.models.rnn.RnnMode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One step of a recurrent cell as a tape op (trainable): PyTorch's nn.RNNCell / nn.LSTMCell / nn.GRUCell
 * with parameters {@code weight_ih} [G*H, I], {@code weight_hh} [G*H, H], {@code bias_ih}, {@code bias_hh}
 * [G*H]. A step runs the same code as a 1-layer layer over one time step (one tape node), so a cell equals
 * such a layer with the same weights. See {@link LSTMCell}, {@link GRUCell}, {@link RNNCell}.
 */
public abstract class RecurrentCell extends Module {

    private final RnnConfig cfg;
    private final RecurrentCore core;

    RecurrentCell(RnnMode mode, int inputSize, int hiddenSize, boolean bias, long seed) {
        cfg = new RnnConfig(mode, inputSize, hiddenSize, 1, bias, false, 0f);
        // PyTorch names a cell's parameters as a layer's without the layer suffix: weight_ih, not weight_ih_l0
        core = RecurrentCore.initialised(mode.name().toLowerCase(java.util.Locale.ROOT) + "Cell", cfg, seed,
                (name, t) -> register(name.substring(0, name.length() - "_l0".length()), t));
    }

    public final int inputSize() {
        return cfg.inputSize();
    }

    public final int hiddenSize() {
        return cfg.hiddenSize();
    }

    /** x [B, I], h and c [B, H] or null (zeros): {h', c'} each [B, H] (c' null unless LSTM). */
    final Tensor[] step(Tensor x, Tensor h, Tensor c) {
        int i = cfg.inputSize();
        int hs = cfg.hiddenSize();
        if (x == null || x.rank() != 2 || x.dim(1) != i || x.dim(0) < 1) {
            throw new IllegalArgumentException("x has shape " + (x == null ? "null" : shape(x.shape())) + ", expected [*, " + i + "]");
        }
        int b = x.dim(0);
        int[] stateShape = {b, hs};
        RecurrentLayer.checkState("h", h, stateShape);
        RecurrentLayer.checkState("c", c, stateShape);
        Tensor[] outs = core.apply(x.reshape(1, b, i), null, h == null ? null : h.reshape(1, b, hs),
                c == null ? null : c.reshape(1, b, hs), false, false, 0L);
        // outs[0] (output at the one step) equals outs[1] (h_n); use h_n so both states come from one place
        return new Tensor[] {outs[1].reshape(b, hs), outs.length > 2 ? outs[2].reshape(b, hs) : null};
    }

    @Override
    public Map<String, String> config() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("module", getClass().getSimpleName());
        m.put("mode", cfg.mode().name());
        m.put("input_size", Integer.toString(cfg.inputSize()));
        m.put("hidden_size", Integer.toString(cfg.hiddenSize()));
        m.put("bias", Boolean.toString(cfg.bias()));
        return m;
    }
}
