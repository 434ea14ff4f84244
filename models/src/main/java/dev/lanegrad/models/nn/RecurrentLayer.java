package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.io.Checkpoint;
import dev.lanegrad.io.SafeTensors;
import dev.lanegrad.models.rnn.RnnConfig;
import dev.lanegrad.models.rnn.RnnMode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A stack of recurrent layers with PyTorch's nn.RNN / nn.LSTM / nn.GRU meaning, parameters, names and
 * initialisation (uniform in [-1/sqrt(H), 1/sqrt(H)], seeded). See {@link LSTM}, {@link GRU}, {@link RNN}.
 *
 * <p>{@code forward(x, lengths, h0, c0)} takes x [T, B, I] (or [B, T, I] when batchFirst), optional
 * per-row lengths in [1, T], optional initial states [L*D, B, H], and returns output [T, B, D*H] (or
 * [B, T, D*H]) with zeros past each row's length, and h_n (c_n) [L*D, B, H] taken at each row's last
 * valid step, exactly as PyTorch (with packed sequences for lengths). The whole call is ONE tape node
 * calling {@link dev.lanegrad.models.rnn.Rnn} directly; see {@link RecurrentCore} for how workspaces are
 * reused. Dropout between layers runs in training mode only; its seed advances per call from the
 * layer's seed.
 *
 * <p>Streaming inference: {@link #newStream(int)} (unidirectional stacks only).
 */
public abstract class RecurrentLayer extends Module {

    private final RnnConfig cfg;
    private final boolean batchFirst;
    private final long seed;
    private final RecurrentCore core;
    private final AtomicLong dropoutCalls = new AtomicLong();

    RecurrentLayer(RnnConfig cfg, boolean batchFirst, long seed) {
        String module = getClass().getSimpleName();
        if (!moduleName(cfg.mode()).equals(module)) {
            throw new IllegalArgumentException("a " + module + " needs mode " + Arrays.stream(RnnMode.values())
                    .filter(m -> moduleName(m).equals(module)).map(RnnMode::name).collect(Collectors.joining(" or "))
                    + ", got " + cfg.mode());
        }
        this.cfg = cfg;
        this.batchFirst = batchFirst;
        this.seed = seed;
        core = RecurrentCore.initialised(cfg.mode().name().toLowerCase(java.util.Locale.ROOT), cfg, seed, this::register);
    }

    public final RnnConfig rnnConfig() {
        return cfg;
    }

    public final int inputSize() {
        return cfg.inputSize();
    }

    public final int hiddenSize() {
        return cfg.hiddenSize();
    }

    public final int numLayers() {
        return cfg.numLayers();
    }

    public final boolean bidirectional() {
        return cfg.bidirectional();
    }

    public final boolean batchFirst() {
        return batchFirst;
    }

    /** The parameter called name (PyTorch's, e.g. {@code weight_hh_l1_reverse}). */
    public final Tensor parameter(String name) {
        Tensor t = namedParameters().get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter " + name + " in " + this + "; it has " + namedParameters().keySet());
        }
        return t;
    }

    // ---- forward ----

    public final RecurrentOutput forward(Tensor x) {
        return forward(x, null, null, null);
    }

    public final RecurrentOutput forward(Tensor x, int[] lengths) {
        return forward(x, lengths, null, null);
    }

    /** With the initial state of a {@link State} (null for zeros), e.g. carried over from the last TBPTT window. */
    public final RecurrentOutput forward(Tensor x, int[] lengths, State state) {
        return state == null ? forward(x, lengths, null, null) : forward(x, lengths, state.h(), state.c());
    }

    /**
     * The stack over the whole sequence, as one tape node.
     *
     * @param x       [T, B, I], or [B, T, I] when batchFirst
     * @param lengths null (all T) or int[B] with values in [1, T] (the array is kept until backward)
     * @param h0      null (zeros) or [L*D, B, H]
     * @param c0      LSTM only: null (zeros) or [L*D, B, H]
     */
    public RecurrentOutput forward(Tensor x, int[] lengths, Tensor h0, Tensor c0) {
        int i = cfg.inputSize();
        if (x == null || x.rank() != 3 || x.dim(2) != i || x.dim(0) < 1 || x.dim(1) < 1) {
            throw new IllegalArgumentException("x has shape " + (x == null ? "null" : shape(x.shape())) + ", expected [*, *, "
                    + i + "] (" + (batchFirst ? "[B, T, I]: batchFirst" : "[T, B, I]: time-major") + ")");
        }
        int t = x.dim(batchFirst ? 1 : 0);
        int b = x.dim(batchFirst ? 0 : 1);
        if (lengths != null) {
            if (lengths.length != b) {
                throw new IllegalArgumentException("lengths has " + lengths.length + " entries, expected one per row of the batch, "
                        + b);
            }
            for (int r = 0; r < b; r++) {
                if (lengths[r] < 1 || lengths[r] > t) {
                    throw new IllegalArgumentException("lengths[" + r + "] = " + lengths[r] + ", expected in [1, " + t + "]");
                }
            }
        }
        int[] stateShape = {cfg.stateCount(), b, cfg.hiddenSize()};
        checkState("h0", h0, stateShape);
        if (c0 != null && !cfg.mode().hasCell()) {
            throw new IllegalArgumentException("c0 given, but a " + cfg.mode() + " has no cell state (only LSTM does)");
        }
        checkState("c0", c0, stateShape);
        long dropSeed = isTraining() && cfg.dropout() > 0f && cfg.numLayers() > 1
                ? seed * 0x9E3779B97F4A7C15L + dropoutCalls.getAndIncrement() : 0L;
        Tensor[] outs = core.apply(x, lengths, h0, c0, batchFirst, isTraining(), dropSeed);
        return new RecurrentOutput(outs[0], outs[1], outs.length > 2 ? outs[2] : null);
    }

    /** Training calls with dropout so far (each draws the masks of its own seed); saved to resume a run. */
    public final long dropoutCalls() {
        return dropoutCalls.get();
    }

    /** Continues the dropout masks after {@code calls} training calls (when resuming a run). */
    public final void setDropoutCalls(long calls) {
        dropoutCalls.set(calls);
    }

    static void checkState(String name, Tensor s, int[] expected) {
        if (s != null && !Arrays.equals(s.shape(), expected)) {
            throw new IllegalArgumentException(name + " has shape " + shape(s.shape()) + ", expected " + shape(expected)
                    + " ([L*D, B, H])");
        }
    }

    // ---- streaming ----

    /**
     * A new stream of step-by-step inference for `batch` rows, with its own state (zeros). The layer's
     * weights are shared read-only, so every thread may run its own streams at once; stepping T times gives
     * the output of one T-step forward in eval mode. Not for bidirectional stacks (the reverse direction
     * needs the end of the sequence first): IllegalStateException.
     */
    public final RecurrentStream newStream(int batch) {
        return new RecurrentStream(core.rnn, core.rnn.newStreamState(batch));
    }

    /** Drops this thread's pooled workspaces of this layer (they are made again when needed). */
    public final void releaseWorkspaces() {
        core.releaseWorkspaces();
    }

    // ---- configuration ----

    @Override
    public Map<String, String> config() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("module", moduleName());
        m.put("mode", cfg.mode().name());
        m.put("input_size", Integer.toString(cfg.inputSize()));
        m.put("hidden_size", Integer.toString(cfg.hiddenSize()));
        m.put("num_layers", Integer.toString(cfg.numLayers()));
        m.put("bias", Boolean.toString(cfg.bias()));
        m.put("batch_first", Boolean.toString(batchFirst));
        m.put("dropout", Float.toString(cfg.dropout()));
        m.put("bidirectional", Boolean.toString(cfg.bidirectional()));
        if (cfg.mode() == RnnMode.RNN_TANH || cfg.mode() == RnnMode.RNN_RELU) {
            m.put("nonlinearity", cfg.mode() == RnnMode.RNN_RELU ? "relu" : "tanh");
        }
        return m;
    }

    /** "LSTM", "GRU" or "RNN": PyTorch's class name, which the layer classes here share. */
    final String moduleName() {
        return moduleName(cfg.mode());
    }

    private static String moduleName(RnnMode mode) {
        return switch (mode) {
            case LSTM -> "LSTM";
            case GRU -> "GRU";
            case RNN_TANH, RNN_RELU -> "RNN";
        };
    }

    /** The layer of cfg's mode: an {@link LSTM}, a {@link GRU} or an {@link RNN}. */
    public static RecurrentLayer of(RnnConfig cfg, boolean batchFirst, long seed) {
        return switch (cfg.mode()) {
            case LSTM -> new LSTM(cfg, batchFirst, seed);
            case GRU -> new GRU(cfg, batchFirst, seed);
            case RNN_TANH, RNN_RELU -> new RNN(cfg, batchFirst, seed);
        };
    }

    @Override
    public String toString() {
        return moduleName() + "(" + cfg.inputSize() + ", " + cfg.hiddenSize() + ", num_layers=" + cfg.numLayers()
                + ", bias=" + cfg.bias() + ", batch_first=" + batchFirst + ", dropout=" + cfg.dropout()
                + ", bidirectional=" + cfg.bidirectional() + (cfg.mode() == RnnMode.RNN_RELU ? ", nonlinearity=relu" : "") + ")";
    }

    /** Builds any recurrent layer from the metadata of a checkpoint written by {@link #save}, and loads it. */
    public static RecurrentLayer load(Path file) throws IOException {
        Checkpoint c = SafeTensors.read(file);
        expectModule(c, "LSTM", "GRU", "RNN");
        RnnMode mode;
        try {
            mode = RnnMode.valueOf(meta(c, "mode"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint " + c.source() + ": mode '" + c.metadata().get("mode")
                    + "' is not one of " + Arrays.toString(RnnMode.values()));
        }
        RnnConfig cfg = new RnnConfig(mode, Integer.parseInt(meta(c, "input_size")), Integer.parseInt(meta(c, "hidden_size")),
                Integer.parseInt(meta(c, "num_layers")), Boolean.parseBoolean(meta(c, "bias")),
                Boolean.parseBoolean(meta(c, "bidirectional")), Float.parseFloat(meta(c, "dropout")));
        RecurrentLayer layer = of(cfg, Boolean.parseBoolean(meta(c, "batch_first")), 0L);
        layer.loadStateDict(c);
        return layer;
    }

    static <L extends RecurrentLayer> L load(Path file, Class<L> type) throws IOException {
        RecurrentLayer l = load(file);
        if (!type.isInstance(l)) {
            throw new IllegalArgumentException("checkpoint " + file + " holds a " + l.moduleName() + ", expected "
                    + type.getSimpleName());
        }
        return type.cast(l);
    }

    /**
     * Options of a recurrent layer, PyTorch's defaults: 1 layer, bias, time-major, no dropout,
     * unidirectional, seed 0, tanh (RNN only).
     */
    public static final class Builder<L extends RecurrentLayer> {
        private final RnnMode defaultMode;
        private final int inputSize;
        private final int hiddenSize;
        private final Factory<L> factory;
        int numLayers = 1;
        boolean bias = true;
        boolean batchFirst;
        float dropout;
        boolean bidirectional;
        long seed;
        String nonlinearity;

        /** A layer class's (config, batchFirst, seed) constructor. */
        interface Factory<L> {
            L make(RnnConfig cfg, boolean batchFirst, long seed);
        }

        Builder(RnnMode mode, int inputSize, int hiddenSize, Factory<L> factory) {
            this.defaultMode = mode;
            this.inputSize = inputSize;
            this.hiddenSize = hiddenSize;
            this.factory = factory;
        }

        public Builder<L> numLayers(int n) {
            numLayers = n;
            return this;
        }

        public Builder<L> bias(boolean b) {
            bias = b;
            return this;
        }

        public Builder<L> batchFirst(boolean b) {
            batchFirst = b;
            return this;
        }

        public Builder<L> dropout(float p) {
            dropout = p;
            return this;
        }

        public Builder<L> bidirectional(boolean b) {
            bidirectional = b;
            return this;
        }

        public Builder<L> seed(long s) {
            seed = s;
            return this;
        }

        /** RNN only: "tanh" (default) or "relu". */
        public Builder<L> nonlinearity(String n) {
            if (defaultMode != RnnMode.RNN_TANH) {
                throw new IllegalArgumentException("nonlinearity is an option of RNN, not of " + defaultMode);
            }
            if (!"tanh".equals(n) && !"relu".equals(n)) {
                throw new IllegalArgumentException("nonlinearity '" + n + "', expected tanh or relu");
            }
            nonlinearity = n;
            return this;
        }

        RnnConfig config() {
            RnnMode mode = "relu".equals(nonlinearity) ? RnnMode.RNN_RELU : defaultMode;
            return new RnnConfig(mode, inputSize, hiddenSize, numLayers, bias, bidirectional, dropout);
        }

        public L build() {
            return factory.make(config(), batchFirst, seed);
        }
    }
}
