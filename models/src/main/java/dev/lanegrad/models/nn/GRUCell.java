package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.rnn.RnnMode;

/** PyTorch's nn.GRUCell as a tape op: (x [B, I], h [B, H]) -> h' [B, H]. */
public final class GRUCell extends RecurrentCell {

    public GRUCell(int inputSize, int hiddenSize, boolean bias, long seed) {
        super(RnnMode.GRU, inputSize, hiddenSize, bias, seed);
    }

    public GRUCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, 0L);
    }

    /** h may be null (zeros). */
    public Tensor forward(Tensor x, Tensor h) {
        return step(x, h, null)[0];
    }
}
