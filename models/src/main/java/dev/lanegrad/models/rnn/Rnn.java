package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.Kernels;
import dev.lanegrad.engine.RecurrentKernels;


/**
 * A stack of RNN / LSTM / GRU layers with PyTorch's semantics, computed directly on float arrays
 * with the engine's kernels (no autograd): a forward that saves what its backward needs in an
 * {@link RnnWorkspace}, and a backward that ACCUMULATES parameter gradients into an
 * {@link RnnParameters} and input / initial-state gradients into the given views. A tape wraps one
 * forward + backward pair as ONE coarse node.
 *
 * Layout is time-major: x [T, B, I], output [T, B, D*H] (features [0, H) forward, [H, 2H) reverse),
 * h0 / h_n / c0 / c_n [L*D, B, H] with entry k*D + d for layer k, direction d.
 *
 * <h2>Variable lengths</h2>
 * {@code lengths[b]} in [1, T] (like PyTorch's pack_padded_sequence, which rejects 0) says that row b
 * holds a sequence right-padded to T. Outputs past a length are zero; h_n / c_n of row b are the
 * state after its last valid step (reverse direction: after reading step 0, having started at step
 * lengths[b] - 1 from h0); padded x values affect nothing. Like PyTorch's packed sequences, the rows
 * are sorted by decreasing length (stable) once per forward and packed: the rows still running at step t
 * are a PREFIX of size batchSizes[t], and every buffer holds only the sum(lengths) valid tokens. The input
 * projection, the bias adds, each step's GEMM and fused kernel, and in backward the weight and input
 * gradients all run on valid tokens only, with no per-row masking. The price is one gather of x / h0 and
 * one scatter of the outputs, O(tokens*(I + D*H)), with no per-step allocation.
 *
 * <h2>Pieces</h2>
 * This class checks arguments and hands over to {@link LayerStack} (packing, layers, dropout between
 * them), {@link Layer} (one layer: input projection, both directions, weight gradients), {@link TimeLoop}
 * (a direction's steps) and {@link Cell} (one step of LSTM, GRU or RNN); streaming is {@link StreamStep}.
 *
 * <h2>Threads</h2>
 * An Rnn only reads its parameters; any number of threads may run forward (each with its own
 * workspace) or {@link #step} (each stream with its own {@link RnnStreamState}) at once, as long as
 * nobody writes the parameters meanwhile.
 */
public final class Rnn {

    /** Batches of at least this many rows run their time loops split over two threads (see BatchSplit). */
    static final int SPLIT_MIN_ROWS = Integer.getInteger("lanegrad.rnn.splitMinRows", 8);

    private final RnnConfig config;
    private final RnnParameters params;
    private final LayerStack stack;
    private final StreamStep stream;

    public Rnn(RnnParameters params) {
        this(params, Kernels.gemm(), Kernels.ops(), Kernels.recurrent());
    }

    /** With explicit kernels (e.g. {@code Kernels.scalar()}'s, to test against the specification). */
    public Rnn(RnnParameters params, Gemm gemm, ArrayOps ops, RecurrentKernels cells) {
        if (params == null) {
            throw new IllegalArgumentException("params is null");
        }
        this.config = params.config();
        this.params = params;
        Cell cell = Cell.of(config, cells, ops);
        this.stack = new LayerStack(params, ops, new Layer(params, gemm, ops, cell));
        this.stream = new StreamStep(params, gemm, ops, cell);
    }

    public RnnConfig config() {
        return config;
    }

    public RnnParameters parameters() {
        return params;
    }

    public RnnWorkspace newWorkspace() {
        return new RnnWorkspace();
    }

    /** Outputs of {@link #run}. cn is null unless LSTM. */
    public record Result(FloatView output, FloatView hn, FloatView cn) {
    }

    /** Convenience for inference and tests: allocates a workspace and the outputs (eval mode). */
    public Result run(FloatView x, int[] lengths, FloatView h0, FloatView c0) {
        RnnArguments.checkInput(config, x);
        int t = x.dim(0);
        int b = x.dim(1);
        FloatView out = FloatView.zeros(t, b, config.outputSize());
        FloatView hn = FloatView.zeros(config.stateCount(), b, config.hiddenSize());
        FloatView cn = config.mode().hasCell() ? FloatView.zeros(config.stateCount(), b, config.hiddenSize()) : null;
        infer(new RnnWorkspace(), x, lengths, h0, c0, out, hn, cn);
        return new Result(out, hn, cn);
    }

    /**
     * Runs the stack over a whole sequence and saves what {@link #backward} needs in ws.
     *
     * @param x           [T, B, I], T >= 1, B >= 1
     * @param lengths     null (every row has length T) or int[B] with values in [1, T]
     * @param h0          null (zeros) or [L*D, B, H]
     * @param c0          LSTM only: null (zeros) or [L*D, B, H]
     * @param training    dropout between layers only when true
     * @param dropoutSeed seeds the dropout masks (same seed, same masks)
     * @param out         written: [T, B, D*H]; zero past each row's length
     * @param hn          written if not null: [L*D, B, H]
     * @param cn          LSTM only, written if not null: [L*D, B, H]
     */
    public void forward(RnnWorkspace ws, FloatView x, int[] lengths, FloatView h0, FloatView c0,
                        boolean training, long dropoutSeed, FloatView out, FloatView hn, FloatView cn) {
        pass(ws, true, x, lengths, h0, c0, training, dropoutSeed, out, hn, cn);
    }

