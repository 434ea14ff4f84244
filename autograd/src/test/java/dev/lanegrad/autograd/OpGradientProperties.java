package dev.lanegrad.autograd;

import dev.lanegrad.autograd.testing.TensorArbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import static dev.lanegrad.autograd.testing.TensorArbitraries.awayFromZero;
import static dev.lanegrad.autograd.testing.TensorArbitraries.tensor;

/** Every op's gradient passes GradCheck over random shapes and values. */
class OpGradientProperties {

    private static GradCheckReport check(java.util.function.Function<Tensor[], Tensor> f, Tensor... in) {
        return GradCheck.assertGradients(f, in);
    }

    @Provide
    Arbitrary<Tensor> small() {
        return TensorArbitraries.tensors(TensorArbitraries.shapes(1, 3, 1, 5), -2f, 2f);
    }

    @Property(tries = 60)
    void addSubMulSameShape(@ForAll("small") Tensor a, @ForAll long seed) {
        Tensor b = tensor(seed, -2f, 2f, a.shape());
        check(in -> Ops.add(in[0], in[1]), a, b);
        check(in -> Ops.sub(in[0], in[1]), a, b);
        check(in -> Ops.mul(in[0], in[1]), a, b);
        check(in -> Ops.scale(in[0], -1.5f), a);
    }

    @Property(tries = 60)
    void addSubMulRowBroadcast(@ForAll @IntRange(min = 1, max = 4) int t, @ForAll @IntRange(min = 1, max = 4) int rows,
                               @ForAll @IntRange(min = 1, max = 6) int cols, @ForAll long seed) {
        Tensor a = tensor(seed, -2f, 2f, t, rows, cols);
        Tensor bias = tensor(seed + 1, -2f, 2f, cols);
        Tensor plane = tensor(seed + 2, -2f, 2f, rows, cols);
        check(in -> Ops.add(in[0], in[1]), a, bias);
        check(in -> Ops.sub(in[0], in[1]), a, bias);
        check(in -> Ops.mul(in[0], in[1]), a, bias);
        check(in -> Ops.mul(in[0], in[1]), a, plane);
    }

    @Property(tries = 80)
    void matmul2d(@ForAll @IntRange(min = 1, max = 6) int m, @ForAll @IntRange(min = 1, max = 6) int k,
                  @ForAll @IntRange(min = 1, max = 6) int n, @ForAll boolean transA, @ForAll boolean transB,
                  @ForAll long seed) {
        Tensor a = tensor(seed, -1f, 1f, transA ? new int[] {k, m} : new int[] {m, k});
        Tensor b = tensor(seed + 1, -1f, 1f, transB ? new int[] {n, k} : new int[] {k, n});
        check(in -> Ops.matmul(in[0], in[1], transA, transB), a, b);
    }

    @Property(tries = 60)
    void matmulBatched(@ForAll @IntRange(min = 1, max = 3) int batch, @ForAll @IntRange(min = 1, max = 4) int m,
                       @ForAll @IntRange(min = 1, max = 4) int k, @ForAll @IntRange(min = 1, max = 4) int n,
                       @ForAll boolean transA, @ForAll boolean transB, @ForAll boolean sharedB, @ForAll boolean sharedA,
                       @ForAll long seed) {
        int[] as = transA ? new int[] {k, m} : new int[] {m, k};
        Tensor a = tensor(seed, -1f, 1f, sharedA && !sharedB ? as : new int[] {batch, as[0], as[1]});
        int[] bs = transB ? new int[] {n, k} : new int[] {k, n};
        Tensor b = tensor(seed + 1, -1f, 1f, sharedB ? bs : new int[] {batch, bs[0], bs[1]});
        check(in -> Ops.matmul(in[0], in[1], transA, transB), a, b);
    }

    @Property(tries = 40)
    void linearOnTimeMajor(@ForAll @IntRange(min = 1, max = 4) int t, @ForAll @IntRange(min = 1, max = 3) int b,
                           @ForAll @IntRange(min = 1, max = 5) int in, @ForAll @IntRange(min = 1, max = 5) int out,
                           @ForAll long seed) {
        Tensor x = tensor(seed, -1f, 1f, t, b, in);
        Tensor w = tensor(seed + 1, -1f, 1f, out, in);
        Tensor bias = tensor(seed + 2, -1f, 1f, out);
        check(a -> Ops.linear(a[0], a[1], a[2]), x, w, bias);
    }

    @Property(tries = 60)
    void activations(@ForAll("small") Tensor x) {
        check(in -> Ops.tanh(in[0]), x);
        check(in -> Ops.sigmoid(in[0]), x);
        check(in -> Ops.exp(in[0]), x);
    }

