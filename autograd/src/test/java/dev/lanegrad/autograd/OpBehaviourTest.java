package dev.lanegrad.autograd;

import org.junit.jupiter.api.Test;

import static dev.lanegrad.autograd.testing.TensorArbitraries.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What GradCheck cannot see: values, special indices, modes. */
class OpBehaviourTest {

    @Test
    void embeddingPaddingRowGetsNoGradientAndRepeatedIdsAdd() {
        Tensor table = tensor(1, -1f, 1f, 4, 2);
        try (Tape tape = new Tape()) {
            Tensor e = Ops.embedding(table, new int[] {0, 2, 2, 3, 0}, new int[] {5}, 0);
            assertArrayEquals(new int[] {5, 2}, e.shape());
            assertEquals(table.get(4), e.get(2));
            tape.backward(Ops.sum(e));
        }
        assertArrayEquals(new float[] {0f, 0f, 0f, 0f, 2f, 2f, 1f, 1f}, table.gradToArray());
    }

    @Test
    void dropoutIsSeededScaledAndTheIdentityInEval() {
        Tensor x = Tensor.ones(1000);
        try (Tape tape = new Tape()) {
            assertSame(x, Ops.dropout(x, 0.5f, 1, false));
            float[] a = Ops.dropout(x, 0.25f, 7, true).toArray();
            float[] b = Ops.dropout(x, 0.25f, 7, true).toArray();
            float[] c = Ops.dropout(x, 0.25f, 8, true).toArray();
            assertArrayEquals(a, b);
            assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
            int dropped = 0;
            for (float v : a) {
                assertTrue(v == 0f || Math.abs(v - 1f / 0.75f) < 1e-6, "kept values are scaled by 1/(1-p)");
                dropped += v == 0f ? 1 : 0;
            }
            assertTrue(dropped > 200 && dropped < 300, dropped + " of 1000 dropped at p = 0.25");
        }
    }

    @Test
    void crossEntropyIgnoresAndWeights() {
        Tensor logits = tensor(3, -2f, 2f, 3, 4);
        int[] targets = {1, -100, 3};
        try (Tape tape = new Tape()) {
            Tensor lsm = Ops.logSoftmax(logits);
            double l0 = -lsm.get(1), l2 = -lsm.get(8 + 3);
            assertEquals((l0 + l2) / 2, Ops.crossEntropy(logits, targets).item(), 1e-6);
            assertEquals(l0 + l2, Ops.crossEntropy(logits, targets, -100, null, Reduction.SUM).item(), 1e-6);
            Tensor w = Tensor.fromArray(new float[] {0.5f, 9f, 2f}, 3);
            assertEquals((0.5 * l0 + 2 * l2) / 2.5, Ops.crossEntropy(logits, targets, -100, w, Reduction.MEAN).item(), 1e-6);
            Tensor mask = Tensor.fromArray(new float[] {0f, 1f, 1f}, 3);
            assertEquals(l2, Ops.crossEntropy(logits, targets, -100, mask, Reduction.MEAN).item(), 1e-6);
        }
    }

    @Test
    void crossEntropyDoesNotOverflowOnLargeLogits() {
        Tensor logits = Tensor.fromArray(new float[] {100f, -100f, 90f}, 1, 3).requiresGrad(true);
        try (Tape tape = new Tape()) {
            Tensor loss = Ops.crossEntropy(logits, new int[] {2});
            assertEquals(10f, loss.item(), 1e-3);
            tape.backward(loss);
        }
        float[] g = logits.gradToArray();
        assertEquals(1f, g[0], 1e-4);
        assertEquals(-1f, g[2], 1e-4);
    }

    @Test
    void reductionsAndSplitValues() {
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        try (Tape tape = new Tape()) {
            assertEquals(21f, Ops.sum(x).item());
            assertEquals(3.5f, Ops.mean(x).item());
            assertArrayEquals(new float[] {5, 7, 9}, Ops.sum(x, 0).toArray());
            assertArrayEquals(new float[] {2, 5}, Ops.mean(x, 1).toArray());
            Tensor[] parts = Ops.split(x, 1, 2);
            assertArrayEquals(new float[] {1, 4}, parts[0].toArray());
            assertArrayEquals(new float[] {2, 3, 5, 6}, parts[1].toArray());
            assertArrayEquals(x.toArray(), Ops.concat(parts).toArray());
        }
        try (Tape tape = new Tape()) {
            Ops.split(x.requiresGrad(true), 1, 1, 1);
            assertEquals(1, tape.size(), "split is one node with several outputs");
        }
    }
}
