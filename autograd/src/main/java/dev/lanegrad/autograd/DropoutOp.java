package dev.lanegrad.autograd;

/**
 * Inverted dropout: y = x * m / (1 - p) with m[i] = 0 with probability p. The mask of element i is a
 * pure function of (seed, i) ({@link DropoutMask}, the project's one mask generator), so a repeated call with
 * the same seed drops the same elements (GradCheck relies on that). In eval mode it is the identity.
 */
final class DropoutOp extends Node.Unary {

    private final Tensor mask;

    private DropoutOp(Tensor x, Tensor mask, Tensor y) {
        super(x, y);
        this.mask = mask;
    }

    static Tensor apply(Tensor x, float p, long seed, boolean training) {
        Tape tape = tapeFor("dropout", x);
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout: p = " + p + ", expected 0 <= p < 1");
        }
        if (!training || p == 0f) {
            return x;
        }
        int n = x.size();
        Tensor mask = tape.newTensor(x.shapeRef(), n, false);
        Tensor y = tape.newTensor(x.shapeRef(), n, tape.needsGrad(x));
        float[] md = mask.dataRef();
        DropoutMask.fill(md, mask.offset(), n, p, seed, 0L);
        OPS.mul(x.dataRef(), x.offset(), md, mask.offset(), y.dataRef(), y.offset(), n);
        tape.record(new DropoutOp(x, mask, y), y);
        return y;
    }

    @Override
    void backward() {
        mulAcc(y.grad(), y.gradOffset(), mask.dataRef(), mask.offset(), x.grad(), x.gradOffset(), x.size());
    }

    @Override
    String name() {
        return "dropout";
    }
}
