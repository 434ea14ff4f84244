package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.GradCheck;
import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.autograd.testing.TensorArbitraries;
import dev.lanegrad.models.rnn.RnnConfig;
import dev.lanegrad.models.rnn.RnnMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * GradCheck (fast mode) of every layer through the Module API, over random configurations: 1-2 layers,
 * uni- and bidirectional, with and without lengths, batchFirst both ways, with h0/c0 requiring a gradient.
 * Checked: x, h0, c0 and every parameter, against output, h_n and c_n at once (flattened and concatenated).
 * RNN uses tanh here: relu's kink makes finite differences meaningless where a pre-activation is near 0.
 */
class LayerGradientTest {

    private static void checkLayer(RnnMode mode, int layers, boolean bidirectional, boolean batchFirst, boolean withLengths,
                                   boolean withState, int t, int b, int in, int h, long seed) {
        RnnConfig cfg = new RnnConfig(mode, in, h, layers, true, bidirectional, 0f);
        RecurrentLayer layer = RecurrentLayer.of(cfg, batchFirst, seed);
        SplittableRandom r = new SplittableRandom(seed);
        Tensor x = TensorArbitraries.tensor(r.nextLong(), -1f, 1f, batchFirst ? new int[] {b, t, in} : new int[] {t, b, in});
        int[] lengths = withLengths ? RandomLengths.of(r, b, t) : null;
        Tensor h0 = withState ? TensorArbitraries.tensor(r.nextLong(), -0.5f, 0.5f, cfg.stateCount(), b, h) : null;
        Tensor c0 = withState && mode == RnnMode.LSTM ? TensorArbitraries.tensor(r.nextLong(), -0.5f, 0.5f, cfg.stateCount(), b, h) : null;
        Function<Tensor[], Tensor> f = ignored -> {
            RecurrentOutput o = layer.forward(x, lengths, h0, c0);
            return o.cn() == null ? Ops.concat(o.output().reshape(-1), o.hn().reshape(-1))
                    : Ops.concat(o.output().reshape(-1), o.hn().reshape(-1), o.cn().reshape(-1));
        };
        GradCheck.fast().seed(seed).check(f, withParameters(layer, x, h0, c0)).assertPassed();
    }

    /** The given inputs (the null ones left out), then every parameter of m: what a GradCheck varies. */
    private static Tensor[] withParameters(Module m, Tensor... inputs) {
        List<Tensor> all = new ArrayList<>();
        for (Tensor t : inputs) {
            if (t != null) {
                all.add(t);
            }
        }
        all.addAll(m.parameters());
        return all.toArray(new Tensor[0]);
    }

    /** About 30 tries per layer type. */
    @Property(tries = 90)
    void layers(@ForAll("checkedModes") RnnMode mode, @ForAll @IntRange(min = 1, max = 2) int layers,
                @ForAll boolean bidirectional, @ForAll boolean batchFirst, @ForAll boolean withLengths,
                @ForAll boolean withState, @ForAll @IntRange(min = 1, max = 4) int t, @ForAll @IntRange(min = 1, max = 3) int b,
                @ForAll @IntRange(min = 1, max = 3) int in, @ForAll @IntRange(min = 1, max = 3) int h,
                @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        checkLayer(mode, layers, bidirectional, batchFirst, withLengths, withState, t, b, in, h, seed);
    }

    /** Every layer type; RNN with tanh only (see the class comment). */
    @Provide
    Arbitrary<RnnMode> checkedModes() {
        return Arbitraries.of(RnnMode.LSTM, RnnMode.GRU, RnnMode.RNN_TANH);
    }

    @Property(tries = 8)
    void cells(@ForAll @IntRange(min = 1, max = 3) int b, @ForAll @IntRange(min = 1, max = 3) int in,
               @ForAll @IntRange(min = 1, max = 3) int h, @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor x = TensorArbitraries.tensor(r.nextLong(), -1f, 1f, b, in);
        Tensor h0 = TensorArbitraries.tensor(r.nextLong(), -0.5f, 0.5f, b, h);
        Tensor c0 = TensorArbitraries.tensor(r.nextLong(), -0.5f, 0.5f, b, h);
        LSTMCell lstm = new LSTMCell(in, h, true, seed);
        GradCheck.fast().check(ignored -> {
            LSTMCell.Output o = lstm.forward(x, h0, c0);
            return Ops.concat(o.h(), o.c());
        }, withParameters(lstm, x, h0, c0)).assertPassed();
        GRUCell gru = new GRUCell(in, h, true, seed);
        GradCheck.fast().check(ignored -> gru.forward(x, h0), withParameters(gru, x, h0)).assertPassed();
        RNNCell rnn = new RNNCell(in, h, true, seed);
        GradCheck.fast().check(ignored -> rnn.forward(x, h0), withParameters(rnn, x, h0)).assertPassed();
    }

    @Property(tries = 10)
    void linear(@ForAll @IntRange(min = 1, max = 3) int rows, @ForAll @IntRange(min = 1, max = 5) int in,
                @ForAll @IntRange(min = 1, max = 5) int out, @ForAll boolean bias, @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Linear linear = new Linear(in, out, bias, seed);
        Tensor x = TensorArbitraries.tensor(seed + 1, -1f, 1f, 2, rows, in);
        GradCheck.fast().check(ignored -> linear.forward(x), withParameters(linear, x)).assertPassed();
    }

    /** Without a padding index: with one, PyTorch (and lanegrad) deliberately give that row no gradient. */
    @Property(tries = 10)
    void embedding(@ForAll @IntRange(min = 2, max = 9) int vocab, @ForAll @IntRange(min = 1, max = 4) int dim,
                   @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Embedding emb = new Embedding(vocab, dim, Embedding.NO_PADDING, seed);
        SplittableRandom r = new SplittableRandom(seed);
        int[] ids = new int[6];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(vocab);
        }
        GradCheck.fast().check(ignored -> emb.forward(ids, 2, 3), emb.weight()).assertPassed();
    }
}
