package dev.lanegrad.autograd.testing;

import dev.lanegrad.autograd.CustomOp;
import dev.lanegrad.autograd.Tensor;

/**
 * y = x^2 elementwise, a {@link CustomOp} written outside the autograd package (the public API is enough):
 * dx += f_i x dy with f_i = {@link #derivativeFactor(int)}, 2 for the true gradient. A subclass that
 * returns something else is a wrong backward on purpose, for tests of the gradient checker.
 */
public class SquareOp extends CustomOp {

    public SquareOp() {
        this("square");
    }

    protected SquareOp(String name) {
        super(name);
    }

    /** The factor of element i's derivative: 2 makes the true derivative 2x. */
    protected float derivativeFactor(int i) {
        return 2f;
    }

    @Override
    protected Tensor[] forward(Tensor[] in) {
        Tensor x = in[0], y = output(x.shape());
        for (int i = 0; i < x.size(); i++) {
            float v = x.data()[x.offset() + i];
            y.data()[y.offset() + i] = v * v;
        }
        return new Tensor[] {y};
    }

    @Override
    protected void backward(Tensor[] in, Tensor[] out) {
        Tensor x = in[0], y = out[0];
        if (x.requiresGrad()) {
            for (int i = 0; i < x.size(); i++) {
                x.grad()[x.gradOffset() + i] += derivativeFactor(i) * x.data()[x.offset() + i] * y.grad()[y.gradOffset() + i];
            }
        }
    }
}
