package dev.lanegrad.autograd;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PyTorch's golden tensors (shared/parity): forward values and every gradient, within
 * atol 1e-5 + rtol 1e-4 of the float64 answer. The inputs are read from the _f64 file (they are
 * bit-identical float32 values in both files); the _f32 file must hold the same inputs.
 */
class ParityTest {

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;

    private static void assertClose(ParityJson.Case ref, String name, float[] mine, int[] shape) {
        assertArrayEquals(ref.shape(name), shape, name + ": shape");
        double[] want = ref.values(name);
        assertEquals(want.length, mine.length, name + ": size");
        for (int i = 0; i < want.length; i++) {
            double diff = Math.abs(mine[i] - want[i]);
            assertTrue(diff <= ATOL + RTOL * Math.abs(want[i]),
                    name + "[" + i + "]: lanegrad " + mine[i] + ", PyTorch float64 " + want[i] + ", |diff| " + diff);
        }
    }

    private static void assertSameInputs(ParityJson.Case a, ParityJson.Case b, String... names) {
        for (String n : names) {
            assertArrayEquals(a.values(n), b.values(n), n + ": the _f32 and _f64 files must hold the same inputs");
        }
    }

    @Test
    void linearCrossEntropy() throws Exception {
        ParityJson.Case ref = ParityJson.load("/parity/linear_ce_f64.json");
        assertSameInputs(ref, ParityJson.load("/parity/linear_ce_f32.json"), "weight", "bias", "x", "target");
        Tensor w = ref.tensor32("weight").requiresGrad(true);
        Tensor b = ref.tensor32("bias").requiresGrad(true);
        Tensor x = ref.tensor32("x").requiresGrad(true);
        int[] target = ref.ints("target");
        try (Tape tape = new Tape()) {
            Tensor logits = Ops.linear(x, w, b);
            Tensor probs = Ops.softmax(logits);
            Tensor loss = Ops.crossEntropy(logits, target);
            tape.backward(loss);
            assertClose(ref, "logits", logits.toArray(), logits.shape());
            assertClose(ref, "probs", probs.toArray(), probs.shape());
            assertClose(ref, "loss", loss.toArray(), loss.shape());
            assertClose(ref, "grad.logits", logits.gradToArray(), logits.shape());
        }
        assertClose(ref, "grad.weight", w.gradToArray(), w.shape());
        assertClose(ref, "grad.bias", b.gradToArray(), b.shape());
        assertClose(ref, "grad.x", x.gradToArray(), x.shape());
    }

    @Test
    void embeddingLinearCrossEntropy() throws Exception {
        ParityJson.Case ref = ParityJson.load("/parity/embedding_ce_f64.json");
        assertSameInputs(ref, ParityJson.load("/parity/embedding_ce_f32.json"),
                "embedding.weight", "linear.weight", "linear.bias", "indices", "target");
        Tensor table = ref.tensor32("embedding.weight").requiresGrad(true);
        Tensor w = ref.tensor32("linear.weight").requiresGrad(true);
        Tensor b = ref.tensor32("linear.bias").requiresGrad(true);
        int[] indices = ref.ints("indices");
        int[] target = ref.ints("target");
        try (Tape tape = new Tape()) {
            Tensor embedded = Ops.embedding(table, indices, ref.shape("indices"));
            Tensor logits = Ops.linear(embedded, w, b);
            Tensor loss = Ops.crossEntropy(logits, target);
            tape.backward(loss);
            assertClose(ref, "embedded", embedded.toArray(), embedded.shape());
            assertClose(ref, "logits", logits.toArray(), logits.shape());
            assertClose(ref, "loss", loss.toArray(), loss.shape());
        }
        assertClose(ref, "grad.embedding.weight", table.gradToArray(), table.shape());
        assertClose(ref, "grad.linear.weight", w.gradToArray(), w.shape());
        assertClose(ref, "grad.linear.bias", b.gradToArray(), b.shape());
    }
}
