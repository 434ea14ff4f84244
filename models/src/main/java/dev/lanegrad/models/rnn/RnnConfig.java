package dev.lanegrad.models.rnn;

/**
 * The hyper-parameters of a recurrent stack, with PyTorch's meaning (nn.RNN / nn.LSTM / nn.GRU).
 *
 * @param dropout probability of zeroing an element of layer k's output before layer k+1 reads it,
 *                only in training and never after the last layer; in [0, 1]
 */
public record RnnConfig(RnnMode mode, int inputSize, int hiddenSize, int numLayers,
                        boolean bias, boolean bidirectional, float dropout) {

    public RnnConfig {
        if (mode == null) {
            throw new IllegalArgumentException("mode is null, expected one of RNN_TANH, RNN_RELU, LSTM, GRU");
        }
        if (inputSize < 1) {
            throw new IllegalArgumentException("inputSize = " + inputSize + ", expected >= 1");
        }
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hiddenSize = " + hiddenSize + ", expected >= 1");
        }
        if (numLayers < 1) {
            throw new IllegalArgumentException("numLayers = " + numLayers + ", expected >= 1");
        }
        if (!(dropout >= 0f && dropout <= 1f)) {
            throw new IllegalArgumentException("dropout = " + dropout + ", expected in [0, 1]");
        }
    }

    /** A stack with biases, unidirectional, no dropout. */
    public static RnnConfig of(RnnMode mode, int inputSize, int hiddenSize, int numLayers) {
        return new RnnConfig(mode, inputSize, hiddenSize, numLayers, true, false, 0f);
    }

    public RnnConfig withBias(boolean b) {
        return new RnnConfig(mode, inputSize, hiddenSize, numLayers, b, bidirectional, dropout);
    }

    public RnnConfig withBidirectional(boolean b) {
        return new RnnConfig(mode, inputSize, hiddenSize, numLayers, bias, b, dropout);
    }

    public RnnConfig withDropout(float p) {
        return new RnnConfig(mode, inputSize, hiddenSize, numLayers, bias, bidirectional, p);
    }

    /** D: 2 when bidirectional, else 1. */
    public int directions() {
        return bidirectional ? 2 : 1;
    }

    /** G * H: the rows of every weight matrix and bias. */
    public int gateRows() {
        return mode.gates() * hiddenSize;
    }

    /** The input features of layer k: inputSize for k = 0, D * H above. */
    public int layerInputSize(int layer) {
        return layer == 0 ? inputSize : directions() * hiddenSize;
    }

    /** D * H: the features of the output. */
    public int outputSize() {
        return directions() * hiddenSize;
    }

    /** L * D: the first dimension of h0 / h_n / c0 / c_n. */
    public int stateCount() {
        return numLayers * directions();
    }
}
