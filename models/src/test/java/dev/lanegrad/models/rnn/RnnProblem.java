package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.EngineThreads;

import java.util.SplittableRandom;

/**
 * A random recurrent problem for tests: a network, inputs, initial states and the fixed weights
 * R, Rh, Rc of the loss sum(output*R) + sum(h_n*Rh) + sum(c_n*Rc), whose upstream gradients are R, Rh, Rc.
 */
final class RnnProblem {

    final RnnConfig cfg;
    final RnnParameters params;
    final int steps;
    final int batch;
    /** null, or one length per row (a test may replace it) */
    int[] lengths;
    final float[] x;
    final float[] h0;
    final float[] c0;
    final float[] r;
    final float[] rh;
    final float[] rc;

    RnnProblem(RnnConfig cfg, int steps, int batch, boolean withLengths, long seed) {
        this.cfg = cfg;
        this.steps = steps;
        this.batch = batch;
        SplittableRandom random = new SplittableRandom(seed);
        params = RnnParameters.initUniform(cfg, random.nextLong());
        if (withLengths) {
            lengths = new int[batch];
            for (int b = 0; b < batch; b++) {
                lengths[b] = 1 + random.nextInt(steps);
            }
        } else {
            lengths = null;
        }
        int states = cfg.stateCount() * batch * cfg.hiddenSize();
        x = normal(random, steps * batch * cfg.inputSize());
        h0 = normal(random, states);
        c0 = cfg.mode().hasCell() ? normal(random, states) : null;
        r = normal(random, steps * batch * cfg.outputSize());
        rh = normal(random, states);
        rc = cfg.mode().hasCell() ? normal(random, states) : null;
    }

    static float[] normal(SplittableRandom random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            // Box-Muller; good enough for test data
            double u = 1.0 - random.nextDouble();
            a[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()));
        }
        return a;
    }

    int[] xShape() {
        return new int[] {steps, batch, cfg.inputSize()};
    }

    int[] stateShape() {
        return new int[] {cfg.stateCount(), batch, cfg.hiddenSize()};
    }

    FloatView xView() {
        return FloatView.of(x, xShape());
    }

    FloatView h0View() {
        return FloatView.of(h0, stateShape());
    }

    FloatView c0View() {
        return c0 == null ? null : FloatView.of(c0, stateShape());
    }

    /**
     * Row b as a problem of its own: one sequence at its own length (all {@code steps} without lengths) with
     * this problem's parameters, inputs, initial states and loss weights, and a seed for the rest.
     */
    RnnProblem row(int b, long seed) {
        int I = cfg.inputSize();
        int H = cfg.hiddenSize();
        int DH = cfg.outputSize();
        int len = lengths == null ? steps : lengths[b];
        RnnProblem one = new RnnProblem(cfg, len, 1, false, seed);
        for (String name : params.names()) {
            one.params.set(name, params.get(name));
        }
        for (int t = 0; t < len; t++) {
            System.arraycopy(x, (t * batch + b) * I, one.x, t * I, I);
            System.arraycopy(r, (t * batch + b) * DH, one.r, t * DH, DH);
        }
        for (int s = 0; s < cfg.stateCount(); s++) {
            System.arraycopy(h0, (s * batch + b) * H, one.h0, s * H, H);
            System.arraycopy(rh, (s * batch + b) * H, one.rh, s * H, H);
            if (c0 != null) {
                System.arraycopy(c0, (s * batch + b) * H, one.c0, s * H, H);
                System.arraycopy(rc, (s * batch + b) * H, one.rc, s * H, H);
            }
        }
        return one;
    }

    /** Everything one forward (+ backward) produced. */
    static final class Run {
        FloatView out;
        FloatView hn;
        FloatView cn;
        RnnParameters grads;
        FloatView dx;
        FloatView dh0;
        FloatView dc0;
        double loss;
    }

    Run forward(Rnn rnn, RnnWorkspace ws, boolean training, long dropoutSeed) {
        Run run = new Run();
        run.out = FloatView.zeros(steps, batch, cfg.outputSize());
        run.hn = FloatView.zeros(stateShape());
        run.cn = c0 == null ? null : FloatView.zeros(stateShape());
        rnn.forward(ws, xView(), lengths, h0View(), c0View(), training, dropoutSeed, run.out, run.hn, run.cn);
        run.loss = dot(run.out.data(), r) + dot(run.hn.data(), rh) + (rc == null ? 0 : dot(run.cn.data(), rc));
        return run;
    }

    /** The inference pass (Rnn.infer): outputs and final states only. */
    Run infer(Rnn rnn, RnnWorkspace ws) {
        Run run = new Run();
        run.out = FloatView.zeros(steps, batch, cfg.outputSize());
        run.hn = FloatView.zeros(stateShape());
        run.cn = c0 == null ? null : FloatView.zeros(stateShape());
        rnn.infer(ws, xView(), lengths, h0View(), c0View(), run.out, run.hn, run.cn);
        return run;
    }

    Run forwardBackward(Rnn rnn, RnnWorkspace ws, boolean training, long dropoutSeed) {
        Run run = forward(rnn, ws, training, dropoutSeed);
        run.grads = new RnnParameters(cfg);
        run.dx = FloatView.zeros(xShape());
        run.dh0 = FloatView.zeros(stateShape());
        run.dc0 = c0 == null ? null : FloatView.zeros(stateShape());
        rnn.backward(ws, FloatView.of(r, steps, batch, cfg.outputSize()), FloatView.of(rh, stateShape()),
                rc == null ? null : FloatView.of(rc, stateShape()), run.grads, run.dx, run.dh0, run.dc0);
        return run;
    }

    /** forwardBackward on the default kernels with the engine at `threads` threads (its count restored after). */
    Run atThreads(int threads, RnnWorkspace ws, boolean training, long dropoutSeed) {
        int before = EngineThreads.threads();
        try {
            EngineThreads.setThreads(threads);
            return forwardBackward(new Rnn(params), ws, training, dropoutSeed);
        } finally {
            EngineThreads.setThreads(before);
        }
    }

    /** The loss, in double, for the current values of params, x, h0, c0. */
    double loss(boolean training, long dropoutSeed) {
        return forward(new Rnn(params), new RnnWorkspace(), training, dropoutSeed).loss;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
