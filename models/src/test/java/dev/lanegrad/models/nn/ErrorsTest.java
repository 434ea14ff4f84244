package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A wrong call fails with an IllegalArgumentException naming what was given and what was expected. */
class ErrorsTest {

    private static void fails(String message, Executable call) {
        try (Tape tape = new Tape()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
            assertEquals(message, e.getMessage());
        }
    }

    @Test
    void shapes() {
        LSTM lstm = LSTM.builder(64, 8).batchFirst(true).build();
        fails("x has shape [32, 50, 128], expected [*, *, 64] ([B, T, I]: batchFirst)",
                () -> lstm.forward(Tensor.zeros(32, 50, 128)));
        fails("x has shape [50, 64], expected [*, *, 64] ([B, T, I]: batchFirst)", () -> lstm.forward(Tensor.zeros(50, 64)));
        fails("h0 has shape [1, 3, 8], expected [1, 2, 8] ([L*D, B, H])",
                () -> lstm.forward(Tensor.zeros(2, 5, 64), null, Tensor.zeros(1, 3, 8), null));
        fails("lengths[1] = 6, expected in [1, 5]", () -> lstm.forward(Tensor.zeros(2, 5, 64), new int[] {5, 6}));
        fails("lengths has 3 entries, expected one per row of the batch, 2",
                () -> lstm.forward(Tensor.zeros(2, 5, 64), new int[] {5, 5, 5}));
        GRU gru = new GRU(4, 3);
        fails("c0 given, but a GRU has no cell state (only LSTM does)",
                () -> gru.forward(Tensor.zeros(2, 1, 4), null, null, Tensor.zeros(1, 1, 3)));
        fails("x has shape [2, 5], expected [..., 4]", () -> new Linear(4, 2).forward(Tensor.zeros(2, 5)));
        fails("x has shape [2, 5], expected [*, 4]", () -> new GRUCell(4, 3).forward(Tensor.zeros(2, 5), null));
        fails("h has shape [2, 4], expected [2, 3] ([L*D, B, H])",
                () -> new RNNCell(4, 3).forward(Tensor.zeros(2, 4), Tensor.zeros(2, 4)));
    }

    @Test
    void tokenIds() {
        Embedding emb = new Embedding(65, 4, 0);
        fails("token id 97 outside a vocabulary of 65", () -> emb.forward(new int[] {1, 97, 3}));
        fails("token id -1 outside a vocabulary of 65", () -> emb.forward(new int[] {-1}));
        fails("3 token ids for the shape [2, 2] of 4 elements", () -> emb.forward(new int[] {1, 2, 3}, 2, 2));
    }

    @Test
    void options() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LSTM.builder(2, 3).nonlinearity("relu"));
        assertEquals("nonlinearity is an option of RNN, not of LSTM", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RNN.builder(2, 3).nonlinearity("gelu"));
        assertEquals("nonlinearity 'gelu', expected tanh or relu", e.getMessage());
    }
}
