package dev.lanegrad.tasks;

import dev.lanegrad.models.nn.RecurrentLayer;

import java.util.Locale;

/** The recurrent cell a task model is built with. */
public enum CellKind {
    LSTM,
    GRU;

    /** A time-major stack of this cell. */
    public RecurrentLayer build(int inputSize, int hidden, int layers, boolean bidirectional, float dropout, long seed) {
        return switch (this) {
            case LSTM -> dev.lanegrad.models.nn.LSTM.builder(inputSize, hidden).numLayers(layers)
                    .bidirectional(bidirectional).dropout(dropout).seed(seed).build();
            case GRU -> dev.lanegrad.models.nn.GRU.builder(inputSize, hidden).numLayers(layers)
                    .bidirectional(bidirectional).dropout(dropout).seed(seed).build();
        };
    }

    /** "lstm" or "gru" (case-insensitive); the error lists the choices. */
    public static CellKind parse(String text) {
        for (CellKind k : values()) {
            if (k.name().equalsIgnoreCase(text.strip())) {
                return k;
            }
        }
        throw new IllegalArgumentException("cell \"" + text + "\" is not one of lstm, gru");
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
