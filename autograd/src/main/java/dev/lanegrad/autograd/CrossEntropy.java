package dev.lanegrad.autograd;

/**
 * Softmax cross-entropy from logits [..., C] against class ids, one per row (position).
 * <pre>
 * l_r  = w_r * -log softmax(logits_r)[target_r]       (rows whose target is ignoreIndex count for nothing)
 * loss = sum_r l_r            (SUM)
 *      = sum_r l_r / sum_r w_r over counted rows       (MEAN; w_r = 1 without weights: PyTorch's rule)
 * dlogits_r += up * s * w_r * (softmax(logits_r) - onehot(target_r)),  s = 1 or 1 / sum w
 * </pre>
 * The engine's fused kernel computes the loss (max-subtracted, accumulated in double) and, when a
 * gradient is needed, the scaled gradient in the same pass into a saved buffer; backward is one axpy.
 * The weights (a mask, or per-position weights) get no gradient; targets and weights are kept, not copied.
 * The node's input x is the logits.
 */
final class CrossEntropy extends Node.Unary {

    /** the saved gradient of the loss w.r.t. the logits, scaled for the reduction */
    private final float[] saved;
    private final int savedOff;

    private CrossEntropy(Tensor logits, float[] saved, int savedOff, Tensor y) {
        super(logits, y);
        this.saved = saved;
        this.savedOff = savedOff;
    }

    static Tensor apply(Tensor logits, int[] targets, int ignoreIndex, Tensor weights, Reduction reduction) {
        Tape tape = weights == null ? tapeFor("crossEntropy", logits) : tapeFor("crossEntropy", logits, weights);
        if (logits.rank() == 0) {
            throw new IllegalArgumentException("crossEntropy: logits must be [..., C], got a scalar");
        }
        int c = logits.dim(-1);
        int rows = c == 0 ? 0 : logits.size() / c;
        if (targets.length != rows) {
            throw new IllegalArgumentException("crossEntropy: " + targets.length + " targets for logits "
                    + Shapes.str(logits.shapeRef()) + " of " + rows + " rows");
        }
        if (weights != null && weights.size() != rows) {
            throw new IllegalArgumentException("crossEntropy: weights " + Shapes.str(weights.shapeRef()) + " for logits "
                    + Shapes.str(logits.shapeRef()) + ": expected one weight per row (" + rows + ")");
        }
        double denominator = 0;
        for (int r = 0; r < rows; r++) {
            int t = targets[r];
            if (t == ignoreIndex) {
                continue;
            }
            if (t < 0 || t >= c) {
                throw new IllegalArgumentException("crossEntropy: class index " + t + " at position "
                        + Shapes.position(java.util.Arrays.copyOf(logits.shapeRef(), logits.rank() - 1), r) + " is outside [0, " + c + ") (C = " + c + ")");
            }
            denominator += weights == null ? 1.0 : weights.dataRef()[weights.offset() + r];
        }
        double scale = reduction == Reduction.MEAN ? 1.0 / denominator : 1.0;
        boolean grad = tape.needsGrad(logits);
        int savedOff = grad ? tape.arena().alloc(logits.size()) : 0;
        float[] saved = grad ? tape.arena().array() : null;
        double sum = OPS.softmaxCrossEntropy(logits.dataRef(), logits.offset(), rows, c, targets, 0, ignoreIndex,
                weights == null ? null : weights.dataRef(), weights == null ? 0 : weights.offset(),
                saved, savedOff, (float) scale);
        Tensor y = tape.newTensor(Shapes.SCALAR, 1, grad);
        y.dataRef()[y.offset()] = (float) (sum * scale);
        tape.record(new CrossEntropy(logits, saved, savedOff, y), y);
        return y;
    }

    @Override
    void backward() {
        float up = y.grad()[y.gradOffset()];
        OPS.axpy(up, saved, savedOff, x.grad(), x.gradOffset(), x.size());
    }

    @Override
    String name() {
        return "crossEntropy";
    }
}
