package dev.lanegrad.autograd;

import dev.lanegrad.io.ParityCase;
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

    private static ParityCase load(String resource) throws java.io.IOException {
        return ParityCase.readResource(ParityTest.class, resource);
    }

    /** The tensor as a float32 leaf (exact: the inputs of both files are float32 values). */
    private static Tensor tensor32(ParityCase ref, String name) {
        return Tensor.fromArray(ref.floats(name), ref.shape(name)).named(name);
    }

    private static void assertClose(ParityCase ref, String name, float[] mine, int[] shape) {
        assertArrayEquals(ref.shape(name), shape, name + ": shape");
        double[] want = ref.doubles(name);
        assertEquals(want.length, mine.length, name + ": size");
        for (int i = 0; i < want.length; i++) {
            double diff = Math.abs(mine[i] - want[i]);
            assertTrue(diff <= ATOL + RTOL * Math.abs(want[i]),
                    name + "[" + i + "]: lanegrad " + mine[i] + ", PyTorch float64 " + want[i] + ", |diff| " + diff);
        }
    }

    private static void assertSameInputs(ParityCase a, ParityCase b, String... names) {
        for (String n : names) {
            assertArrayEquals(a.doubles(n), b.doubles(n), n + ": the _f32 and _f64 files must hold the same inputs");
        }
    }

    @Test
    void linearCrossEntropy() throws Exception {
        ParityCase ref = load("/parity/linear_ce_f64.json");
        assertSameInputs(ref, load("/parity/linear_ce_f32.json"), "weight", "bias", "x", "target");
        Tensor w = tensor32(ref, "weight").requiresGrad(true);
        Tensor b = tensor32(ref, "bias").requiresGrad(true);
        Tensor x = tensor32(ref, "x").requiresGrad(true);
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
        ParityCase ref = load("/parity/embedding_ce_f64.json");
        assertSameInputs(ref, load("/parity/embedding_ce_f32.json"),
                "embedding.weight", "linear.weight", "linear.bias", "indices", "target");
        Tensor table = tensor32(ref, "embedding.weight").requiresGrad(true);
        Tensor w = tensor32(ref, "linear.weight").requiresGrad(true);
        Tensor b = tensor32(ref, "linear.bias").requiresGrad(true);
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
