package dev.lanegrad.models.nn;

import dev.lanegrad.models.rnn.RnnConfig;
import dev.lanegrad.models.rnn.RnnMode;

import java.io.IOException;
import java.nio.file.Path;

/**
 * PyTorch's nn.LSTM, exact to it: parameters {@code weight_ih_l{k}[_reverse]} [G*H, I], {@code weight_hh_l{k}}
 * [G*H, H], {@code bias_ih_l{k}}, {@code bias_hh_l{k}} [G*H], gates (i, f, g, o).
 * <pre>{@code
 * LSTM layer = LSTM.builder(64, 128).numLayers(2).dropout(0.1f).batchFirst(true).seed(7).build();
 * RecurrentOutput out = layer.forward(x);            // x [B, T, 64] -> out.output() [B, T, 128]
 * }</pre>
 */
public final class LSTM extends RecurrentLayer {

    public LSTM(RnnConfig cfg, boolean batchFirst, long seed) {
        super(cfg, batchFirst, seed);
    }

    /** One layer, time-major, seed 0. */
    public LSTM(int inputSize, int hiddenSize) {
        this(RnnConfig.of(RnnMode.LSTM, inputSize, hiddenSize, 1), false, 0L);
    }

    public LSTM(int inputSize, int hiddenSize, int numLayers, long seed) {
        this(RnnConfig.of(RnnMode.LSTM, inputSize, hiddenSize, numLayers), false, seed);
    }

    public static Builder<LSTM> builder(int inputSize, int hiddenSize) {
        return new Builder<>(RnnMode.LSTM, inputSize, hiddenSize, LSTM::new);
    }

    /** Builds the layer from a checkpoint's metadata (written by {@link #save}) and loads its parameters. */
    public static LSTM load(Path file) throws IOException {
        return load(file, LSTM.class);
    }
}
