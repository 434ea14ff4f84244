package dev.lanegrad.models.nn;

import dev.lanegrad.models.rnn.RnnConfig;
import dev.lanegrad.models.rnn.RnnMode;

import java.io.IOException;
import java.nio.file.Path;

/**
 * PyTorch's nn.RNN (Elman): {@code h = tanh(W_ih x + b_ih + W_hh h + b_hh)}, or relu with
 * {@code builder(...).nonlinearity("relu")}; parameters named as PyTorch's.
 */
public final class RNN extends RecurrentLayer {

    public RNN(RnnConfig cfg, boolean batchFirst, long seed) {
        super(cfg, batchFirst, seed);
    }

    /** One tanh layer, time-major, seed 0. */
    public RNN(int inputSize, int hiddenSize) {
        this(RnnConfig.of(RnnMode.RNN_TANH, inputSize, hiddenSize, 1), false, 0L);
    }

    public static Builder<RNN> builder(int inputSize, int hiddenSize) {
        return new Builder<>(RnnMode.RNN_TANH, inputSize, hiddenSize, RNN::new);
    }

    /** Builds the layer from a checkpoint's metadata (written by {@link #save}) and loads its parameters. */
    public static RNN load(Path file) throws IOException {
        return load(file, RNN.class);
    }
}
