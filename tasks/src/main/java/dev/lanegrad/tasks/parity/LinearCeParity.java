package dev.lanegrad.tasks.parity;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.io.ParityCase;

/**
 * A linear_ce case through autograd: logits = x weight^T + bias, probs = softmax(logits),
 * loss = mean cross-entropy against target; backward from the loss gives grad.weight, grad.bias,
 * grad.x and grad.logits. bias may be absent (nn.Linear(bias=False)).
 */
final class LinearCeParity {

    static final String MODULE = "LinearCrossEntropy";

    private LinearCeParity() {
    }

    static void compare(ParityCase pc, Comparison cmp) {
        Tensor w = tensor(pc, "weight");
        Tensor b = pc.has("bias") ? tensor(pc, "bias") : null;
        Tensor x = tensor(pc, "x");
        int[] target = pc.ints("target");
        try (Tape tape = new Tape()) {
            Tensor logits = Ops.linear(x, w, b);
            Tensor probs = Ops.softmax(logits);
            Tensor loss = Ops.crossEntropy(logits, target);
            tape.backward(loss);
            cmp.check("logits", logits.shape(), logits.toArray());
            cmp.check("probs", probs.shape(), probs.toArray());
            cmp.check("loss", loss.shape(), loss.toArray());
            cmp.check("grad.logits", logits.shape(), logits.gradToArray());
        }
        cmp.check("grad.weight", w.shape(), w.gradToArray());
        if (b != null) {
            cmp.check("grad.bias", b.shape(), b.gradToArray());
        }
        cmp.check("grad.x", x.shape(), x.gradToArray());
    }

    /** A leaf that requires a gradient, holding the case's tensor rounded to float32. */
    static Tensor tensor(ParityCase pc, String name) {
        return Tensor.fromArray(pc.floats(name), pc.shape(name)).requiresGrad(true);
    }
}
