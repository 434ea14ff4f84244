package dev.lanegrad.autograd;

/**
 * The ops, as static entry points. Each runs on this thread's current {@link Tape}, returns a new
 * intermediate, and records itself when an input requires a gradient (outside {@code noGrad()}).
 * Every op's forward and backward live side by side in one small class (Add, MatMul, Activation...).
 */
public final class Ops {

    /** PyTorch's default ignore index for cross-entropy. */
    public static final int IGNORE_INDEX = -100;

    private Ops() {
    }

    /** a + b; b of a's shape or of a's trailing dimensions (a bias [C] on [N, C]). */
    public static Tensor add(Tensor a, Tensor b) {
        return Add.apply(a, b, false);
    }

    /** a - b, with the same broadcast as add. */
    public static Tensor sub(Tensor a, Tensor b) {
        return Add.apply(a, b, true);
    }

    /** a * b elementwise, with the same broadcast as add. */
    public static Tensor mul(Tensor a, Tensor b) {
        return Mul.apply(a, b);
    }

    /** s * x for a constant s. */
    public static Tensor scale(Tensor x, float s) {
        return Scale.apply(x, s);
    }

    /** a [..., m, k] x b [k, n], or batched [B, m, k] x [B, k, n]. */
    public static Tensor matmul(Tensor a, Tensor b) {
        return MatMul.apply(a, b, false, false);
    }

    /** op(a) x op(b) with op = transpose of the last two dimensions when asked (see {@link MatMul}). */
    public static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        return MatMul.apply(a, b, transA, transB);
    }

    /** x [..., in] x weight^T [out, in] + bias [out]: PyTorch's nn.Linear layout (bias may be null). */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return LinearOp.apply(x, weight, bias);
    }

    public static Tensor tanh(Tensor x) {
        return Activation.apply(Activation.Kind.TANH, x);
    }

    public static Tensor sigmoid(Tensor x) {
        return Activation.apply(Activation.Kind.SIGMOID, x);
    }

    public static Tensor relu(Tensor x) {
        return Activation.apply(Activation.Kind.RELU, x);
    }

    public static Tensor exp(Tensor x) {
        return Activation.apply(Activation.Kind.EXP, x);
    }

    public static Tensor log(Tensor x) {
        return Activation.apply(Activation.Kind.LOG, x);
    }

    /** Softmax over the last dimension. */
    public static Tensor softmax(Tensor x) {
        return Softmax.apply(x, false);
    }

    /** Log-softmax over the last dimension. */
    public static Tensor logSoftmax(Tensor x) {
        return Softmax.apply(x, true);
    }

    /** The sum of all elements, a scalar (shape []). */
    public static Tensor sum(Tensor x) {
        return Reduce.all(x, false);
    }

    /** The mean of all elements, a scalar. */
    public static Tensor mean(Tensor x) {
        return Reduce.all(x, true);
    }

    /** The sum over one dimension, which disappears (negative counts from the end). */
    public static Tensor sum(Tensor x, int dim) {
        return Reduce.dim(x, dim, false);
    }

    /** The mean over one dimension, which disappears. */
    public static Tensor mean(Tensor x, int dim) {
        return Reduce.dim(x, dim, true);
    }

    /** A view with another shape (shares data and gradient; no tape node). */
    public static Tensor reshape(Tensor x, int... shape) {
        return x.reshape(shape);
    }

    /** Concatenation on the last dimension. */
    public static Tensor concat(Tensor... xs) {
        return Concat.apply(xs);
    }

    /** Split on the last dimension into blocks of the given sizes (one node, several outputs). */
    public static Tensor[] split(Tensor x, int... sizes) {
        return Split.apply(x, sizes);
    }

    /** Entry i along the first (time) dimension, as a view. */
    public static Tensor select(Tensor x, int i) {
        return x.select(i);
    }

    /** Entries [start, end) along the first (time) dimension, as a view. */
    public static Tensor slice(Tensor x, int start, int end) {
        return x.slice(start, end);
    }

    /** Rows of table [V, E] at indices (of shape indexShape) -> [indexShape..., E]. */
    public static Tensor embedding(Tensor table, int[] indices, int[] indexShape) {
        return EmbeddingOp.apply(table, indices, indexShape, -1);
    }

    /** As {@link #embedding(Tensor, int[], int[])}; rows read for paddingIdx get no gradient. */
    public static Tensor embedding(Tensor table, int[] indices, int[] indexShape, int paddingIdx) {
        return EmbeddingOp.apply(table, indices, indexShape, paddingIdx);
    }

    /** Inverted dropout with drop probability p, seeded; the identity when training is false. */
    public static Tensor dropout(Tensor x, float p, long seed, boolean training) {
        return DropoutOp.apply(x, p, seed, training);
    }

    /** mean((prediction - target)^2). */
    public static Tensor mseLoss(Tensor prediction, Tensor target) {
        return MseLoss.apply(prediction, target, Reduction.MEAN);
    }

    public static Tensor mseLoss(Tensor prediction, Tensor target, Reduction reduction) {
        return MseLoss.apply(prediction, target, reduction);
    }

    /**
     * MSE with per-row weights or a 0/1 mask over [..., F] (one per row, no gradient; null for none): MEAN
     * divides by F times the sum of the weights, so a mask of valid positions gives the mean over them only.
     */
    public static Tensor mseLoss(Tensor prediction, Tensor target, Tensor weights, Reduction reduction) {
        return MseLoss.apply(prediction, target, weights, reduction);
    }

    /** Mean cross-entropy of logits [..., C] against one class id per row; ids equal to -100 are ignored. */
    public static Tensor crossEntropy(Tensor logits, int[] targets) {
        return CrossEntropy.apply(logits, targets, IGNORE_INDEX, null, Reduction.MEAN);
    }

    /**
     * Cross-entropy with an ignore index, optional per-row weights or a 0/1 mask (one per row, no
     * gradient; null for none) and a reduction (MEAN divides by the sum of the counted rows' weights).
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex, Tensor weights, Reduction reduction) {
        return CrossEntropy.apply(logits, targets, ignoreIndex, weights, reduction);
    }
}
