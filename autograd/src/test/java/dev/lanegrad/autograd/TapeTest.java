package dev.lanegrad.autograd;

import org.junit.jupiter.api.Test;

import static dev.lanegrad.autograd.testing.TensorArbitraries.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TapeTest {

    @Test
    void fanOutAccumulates() {
        Tensor x = Tensor.fromArray(new float[] {1f, -2f, 3f}, 3).requiresGrad(true);
        try (Tape tape = new Tape()) {
            // y = sum(x * x + x): dy/dx = 2x + 1, x used three times
            Tensor y = Ops.sum(Ops.add(Ops.mul(x, x), x));
            tape.backward(y);
        }
        assertArrayEquals(new float[] {3f, -3f, 7f}, x.gradToArray());
        try (Tape tape = new Tape()) {
            tape.backward(Ops.sum(x));
        }
        assertArrayEquals(new float[] {4f, -2f, 8f}, x.gradToArray(), "leaf gradients accumulate across steps");
        x.zeroGrad();
        assertArrayEquals(new float[] {0f, 0f, 0f}, x.gradToArray());
    }

    @Test
    void backwardIsLinearInTheUpstreamGradient() {
        Tensor w = tensor(1, -1f, 1f, 4, 3), b = tensor(2, -1f, 1f, 4);
        Tensor x = tensor(3, -1f, 1f, 5, 3).requiresGrad(false);
        Tensor g1 = tensor(4, -1f, 1f, 5, 4), g2 = tensor(5, -1f, 1f, 5, 4);
        float alpha = 0.7f, beta = -1.3f;
        float[] combo = new float[20];
        for (int i = 0; i < 20; i++) {
            combo[i] = alpha * g1.get(i) + beta * g2.get(i);
        }
        float[][] grads = new float[3][];
        Tensor[] ups = {g1, g2, Tensor.fromArray(combo, 5, 4)};
        for (int k = 0; k < 3; k++) {
            w.zeroGrad();
            b.zeroGrad();
            try (Tape tape = new Tape()) {
                tape.backward(Ops.tanh(Ops.linear(x, w, b)), ups[k]);
            }
            grads[k] = w.gradToArray();
        }
        for (int i = 0; i < grads[0].length; i++) {
            assertEquals(alpha * grads[0][i] + beta * grads[1][i], grads[2][i], 1e-5);
        }
    }

    @Test
    void noGradRecordsNothing() {
        Tensor w = tensor(1, -1f, 1f, 3, 3);
        try (Tape tape = new Tape()) {
            try (Tape.NoGrad ng = tape.noGrad()) {
                Tensor y = Ops.sum(Ops.tanh(Ops.matmul(w, w)));
                assertEquals(0, tape.size());
                assertFalse(y.requiresGrad());
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> tape.backward(y));
                assertTrue(e.getMessage().contains("noGrad"), e.getMessage());
            }
            assertTrue(tape.recording());
            Ops.tanh(w);
            assertEquals(1, tape.size());
        }
        assertFalse(w.hasGrad());
    }

    @Test
    void aResetTensorAndASecondBackwardFailClearly() {
        Tensor w = tensor(1, -1f, 1f, 2, 2).named("w");
        try (Tape tape = new Tape()) {
            Tensor h = Ops.tanh(w).named("h");
            Tensor loss = Ops.sum(h);
            tape.backward(loss);
            IllegalStateException twice = assertThrows(IllegalStateException.class, () -> tape.backward(loss));
            assertTrue(twice.getMessage().contains("already called"), twice.getMessage());
            tape.reset();
            IllegalStateException stale = assertThrows(IllegalStateException.class, () -> Ops.exp(h));
            assertTrue(stale.getMessage().contains("'h'") && stale.getMessage().contains("reset"), stale.getMessage());
            assertThrows(IllegalStateException.class, h::data);
            tape.backward(Ops.sum(Ops.tanh(w))); // fine again after reset
        }
    }

    @Test
    void opsNeedAnOpenTape() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Ops.tanh(Tensor.ones(2)));
        assertTrue(e.getMessage().contains("new Tape()"), e.getMessage());
        assertNull(Tape.current());
    }

    @Test
    void tapesNestAndRestoreTheCurrentOne() {
        try (Tape outer = new Tape()) {
            try (Tape inner = new Tape()) {
                assertSame(inner, Tape.current());
            }
            assertSame(outer, Tape.current());
        }
        assertNull(Tape.current());
    }

    @Test
    void theArenaStopsGrowingAfterTheFirstStep() {
        Tensor w = tensor(1, -1f, 1f, 16, 8);
        Tensor x = tensor(2, -1f, 1f, 32, 8).requiresGrad(false);
        try (Tape tape = new Tape()) {
            int capacity = -1;
            for (int step = 0; step < 5; step++) {
                Tensor loss = Ops.mean(Ops.tanh(Ops.linear(x, w, null)));
                tape.backward(loss);
                tape.reset();
                if (step == 1) {
                    capacity = tape.arena().capacity();
                }
                if (step > 1) {
                    assertEquals(capacity, tape.arena().capacity());
                }
            }
        }
    }

    @Test
    void viewsShareDataAndGradient() {
        Tensor x = tensor(1, -1f, 1f, 3, 4);
        Tensor row = x.select(1);
        assertEquals(x.get(4), row.get(0));
        try (Tape tape = new Tape()) {
            tape.backward(Ops.sum(Ops.scale(row, 2f)));
        }
        float[] g = x.gradToArray();
        for (int i = 0; i < 12; i++) {
            assertEquals(i >= 4 && i < 8 ? 2f : 0f, g[i]);
        }
        assertArrayEquals(new int[] {2, 6}, x.reshape(2, -1).shape());
        assertArrayEquals(new int[] {2, 4}, x.slice(1, 3).shape());
    }

    @Test
    void intermediatesRespectOffsets() {
        // a leaf wrapping the middle of a bigger array, and ops on views of intermediates
        float[] big = new float[20];
        for (int i = 0; i < big.length; i++) {
            big[i] = i * 0.1f;
        }
        Tensor x = Tensor.wrap(big, 5, 2, 3).requiresGrad(true);
        GradCheck.full().check(in -> Ops.mul(Ops.tanh(in[0]).select(1), Ops.exp(in[0]).select(0)), x).assertPassed();
    }

    @Test
    void separateTapesOnSeparateThreadsAreIndependent() throws Exception {
        Tensor w = tensor(1, -1f, 1f, 8, 8).requiresGrad(false);
        float expected;
        try (Tape tape = new Tape()) {
            expected = Ops.sum(Ops.tanh(Ops.matmul(w, w))).item();
        }
        Thread[] threads = new Thread[4];
        float[] results = new float[4];
        for (int k = 0; k < threads.length; k++) {
            int id = k;
            threads[k] = new Thread(() -> {
                try (Tape tape = new Tape(); Tape.NoGrad ng = tape.noGrad()) {
                    for (int i = 0; i < 200; i++) {
                        results[id] = Ops.sum(Ops.tanh(Ops.matmul(w, w))).item();
                        tape.reset();
                    }
                }
            });
            threads[k].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        for (float r : results) {
            assertEquals(expected, r);
        }
    }

    @Test
    void debugModeNamesTheOpThatMadeANaN() {
        Tensor x = Tensor.fromArray(new float[] {1f, -1f}, 2).requiresGrad(true);
        try (Tape tape = new Tape().debug(true)) {
            ArithmeticException e = assertThrows(ArithmeticException.class, () -> Ops.sum(Ops.log(Ops.tanh(x))));
            assertTrue(e.getMessage().startsWith("log produced NaN at [1]"), e.getMessage());
        }
        try (Tape tape = new Tape()) {
            assertTrue(Float.isNaN(Ops.sum(Ops.log(Ops.tanh(x))).item()), "without the flag NaN flows on");
        }
    }
}
