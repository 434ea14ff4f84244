package dev.lanegrad.models.rnn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A wrong call names what was wrong and what was expected. */
class RnnErrorsTest {

    private final RnnConfig cfg = new RnnConfig(RnnMode.LSTM, 64, 8, 2, true, false, 0f);
    private final Rnn rnn = new Rnn(RnnParameters.initUniform(cfg, 1L));

    private static String message(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    private void forward(FloatView x, int[] lengths, FloatView h0, FloatView c0, FloatView out, FloatView hn) {
        rnn.forward(new RnnWorkspace(), x, lengths, h0, c0, false, 0L, out, hn, null);
    }

    @Test
    void wrongInputFeatures() {
        String m = message(() -> forward(FloatView.zeros(32, 50, 128), null, null, null, FloatView.zeros(32, 50, 8), null));
        assertEquals("x has shape [32, 50, 128], expected [*, *, 64] (time-major [T, B, I])", m);
        m = message(() -> forward(FloatView.zeros(32, 64), null, null, null, FloatView.zeros(32, 50, 8), null));
        assertTrue(m.startsWith("x has shape [32, 64], expected [*, *, 64]"), m);
        m = message(() -> forward(FloatView.zeros(0, 2, 64), null, null, null, FloatView.zeros(0, 2, 8), null));
        assertTrue(m.contains("at least one time step"), m);
    }

    @Test
    void wrongStateAndOutputShapes() {
        FloatView x = FloatView.zeros(5, 3, 64);
        FloatView out = FloatView.zeros(5, 3, 8);
        assertEquals("h0 has shape [1, 3, 8], expected [2, 3, 8]",
                message(() -> forward(x, null, FloatView.zeros(1, 3, 8), null, out, null)));
        assertEquals("c0 has shape [2, 3, 9], expected [2, 3, 8]",
                message(() -> forward(x, null, null, FloatView.zeros(2, 3, 9), out, null)));
        assertEquals("output has shape [5, 3, 16], expected [5, 3, 8]",
                message(() -> forward(x, null, null, null, FloatView.zeros(5, 3, 16), null)));
        assertEquals("h_n has shape [2, 8], expected [2, 3, 8]",
                message(() -> forward(x, null, null, null, out, FloatView.zeros(2, 8))));
    }

    @Test
    void wrongLengths() {
        FloatView x = FloatView.zeros(5, 3, 64);
        FloatView out = FloatView.zeros(5, 3, 8);
        assertEquals("lengths has 2 entries, expected one per batch row (3)",
                message(() -> forward(x, new int[] {1, 2}, null, null, out, null)));
        assertEquals("lengths[1] = 6, expected in [1, 5] (T = 5)",
                message(() -> forward(x, new int[] {1, 6, 2}, null, null, out, null)));
        assertEquals("lengths[2] = 0, expected in [1, 5] (T = 5)",
                message(() -> forward(x, new int[] {1, 5, 0}, null, null, out, null)));
    }

    @Test
    void cellStateOnlyForLstm() {
        Rnn gru = new Rnn(RnnParameters.initUniform(new RnnConfig(RnnMode.GRU, 2, 3, 1, true, false, 0f), 1L));
        String m = message(() -> gru.forward(new RnnWorkspace(), FloatView.zeros(2, 1, 2), null, null, FloatView.zeros(1, 1, 3),
                false, 0L, FloatView.zeros(2, 1, 3), null, null));
        assertEquals("c0 given, but a GRU has no cell state (only LSTM does)", m);
    }

    @Test
    void backwardNeedsAForwardAndMatchingShapes() {
        RnnWorkspace ws = new RnnWorkspace();
        assertThrows(IllegalStateException.class, () -> rnn.backward(ws, null, null, null, null, null, null, null));
        rnn.forward(ws, FloatView.zeros(5, 3, 64), null, null, null, true, 0L, FloatView.zeros(5, 3, 8), null, null);
        assertEquals("dOutput has shape [5, 3, 9], expected [5, 3, 8]",
                message(() -> rnn.backward(ws, FloatView.zeros(5, 3, 9), null, null, null, null, null, null)));
        assertEquals("dx has shape [5, 3, 63], expected [5, 3, 64]",
                message(() -> rnn.backward(ws, null, null, null, null, FloatView.zeros(5, 3, 63), null, null)));
        RnnParameters other = new RnnParameters(cfg.withBias(false));
        assertTrue(message(() -> rnn.backward(ws, null, null, null, other, null, null, null)).startsWith("grads are for"));
    }

    @Test
    void badConfigurationsAndParameters() {
        assertEquals("hiddenSize = 0, expected >= 1", message(() -> RnnConfig.of(RnnMode.GRU, 3, 0, 1)));
        assertEquals("dropout = 1.5, expected in [0, 1]", message(() -> RnnConfig.of(RnnMode.GRU, 3, 2, 1).withDropout(1.5f)));
        RnnParameters p = new RnnParameters(cfg);
        assertEquals("weight_hh_l0 has shape [32, 8] (256 values), got 3 values", message(() -> p.set("weight_hh_l0", new float[3])));
        assertTrue(message(() -> p.get("weight_hh_l0_reverse")).startsWith("no parameter weight_hh_l0_reverse"));
    }

    @Test
    void streamingChecksItsArguments() {
        RnnStreamState state = rnn.newStreamState(2);
        assertEquals("x has shape [3, 64], expected [2, 64]",
                message(() -> rnn.step(state, FloatView.zeros(3, 64), FloatView.zeros(2, 8))));
        Rnn bi = new Rnn(RnnParameters.initUniform(cfg.withBidirectional(true), 1L));
        assertThrows(IllegalStateException.class, () -> bi.newStreamState(1));
    }
}