    @Property(tries = 60)
    void logOnPositives(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int n) {
        check(in -> Ops.log(in[0]), tensor(seed, 0.5f, 3f, n));
    }

    @Property(tries = 60)
    void reluAwayFromZero(@ForAll("awayFromZero") Tensor x) {
        check(in -> Ops.relu(in[0]), x);
    }

    @Provide
    Arbitrary<Tensor> awayFromZero() {
        return TensorArbitraries.awayFromZero(TensorArbitraries.shapes(1, 3, 1, 5), 0.1f, 2f);
    }

    @Property(tries = 60)
    void softmaxAndLogSoftmax(@ForAll("small") Tensor x) {
        check(in -> Ops.softmax(in[0]), x);
        check(in -> Ops.logSoftmax(in[0]), x);
    }

    @Property(tries = 60)
    void sumAndMean(@ForAll("small") Tensor x, @ForAll @IntRange(min = 0, max = 2) int dim) {
        check(in -> Ops.sum(in[0]), x);
        check(in -> Ops.mean(in[0]), x);
        int d = dim % x.rank();
        check(in -> Ops.sum(in[0], d), x);
        check(in -> Ops.mean(in[0], -1), x);
    }

    @Property(tries = 40)
    void reshapeSelectSlice(@ForAll @IntRange(min = 2, max = 4) int t, @ForAll @IntRange(min = 1, max = 4) int f,
                            @ForAll long seed) {
        Tensor x = tensor(seed, -2f, 2f, t, f);
        check(in -> Ops.tanh(Ops.reshape(in[0], f, t)), x);
        check(in -> Ops.mul(Ops.select(in[0], t - 1), Ops.select(in[0], 0)), x);
        check(in -> Ops.tanh(Ops.slice(in[0], 1, t)), x);
    }

    @Property(tries = 40)
    void concatAndSplit(@ForAll @IntRange(min = 1, max = 4) int rows, @ForAll @IntRange(min = 0, max = 3) int c0,
                        @ForAll @IntRange(min = 1, max = 3) int c1, @ForAll long seed) {
        Tensor a = tensor(seed, -2f, 2f, rows, c0);
        Tensor b = tensor(seed + 1, -2f, 2f, rows, c1);
        Tensor w = tensor(seed + 2, -2f, 2f, rows, c0 + c1).requiresGrad(false);
        check(in -> Ops.mul(Ops.concat(in[0], in[1]), w), a, b);
        Tensor x = tensor(seed + 3, -2f, 2f, rows, c0 + c1);
        // only the second output is used: the first gets no gradient at all
        check(in -> Ops.tanh(Ops.split(in[0], c0, c1)[1]), x);
        check(in -> Ops.concat(Ops.split(in[0], c0, c1)[1], Ops.split(in[0], c0, c1)[0]), x);
    }

    @Property(tries = 40)
    void embedding(@ForAll @IntRange(min = 1, max = 6) int v, @ForAll @IntRange(min = 1, max = 4) int e,
                   @ForAll @IntRange(min = 1, max = 8) int n, @ForAll long seed) {
        Tensor table = tensor(seed, -1f, 1f, v, e);
        int[] idx = new int[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            idx[i] = r.nextInt(v);
        }
        check(in -> Ops.tanh(Ops.embedding(in[0], idx, new int[] {n})), table);
    }

    @Property(tries = 40)
    void dropout(@ForAll("small") Tensor x, @ForAll long seed) {
        check(in -> Ops.dropout(in[0], 0.3f, seed, true), x);
    }

    @Property(tries = 60)
    void mseLoss(@ForAll("small") Tensor p, @ForAll long seed) {
        Tensor t = tensor(seed, -2f, 2f, p.shape());
        check(in -> Ops.mseLoss(in[0], in[1]), p, t);
        check(in -> Ops.mseLoss(in[0], in[1], Reduction.SUM), p, t);
    }

    @Property(tries = 80)
    void crossEntropy(@ForAll @IntRange(min = 1, max = 6) int rows, @ForAll @IntRange(min = 1, max = 6) int c,
                      @ForAll boolean weighted, @ForAll boolean sum, @ForAll long seed) {
        Tensor logits = tensor(seed, -3f, 3f, rows, c);
        int[] targets = new int[rows];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < rows; i++) {
            targets[i] = i == 0 ? r.nextInt(c) : r.nextInt(c + 1) - 1; // -1 = ignored, but never every row
        }
        Tensor weights = weighted ? Tensor.uniform(0.2f, 2f, seed + 5, rows) : null;
        Reduction reduction = sum ? Reduction.SUM : Reduction.MEAN;
        check(in -> Ops.crossEntropy(in[0], targets, -1, weights, reduction), logits);
    }
}
