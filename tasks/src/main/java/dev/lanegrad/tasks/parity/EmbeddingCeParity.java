package dev.lanegrad.tasks.parity;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.io.ParityCase;

import static dev.lanegrad.tasks.parity.LinearCeParity.tensor;

/**
 * An embedding_ce case through autograd: embedded = rows of embedding.weight at indices,
 * logits = embedded linear.weight^T + linear.bias, loss = mean cross-entropy over every position.
 * The layout of indices (time- or batch-first) carries through to embedded and logits unchanged.
 */
final class EmbeddingCeParity {

    static final String MODULE = "EmbeddingLinearCrossEntropy";

    private EmbeddingCeParity() {
    }

    static void compare(ParityCase pc, Comparison cmp) {
        Tensor table = tensor(pc, "embedding.weight");
        Tensor w = tensor(pc, "linear.weight");
        Tensor b = pc.has("linear.bias") ? tensor(pc, "linear.bias") : null;
        int[] indices = pc.ints("indices");
        int[] target = pc.ints("target");
        int vocabulary = table.dim(0);
        for (int id : indices) {
            if (id < 0 || id >= vocabulary) {
                throw new IllegalArgumentException(pc.source() + ": token id " + id + " outside a vocabulary of " + vocabulary);
            }
        }
        try (Tape tape = new Tape()) {
            Tensor embedded = Ops.embedding(table, indices, pc.shape("indices"));
            cmp.values("embedded", embedded);
            LinearCeParity.crossEntropyBackward(tape, embedded, w, b, target, cmp);
            cmp.gradient("embedded", embedded);
        }
        cmp.gradient("embedding.weight", table);
        cmp.gradient("linear.weight", w);
        cmp.gradient("linear.bias", b);
    }
}
