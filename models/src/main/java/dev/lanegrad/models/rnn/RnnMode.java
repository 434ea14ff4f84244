package dev.lanegrad.models.rnn;

/** The four recurrent cells of PyTorch's nn.RNN / nn.LSTM / nn.GRU, with their gate count G. */
public enum RnnMode {
    /** h = tanh(W_ih x + b_ih + W_hh h + b_hh) */
    RNN_TANH(1),
    /** h = relu(W_ih x + b_ih + W_hh h + b_hh) */
    RNN_RELU(1),
    /** gates (i, f, g, o); c = f * c + i * g; h = o * tanh(c) */
    LSTM(4),
    /** gates (r, z, n); n = tanh(W_in x + b_in + r * (W_hn h + b_hn)); h = (1 - z) * n + z * h */
    GRU(3);

    private final int gates;

    RnnMode(int gates) {
        this.gates = gates;
    }

    /** G: how many blocks of H rows W_ih, W_hh and the biases have. */
    public int gates() {
        return gates;
    }

    /** Whether the cell carries a second state c (only LSTM). */
    public boolean hasCell() {
        return this == LSTM;
    }
}
