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
        try (Tape tape = new Tape()) {
            crossEntropyBackward(tape, x, w, b, pc.ints("target"), cmp);
        }
        cmp.gradient("weight", w);
        cmp.gradient("bias", b);
        cmp.gradient("x", x);
    }

    /**
     * logits = input w^T + b, probs = softmax(logits) and the mean cross-entropy against target, then the
     * backward from that loss on tape; compares logits, probs, loss and grad.logits (EmbeddingCeParity's head too).
     */
    static void crossEntropyBackward(Tape tape, Tensor input, Tensor w, Tensor b, int[] target, Comparison cmp) {
        Tensor logits = Ops.linear(input, w, b);
        Tensor probs = Ops.softmax(logits);
        Tensor loss = Ops.crossEntropy(logits, target);
        tape.backward(loss);
        cmp.values("logits", logits);
        cmp.values("probs", probs);
        cmp.values("loss", loss);
        cmp.gradient("logits", logits);
    }

    /** A leaf that requires a gradient, holding the case's tensor rounded to float32. */
    static Tensor tensor(ParityCase pc, String name) {
        return Tensor.fromArray(pc.floats(name), pc.shape(name)).requiresGrad(true);
    }
}
