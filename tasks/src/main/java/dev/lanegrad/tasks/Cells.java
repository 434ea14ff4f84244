package dev.lanegrad.tasks;

import dev.lanegrad.models.nn.GRU;
import dev.lanegrad.models.nn.LSTM;
import dev.lanegrad.models.nn.RNN;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.rnn.RnnMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The recurrent cell of a task model is a {@link RnnMode}; this is how the tasks name it ({@code lstm},
 * {@code gru}, {@code rnn}: what users type after {@code --cell} and what config.json holds) and build a
 * stack of it.
 */
public final class Cells {

    private Cells() {
    }

    /** "lstm", "gru" or "rnn" (tanh); "rnn_relu" for the relu RNN. */
    public static String name(RnnMode mode) {
        return mode == RnnMode.RNN_TANH ? "rnn" : mode.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The cell named {@code text} (case-insensitive), one of {@code allowed}; the error lists them:
     * {@code cell "rnn" is not one of lstm, gru}.
     */
    public static RnnMode parse(String text, RnnMode... allowed) {
        String t = text == null ? "" : text.strip();
        List<String> names = new ArrayList<>();
        for (RnnMode m : allowed) {
            if (name(m).equalsIgnoreCase(t)) {
                return m;
            }
            names.add(name(m));
        }
        throw new IllegalArgumentException("cell \"" + text + "\" is not one of " + String.join(", ", names));
    }

    /** The cells of forecast and classify: lstm or gru. */
    public static RnnMode parseTaskCell(String text) {
        return parse(text, RnnMode.LSTM, RnnMode.GRU);
    }

    /** A time-major stack of {@code mode} cells with PyTorch's initialisation, seeded. */
    public static RecurrentLayer stack(RnnMode mode, int inputSize, int hidden, int layers, boolean bidirectional,
                                       float dropout, long seed) {
        return switch (mode) {
            case LSTM -> LSTM.builder(inputSize, hidden).numLayers(layers).bidirectional(bidirectional).dropout(dropout)
                    .seed(seed).build();
            case GRU -> GRU.builder(inputSize, hidden).numLayers(layers).bidirectional(bidirectional).dropout(dropout)
                    .seed(seed).build();
            case RNN_TANH, RNN_RELU -> RNN.builder(inputSize, hidden).numLayers(layers).bidirectional(bidirectional)
                    .dropout(dropout).nonlinearity(mode == RnnMode.RNN_RELU ? "relu" : "tanh").seed(seed).build();
        };
    }
}
