package com.example;

import dev.lanegrad.autograd.GradCheck;
import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.autograd.testing.SquareOp;
import dev.lanegrad.autograd.testing.TensorArbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The README's user examples, compiled outside the autograd package: the public API is enough. */
class UserPropertyExample {

    // ---- the README's ten-line property test ----
    @Property(tries = 50)
    void myLayerHasTheRightGradient(@ForAll("matrices") Tensor x, @ForAll("matrices") Tensor w) {
        GradCheck.assertGradients(in -> Ops.sum(Ops.tanh(Ops.matmul(in[0], in[1], false, true))), x, w);
    }

    @Provide
    Arbitrary<Tensor> matrices() {
        return TensorArbitraries.tensors(new int[] {3, 4}, -1f, 1f);
    }

    // ---- a custom op written outside the package (testing.SquareOp: y = x^2) ----
    @Test
    void aCustomOpFromAnotherPackage() {
        Tensor x = Tensor.fromArray(new float[] {1f, -2f}, 2).requiresGrad(true);
        try (Tape tape = new Tape()) {
            Tensor loss = Ops.sum(new SquareOp().apply(x)[0]);
            assertEquals(5f, loss.item());
            tape.backward(loss);
        }
        assertEquals(2f, x.gradToArray()[0]);
        assertEquals(-4f, x.gradToArray()[1]);
        GradCheck.full().check(in -> new SquareOp().apply(in)[0], x).assertPassed();
    }

    @Test
    void readmeTrainingLoop() {
        Tensor w = Tensor.normal(0f, 0.1f, 1, 3, 4).requiresGrad(true).named("w");
        Tensor b = Tensor.zeros(3).requiresGrad(true).named("b");
        Tensor x = Tensor.normal(0f, 1f, 2, 8, 4);
        int[] y = {0, 1, 2, 0, 1, 2, 0, 1};
        float first = Float.NaN, last = Float.NaN;
        try (Tape tape = new Tape()) {
            for (int step = 0; step < 50; step++) {
                Tensor loss = Ops.crossEntropy(Ops.linear(x, w, b), y);
                tape.backward(loss);
                last = loss.item();
                if (step == 0) {
                    first = last;
                }
                for (Tensor p : new Tensor[] {w, b}) {
                    float[] d = p.data(), g = p.grad();
                    for (int i = 0; i < p.size(); i++) {
                        d[p.offset() + i] -= 0.5f * g[p.gradOffset() + i];
                    }
                    p.zeroGrad();
                }
                tape.reset();
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(last < first, first + " -> " + last);
    }
}
