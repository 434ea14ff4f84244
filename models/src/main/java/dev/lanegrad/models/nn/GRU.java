package dev.lanegrad.models.nn;

import dev.lanegrad.models.rnn.RnnConfig;
import dev.lanegrad.models.rnn.RnnMode;

import java.io.IOException;
import java.nio.file.Path;

/**
 * PyTorch's nn.GRU, exact to it: parameters {@code weight_ih_l{k}[_reverse]} [G*H, I], {@code weight_hh_l{k}}
 * [G*H, H], {@code bias_ih_l{k}}, {@code bias_hh_l{k}} [G*H], gates (r, z, n).
 * <pre>{@code
 * GRU layer = GRU.builder(64, 128).numLayers(2).dropout(0.1f).batchFirst(true).seed(7).build();
 * RecurrentOutput out = layer.forward(x);            // x [B, T, 64] -> out.output() [B, T, 128]
 * }</pre>
 */
public final class GRU extends RecurrentLayer {

    public GRU(RnnConfig cfg, boolean batchFirst, long seed) {
        super(cfg, batchFirst, seed);
    }

    /** One layer, time-major, seed 0. */
    public GRU(int inputSize, int hiddenSize) {
        this(RnnConfig.of(RnnMode.GRU, inputSize, hiddenSize, 1), false, 0L);
    }

    public GRU(int inputSize, int hiddenSize, int numLayers, long seed) {
        this(RnnConfig.of(RnnMode.GRU, inputSize, hiddenSize, numLayers), false, seed);
    }

    public static Builder<GRU> builder(int inputSize, int hiddenSize) {
        return new Builder<>(RnnMode.GRU, inputSize, hiddenSize, GRU::new);
    }

    /** Builds the layer from a checkpoint's metadata (written by {@link #save}) and loads its parameters. */
    public static GRU load(Path file) throws IOException {
        return load(file, GRU.class);
    }
}
