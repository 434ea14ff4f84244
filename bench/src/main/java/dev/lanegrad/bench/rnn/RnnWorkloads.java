package dev.lanegrad.bench.rnn;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.Kernels;
import dev.lanegrad.models.nn.GRU;
import dev.lanegrad.models.nn.LSTM;
import dev.lanegrad.models.nn.RNN;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.rnn.FloatView;
import dev.lanegrad.models.rnn.Rnn;
import dev.lanegrad.models.rnn.RnnConfig;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.models.rnn.RnnParameters;
import dev.lanegrad.models.rnn.RnnStreamState;
import dev.lanegrad.models.rnn.RnnWorkspace;

import java.util.SplittableRandom;

/**
 * Builds the operation of each {@link BenchCase} for a cell, on seeded random data: what the JMH
 * benchmarks and the quick harness both time. Everything is allocated here, once; the returned
 * workload reuses it, so that its allocation per call is what the library allocates.
 */
public final class RnnWorkloads {

    private RnnWorkloads() {
    }

    public static RnnMode mode(String cell) {
        return switch (BenchCase.parseCell(cell)) {
            case "rnn" -> RnnMode.RNN_TANH;
            case "lstm" -> RnnMode.LSTM;
            default -> RnnMode.GRU;
        };
    }

    public static Workload create(BenchCase c, String cell) {
        if (!c.hasCell(cell)) {
            throw new IllegalArgumentException("case " + c + " runs for lstm only, not " + cell);
        }
        return switch (c) {
            case S1, S5 -> inference(c, cell);
            case S2 -> streaming(c, cell);
            case S3, S4 -> trainingApi(c, cell);
            case LM -> CharLmWorkload.create();
        };
    }

    /**
     * S3 / S4 written directly against the {@link Rnn} core (no tape), to compare with the public API
     * path of {@link #create}: the difference is what the tape and the layer add.
     */
    public static Workload createCore(BenchCase c, String cell) {
        if (c != BenchCase.S3 && c != BenchCase.S4) {
            return create(c, cell);
        }
        return training(c, cell);
    }

    static RecurrentLayer layer(String cell, int input, int hidden) {
        return switch (BenchCase.parseCell(cell)) {
            case "rnn" -> RNN.builder(input, hidden).seed(1).build();
            case "lstm" -> LSTM.builder(input, hidden).seed(1).build();
            default -> GRU.builder(input, hidden).seed(1).build();
        };
    }

    /** S3 / S4 as a user writes it: a Tape, the layer (one tape node), Ops.mseLoss, backward, zeroGrad. */
    private static Workload trainingApi(BenchCase c, String cell) {
        RecurrentLayer layer = layer(cell, c.input, c.hidden);
        Tensor x = Tensor.normal(0f, 1f, 2, c.steps, c.batch, c.input);
        Tensor target = Tensor.normal(0f, 1f, 3, c.steps, c.batch, c.hidden);
        Tape tape = new Tape();
        return () -> {
            layer.zeroGrad();
            Tensor loss = Ops.mseLoss(layer.forward(x).output(), target);
            tape.backward(loss);
            float value = loss.item();
            tape.reset();
            return value;
        };
    }

    static float[] normal(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            // sum of 4 uniforms: close enough to normal for timing, and cheap
            v[i] = (float) ((random.nextDouble() + random.nextDouble() + random.nextDouble() + random.nextDouble() - 2.0) * 1.7);
        }
        return v;
    }

    /** S1 / S5: one inference pass over T steps (Rnn.infer), h0 = 0. */
    private static Workload inference(BenchCase c, String cell) {
        RnnConfig config = RnnConfig.of(mode(cell), c.input, c.hidden, 1);
        Rnn rnn = new Rnn(RnnParameters.initUniform(config, 1));
        RnnWorkspace ws = rnn.newWorkspace();
        FloatView x = FloatView.of(normal(new SplittableRandom(2), c.steps * c.batch * c.input), c.steps, c.batch, c.input);
        FloatView out = FloatView.zeros(c.steps, c.batch, c.hidden);
        FloatView hn = FloatView.zeros(1, c.batch, c.hidden);
        float[] o = out.data();
        return () -> {
            rnn.infer(ws, x, null, null, null, out, hn, null);
            return o[o.length - 1];
        };
    }

    /** S2: one step of a stream whose state is carried from call to call (inputs cycle through 100). */
    private static Workload streaming(BenchCase c, String cell) {
        RnnConfig config = RnnConfig.of(mode(cell), c.input, c.hidden, 1);
        Rnn rnn = new Rnn(RnnParameters.initUniform(config, 1));
        RnnStreamState state = rnn.newStreamState(1);
        int n = 100;
        FloatView[] xs = new FloatView[n];
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < n; i++) {
            xs[i] = FloatView.of(normal(random, c.input), 1, c.input);
        }
        FloatView out = FloatView.zeros(1, c.hidden);
        float[] o = out.data();
        int[] next = {0};
        return () -> {
            int i = next[0];
            next[0] = i + 1 == n ? 0 : i + 1;
            rnn.step(state, xs[i], out);
            return o[0];
        };
    }

    /** S3 / S4: forward in training mode, MSE over all outputs, backward into zeroed gradients. */
    private static Workload training(BenchCase c, String cell) {
        RnnConfig config = RnnConfig.of(mode(cell), c.input, c.hidden, 1);
        RnnParameters params = RnnParameters.initUniform(config, 1);
        RnnParameters grads = new RnnParameters(config);
        Rnn rnn = new Rnn(params);
        RnnWorkspace ws = rnn.newWorkspace();
        SplittableRandom random = new SplittableRandom(2);
        int n = c.steps * c.batch * c.hidden;
        FloatView x = FloatView.of(normal(random, c.steps * c.batch * c.input), c.steps, c.batch, c.input);
        float[] target = normal(random, n);
        FloatView out = FloatView.zeros(c.steps, c.batch, c.hidden);
        FloatView dOut = FloatView.zeros(c.steps, c.batch, c.hidden);
        ArrayOps ops = Kernels.ops();
        return () -> {
            grads.zero();
            rnn.forward(ws, x, null, null, null, true, 0L, out, null, null);
            // loss = mean((out - target)^2); dOut = 2 (out - target) / n
            float[] d = dOut.data();
            ops.sub(out.data(), 0, target, 0, d, 0, n);
            float loss = ops.dot(d, 0, d, 0, n) / n;
            ops.scale(2f / n, d, 0, n);
            rnn.backward(ws, dOut, null, null, grads, null, null, null);
            return loss;
        };
    }
}
