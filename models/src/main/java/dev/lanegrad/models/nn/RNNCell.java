package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.rnn.RnnMode;

/** PyTorch's nn.RNNCell as a tape op: (x [B, I], h [B, H]) -> h' [B, H]. */
public final class RNNCell extends RecurrentCell {

    public RNNCell(int inputSize, int hiddenSize, boolean bias, boolean relu, long seed) {
        super(relu ? RnnMode.RNN_RELU : RnnMode.RNN_TANH, inputSize, hiddenSize, bias, seed);
    }

    public RNNCell(int inputSize, int hiddenSize, boolean bias, long seed) {
        this(inputSize, hiddenSize, bias, false, seed);
    }

    public RNNCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, 0L);
    }

    /** h may be null (zeros). */
    public Tensor forward(Tensor x, Tensor h) {
        return step(x, h, null)[0];
    }
}