    /**
     * The same outputs as {@link #forward} in eval mode (the same floats), saving nothing for a backward: a
     * batch projected step by step (see StepProjection) keeps each step's gates only through that step, in
     * the first rows of the gate buffer, instead of writing every step's 4H (LSTM) values for backward, and an
     * LSTM's cell state in two blocks of B rows instead of its history. For S5 (LSTM, B = 64, T = 50) that is
     * 256 + 64 KB per step that stay in L2 instead of 13 + 3.3 MB per forward.
     * {@link #backward} on ws afterwards throws.
     */
    public void infer(RnnWorkspace ws, FloatView x, int[] lengths, FloatView h0, FloatView c0,
                      FloatView out, FloatView hn, FloatView cn) {
        pass(ws, false, x, lengths, h0, c0, false, 0L, out, hn, cn);
    }

    private void pass(RnnWorkspace ws, boolean saving, FloatView x, int[] lengths, FloatView h0, FloatView c0,
                      boolean training, long dropoutSeed, FloatView out, FloatView hn, FloatView cn) {
        if (ws == null) {
            throw new IllegalArgumentException("workspace is null");
        }
        ws.forwardDone = false;
        ws.saving = saving;
        RnnArguments.checkInput(config, x);
        final int T = x.dim(0);
        final int B = x.dim(1);
        RnnArguments.checkLengths(lengths, T, B);
        RnnArguments.checkStates(config, "h0", h0, "c0", c0, B);
        RnnArguments.checkShape("output", out, false, T, B, config.outputSize());
        RnnArguments.checkStates(config, "h_n", hn, "c_n", cn, B);
        stack.forward(ws, x, lengths, h0, c0, training, dropoutSeed, out, hn, cn);
    }

    /**
     * Backward of the last {@link #forward} run with ws. Every gradient ACCUMULATES (+=).
     *
     * @param dOut  null (zeros) or [T, B, D*H]: d loss / d output (values past a length are ignored)
     * @param dHn   null (zeros) or [L*D, B, H]
     * @param dCn   LSTM only: null (zeros) or [L*D, B, H]
     * @param grads null (no parameter gradients) or gradient buffers of this configuration
     * @param dx    null (not needed) or [T, B, I]; padded positions receive nothing
     * @param dh0   null or [L*D, B, H]
     * @param dc0   LSTM only: null or [L*D, B, H]
     */
    public void backward(RnnWorkspace ws, FloatView dOut, FloatView dHn, FloatView dCn,
                         RnnParameters grads, FloatView dx, FloatView dh0, FloatView dc0) {
        if (ws == null || !ws.forwardDone || ws.filledBy != params) {
            throw new IllegalStateException("backward needs a workspace filled by this network's forward");
        }
        if (!ws.saving) {
            throw new IllegalStateException("backward needs a workspace filled by forward; this one was last filled by"
                    + " infer, which saves nothing for backward");
        }
        final int T = ws.steps;
        final int B = ws.batch;
        RnnArguments.checkShape("dOutput", dOut, true, T, B, config.outputSize());
        RnnArguments.checkStates(config, "dh_n", dHn, "dc_n", dCn, B);
        RnnArguments.checkShape("dx", dx, true, T, B, config.inputSize());
        RnnArguments.checkStates(config, "dh0", dh0, "dc0", dc0, B);
        if (grads != null && !grads.config().equals(config)) {
            throw new IllegalArgumentException("grads are for " + grads.config() + ", expected " + config);
        }
        stack.backward(ws, dOut, dHn, dCn, grads, dx, dh0, dc0);
    }

    /** A fresh per-stream state (zeros) for batches of the given size; needs a unidirectional stack. */
    public RnnStreamState newStreamState(int batch) {
        if (config.bidirectional()) {
            throw new IllegalStateException("step-by-step inference needs a unidirectional network: "
                    + "the reverse direction reads the sequence from its end");
        }
        return new RnnStreamState(config, batch);
    }

    /**
     * One time step for a batch: reads x [B, I] and the state, writes the new state into the state and
     * the last layer's h into out [B, H]. Parameters are only read, so many streams may step at once.
     * Stepping T times equals one T-step {@link #forward} (eval mode).
     */
    public void step(RnnStreamState state, FloatView x, FloatView out) {
        if (state == null || !state.config().equals(config)) {
            throw new IllegalArgumentException("the stream state was not made by a network of this configuration");
        }
        RnnArguments.checkShape("x", x, false, state.batch(), config.inputSize());
        RnnArguments.checkShape("out", out, true, state.batch(), config.hiddenSize());
        stream.step(state, x, out);
    }
}
