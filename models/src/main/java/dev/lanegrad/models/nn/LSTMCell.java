package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.rnn.RnnMode;

/** PyTorch's nn.LSTMCell as a tape op: (x [B, I], h [B, H], c [B, H]) -> (h', c'). */
public final class LSTMCell extends RecurrentCell {

    /** h' and c', each [B, H]. */
    public record Output(Tensor h, Tensor c) {
    }

    public LSTMCell(int inputSize, int hiddenSize, boolean bias, long seed) {
        super(RnnMode.LSTM, inputSize, hiddenSize, bias, seed);
    }

    public LSTMCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, 0L);
    }

    /** h and c may be null (zeros). */
    public Output forward(Tensor x, Tensor h, Tensor c) {
        Tensor[] hc = step(x, h, c);
        return new Output(hc[0], hc[1]);
    }
}
