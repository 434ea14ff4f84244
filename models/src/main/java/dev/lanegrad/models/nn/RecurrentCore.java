package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.CustomOp;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.rnn.FloatView;
import dev.lanegrad.models.rnn.Rnn;
import dev.lanegrad.models.rnn.RnnConfig;
import dev.lanegrad.models.rnn.RnnParameters;
import dev.lanegrad.models.rnn.RnnWorkspace;
import dev.lanegrad.models.rnn.TimeMajor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What a recurrent layer and a recurrent cell share: an {@link Rnn} reading the parameter tensors' data
 * in place (wrapped once, never copied), the gradient buffers wrapped the same way when first needed,
 * and the workspaces, as one coarse tape node per call ({@link Op}).
 *
 * <p><b>Workspaces.</b> An RnnWorkspace holds what one forward saves for its backward, and it is reused
 * across training steps so that a steady loop allocates nothing. A layer may be applied several times
 * within one tape step (two TBPTT windows, an encoder over two inputs), so each thread keeps a small pool
 * per layer: the k-th recorded call within a tape step takes workspace k; the pool restarts at 0 when the
 * thread's tape moves to a new step ({@link Tape#epoch()}) or another tape. Calls inside {@code noGrad()}
 * save nothing for a backward, so they share one inference workspace per thread. The pool grows to the
 * most uses seen in one step and keeps that memory ({@link #releaseWorkspaces()} drops this thread's).
 */
final class RecurrentCore {

    final RnnConfig cfg;
    final Rnn rnn;
    /** the parameters in the order they are passed to the tape node */
    final Tensor[] params;
    /** PyTorch layer names (weight_ih_l0...) to the tensors holding them */
    private final Map<String, Tensor> byRnnName;
    private final String opName;
    private RnnParameters grads;
    private final float[][] gradArrays;
    private final ThreadLocal<Pool> pools = ThreadLocal.withInitial(Pool::new);

    RecurrentCore(String opName, RnnConfig cfg, Map<String, Tensor> byRnnName) {
        this.opName = opName;
        this.cfg = cfg;
        this.byRnnName = byRnnName;
        this.params = byRnnName.values().toArray(new Tensor[0]);
        this.gradArrays = new float[params.length][];
        this.rnn = new Rnn(RnnParameters.wrap(cfg, (name, shape) -> {
            Tensor t = byRnnName.get(name);
            return t == null ? null : new FloatView(t.data(), t.offset(), shape);
        }));
    }

    /**
     * A core over new parameters: cfg's, initialised as PyTorch does (uniform, from seed), each handed to
     * {@code register} with its PyTorch layer name (weight_ih_l0...) to become a parameter of the module.
     */
    static RecurrentCore initialised(String opName, RnnConfig cfg, long seed, BiFunction<String, Tensor, Tensor> register) {
        RnnParameters init = RnnParameters.initUniform(cfg, seed);
        Map<String, Tensor> byRnnName = new LinkedHashMap<>();
        for (String name : init.names()) {
            byRnnName.put(name, register.apply(name, Tensor.fromArray(init.view(name).toArray(), init.shape(name))));
        }
        return new RecurrentCore(opName, cfg, byRnnName);
    }

    /** The parameter gradients, wrapped over the tensors' grad buffers (re-wrapped if a buffer changed). */
    synchronized RnnParameters gradients() {
        boolean same = grads != null;
        for (int i = 0; i < params.length && same; i++) {
            same = params[i].grad() == gradArrays[i];
        }
        if (!same) {
            for (int i = 0; i < params.length; i++) {
                gradArrays[i] = params[i].grad();
            }
            grads = RnnParameters.wrap(cfg, (name, shape) -> {
                Tensor t = byRnnName.get(name);
                return new FloatView(t.grad(), t.gradOffset(), shape);
            });
        }
        return grads;
    }

    void releaseWorkspaces() {
        pools.remove();
    }

    /** This thread's workspaces of this layer. */
    private static final class Pool {
        final ArrayList<Slot> recorded = new ArrayList<>();
        Slot inference;
        Tape tape;
        int epoch;
        int next;
    }

    /**
     * One workspace of the pool and the views last made for it, by role ({@link #X}...). A steady loop
     * hands the op the same storage at the same offsets every step, so {@link #view(Slot, int, float[], int, Tensor)}
     * finds an equal view here and reuses it (a view is an immutable value; reuse is checked, never assumed).
     * The kept views hold the last call's arrays (tape workspace, inputs) reachable until the slot's next
     * call on this tape, the first call on another tape, or {@link #releaseWorkspaces()}.
     */
    static final class Slot {
        final RnnWorkspace ws;
        final FloatView[] views = new FloatView[ROLES];

        Slot(RnnWorkspace ws) {
            this.ws = ws;
        }
    }

    // view roles: where in forward / backward a view is used
    private static final int X = 0, XS = 1, OUT = 2, OUT_TM = 3, H0 = 4, C0 = 5, HN = 6, CN = 7, D_OUT = 8, D_OUT_TM = 9,
            D_OUT_BF = 10, D_HN = 11, D_CN = 12, DX = 13, DXS = 14, DH0 = 15, DC0 = 16, OUT_BF = 17, ROLES = 18;

    Slot workspace(boolean recording) {
        Pool pool = pools.get();
        if (!recording) {
            if (pool.inference == null) {
                pool.inference = new Slot(rnn.newWorkspace());
            }
            return pool.inference;
        }
        Tape tape = Tape.current();
        if (tape != pool.tape || tape.epoch() != pool.epoch) {
            if (tape != pool.tape) {
                // another tape: forget the views into the previous one's memory (see Slot)
                for (Slot slot : pool.recorded) {
                    java.util.Arrays.fill(slot.views, null);
                }
            }
            pool.tape = tape;
            pool.epoch = tape.epoch();
            pool.next = 0;
        }
        if (pool.next == pool.recorded.size()) {
            pool.recorded.add(new Slot(rnn.newWorkspace()));
        }
        return pool.recorded.get(pool.next++);
    }

    /**
     * Runs the whole stack as ONE tape node. x is [T, B, I] (or [B, T, I] when batchFirst), already
     * checked; h0, c0 null or [L*D, B, H]. Returns {output, h_n} or {output, h_n, c_n} (LSTM).
     */
    Tensor[] apply(Tensor x, int[] lengths, Tensor h0, Tensor c0, boolean batchFirst, boolean training, long seed) {
        int n = 1 + (h0 != null ? 1 : 0) + (c0 != null ? 1 : 0);
        Tensor[] in = new Tensor[n + params.length];
        int k = 0;
        in[k++] = x;
        if (h0 != null) {
            in[k++] = h0;
        }
        if (c0 != null) {
            in[k++] = c0;
        }
        System.arraycopy(params, 0, in, k, params.length);
        // a fresh array per call, and the callers only read the outputs: no defensive copies needed
        return new Op(this, lengths, h0 != null, c0 != null, batchFirst, training, seed).call(in);
    }

    /** A view of t's data (null for null), reusing the slot's view of this role when it is equal. */
    private static FloatView view(Slot slot, int role, Tensor t) {
        return t == null ? null : view(slot, role, t.data(), t.offset(), t);
    }

    /** A view of t's gradient, reusing the slot's view of this role when it is equal. */
    private static FloatView gradView(Slot slot, int role, Tensor t) {
        return view(slot, role, t.grad(), t.gradOffset(), t);
    }

    /** data[offset...] with t's shape: the slot's view of this role if it is exactly that, else a new one (kept). */
    private static FloatView view(Slot slot, int role, float[] data, int offset, Tensor t) {
        FloatView v = slot.views[role];
        if (v == null || v.data() != data || v.offset() != offset || !sameShape(v, t)) {
            v = new FloatView(data, offset, t.shape());
            slot.views[role] = v;
        }
        return v;
    }

    private static boolean sameShape(FloatView v, Tensor t) {
        int[] s = v.shape();
        if (s.length != t.rank()) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            if (s[i] != t.dim(i)) {
                return false;
            }
        }
        return true;
    }

    /** The tape node: forward and backward of the whole stack over the whole sequence. */
    private static final class Op extends CustomOp {
        private final RecurrentCore core;
        private final int[] lengths;
        private final boolean hasH0;
        private final boolean hasC0;
        private final boolean batchFirst;
        private final boolean training;
        private final long seed;
        private Slot slot;
        private int steps;
        private int batch;

        Op(RecurrentCore core, int[] lengths, boolean hasH0, boolean hasC0, boolean batchFirst, boolean training, long seed) {
            super(core.opName);
            this.core = core;
            this.lengths = lengths;
            this.hasH0 = hasH0;
            this.hasC0 = hasC0;
            this.batchFirst = batchFirst;
            this.training = training;
            this.seed = seed;
        }

        Tensor[] call(Tensor[] in) {
            return applyOwned(in);
        }

        @Override
        protected Tensor[] forward(Tensor[] in) {
            RnnConfig cfg = core.cfg;
            Tensor x = in[0];
            Tensor h0 = hasH0 ? in[1] : null;
            Tensor c0 = hasC0 ? in[hasH0 ? 2 : 1] : null;
            steps = x.dim(batchFirst ? 1 : 0);
            batch = x.dim(batchFirst ? 0 : 1);
            int t = steps;
            int b = batch;
            int dh = cfg.outputSize();
            Slot sl = core.workspace(recording());
            slot = sl;
            FloatView xv = view(sl, X, x);
            if (batchFirst) {
                Tensor xs = scratch(t, b, cfg.inputSize());
                FloatView xsv = view(sl, XS, xs);
                TimeMajor.swapLeadingAxes(xv, xsv);
                xv = xsv;
            }
            Tensor out = batchFirst ? output(b, t, dh) : output(t, b, dh);
            FloatView ov = batchFirst ? view(sl, OUT_TM, scratch(t, b, dh)) : view(sl, OUT, out);
            int s = cfg.stateCount();
            int h = cfg.hiddenSize();
            Tensor hn = output(s, b, h);
            Tensor cn = cfg.mode().hasCell() ? output(s, b, h) : null;
            if (recording() || training) {
                core.rnn.forward(sl.ws, xv, lengths, view(sl, H0, h0), view(sl, C0, c0), training, seed, ov,
                        view(sl, HN, hn), view(sl, CN, cn));
            } else {
                // nothing will call backward: the pass that saves nothing for it
                core.rnn.infer(sl.ws, xv, lengths, view(sl, H0, h0), view(sl, C0, c0), ov, view(sl, HN, hn),
                        view(sl, CN, cn));
            }
            if (batchFirst) {
                TimeMajor.swapLeadingAxes(ov, view(sl, OUT_BF, out));
            }
            return cn == null ? new Tensor[] {out, hn} : new Tensor[] {out, hn, cn};
        }

        @Override
        protected void backward(Tensor[] in, Tensor[] outs) {
            RnnConfig cfg = core.cfg;
            Tensor x = in[0];
            Tensor h0 = hasH0 ? in[1] : null;
            Tensor c0 = hasC0 ? in[hasH0 ? 2 : 1] : null;
            int t = steps;
            int b = batch;
            Tensor out = outs[0];
            Tensor hn = outs[1];
            Tensor cn = outs.length > 2 ? outs[2] : null;
            Slot sl = slot;
            FloatView dOut = null;
            if (out.hasGrad()) {
                if (batchFirst) {
                    Tensor s = scratch(t, b, cfg.outputSize());
                    dOut = view(sl, D_OUT_TM, s);
                    TimeMajor.swapLeadingAxes(gradView(sl, D_OUT_BF, out), dOut);
                } else {
                    dOut = gradView(sl, D_OUT, out);
                }
            }
            FloatView dHn = hn.hasGrad() ? gradView(sl, D_HN, hn) : null;
            FloatView dCn = cn != null && cn.hasGrad() ? gradView(sl, D_CN, cn) : null;
            FloatView dx = null;
            Tensor dxs = null;
            if (x.requiresGrad()) {
                if (batchFirst) {
                    dxs = scratch(t, b, cfg.inputSize());
                    java.util.Arrays.fill(dxs.data(), dxs.offset(), dxs.offset() + dxs.size(), 0f);
                    dx = view(sl, DXS, dxs);
                } else {
                    dx = gradView(sl, DX, x);
                }
            }
            FloatView dh0 = h0 != null && h0.requiresGrad() ? gradView(sl, DH0, h0) : null;
            FloatView dc0 = c0 != null && c0.requiresGrad() ? gradView(sl, DC0, c0) : null;
            boolean paramGrads = false;
            for (Tensor p : core.params) {
                paramGrads |= p.requiresGrad();
            }
            core.rnn.backward(sl.ws, dOut, dHn, dCn, paramGrads ? core.gradients() : null, dx, dh0, dc0);
            if (dxs != null) {
                // x.grad [B, T, I] += dx [T, B, I] with the first two axes swapped
                int i = cfg.inputSize();
                float[] g = x.grad();
                int go = x.gradOffset();
                float[] d = dxs.data();
                int dOff = dxs.offset();
                for (int step = 0; step < t; step++) {
                    for (int row = 0; row < b; row++) {
                        int src = dOff + (step * b + row) * i;
                        int dst = go + (row * t + step) * i;
                        for (int f = 0; f < i; f++) {
                            g[dst + f] += d[src + f];
                        }
                    }
                }
            }
        }
    }
}
