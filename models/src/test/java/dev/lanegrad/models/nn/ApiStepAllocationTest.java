package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's S3 step through the public API (bench RnnWorkloads.trainingApi): zeroGrad, the layer as
 * one tape node, Ops.mseLoss on all outputs, backward, reset; x does not require a gradient. Our per-step
 * objects (tape nodes, tensors, views, small arrays) do not depend on the sizes, so small sizes measure
 * what the real S3 (I=128, H=256, B=32, T=50) allocates per step. Bytes of this thread
 * (com.sun.management.ThreadMXBean), on the scalar kernels (see models/pom.xml), never time.
 */
class ApiStepAllocationTest {

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    static RecurrentLayer layer(String cell, int input, int hidden) {
        return switch (cell) {
            case "rnn" -> RNN.builder(input, hidden).seed(1).build();
            case "lstm" -> LSTM.builder(input, hidden).seed(1).build();
            default -> GRU.builder(input, hidden).seed(1).build();
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "rnn"})
    void theS3StepThroughTheApiAllocatesUnderOneKilobyte(String cell) {
        int i = 16, h = 32, b = 4, t = 5;
        RecurrentLayer layer = layer(cell, i, h);
        Tensor x = Tensor.normal(0f, 1f, 2, t, b, i);
        Tensor target = Tensor.normal(0f, 1f, 3, t, b, h);
        int warmup = 20000;
        int measured = 2000;
        long mean;
        try (Tape tape = new Tape()) {
            for (int step = 0; step < warmup; step++) {
                step(layer, x, target, tape);
            }
            // one reading around all measured steps: a reading itself allocates (~0.8 KB on JDK 17)
            long before = allocatedBytes();
            for (int step = 0; step < measured; step++) {
                step(layer, x, target, tape);
            }
            mean = (allocatedBytes() - before) / measured;
        }
        System.out.println("S3 api step (" + cell + " I=" + i + " H=" + h + " B=" + b + " T=" + t + ", scalar kernels): mean "
                + mean + " bytes per step");
        assertTrue(mean < 1024, cell + ": the S3 step through the API allocated " + mean + " bytes per step on average");
    }

    /** One S3 step as the benchmark writes it. */
    private static void step(RecurrentLayer layer, Tensor x, Tensor target, Tape tape) {
        layer.zeroGrad();
        Tensor loss = Ops.mseLoss(layer.forward(x).output(), target);
        tape.backward(loss);
        float value = loss.item();
        tape.reset();
        assertTrue(Float.isFinite(value));
    }
}
