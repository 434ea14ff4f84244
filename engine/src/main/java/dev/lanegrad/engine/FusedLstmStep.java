package dev.lanegrad.engine;

/**
 * An LSTM inference step in one pass over the weights: a {@link PrepackedGemm} that can also run the step's
 * two products, its biases and its gate arithmetic per register tile, so the step's gate pre-activations
 * (rows x 4H floats) are never stored and read back. Callers test with {@code instanceof}, ask {@link #fusesLstm}
 * and otherwise run the step unfused (the products, {@link ArrayOps#addRowBias} and
 * {@link RecurrentKernels#lstmForward}).
 *
 * <pre>
 * packLstm:  P = W (4H, k) as the step reads it (W_ih or W_hh in PyTorch's layout: gate rows i, f, g, o)
 * lstmStep:  gates = ((x W_ih^T + b_ih) + b_hh) + hPrev W_hh^T   (rows independent)
 *            i, f, o = sigmoid, g = tanh;  c = f cPrev + i g;  h = o tanh(c)
 * </pre>
 * Each element is computed with the operations, in the order, of the unfused step on the same engine: each
 * product as {@link PrepackedGemm#multiply} sums it, the biases added one after the other, the activations
 * of {@link RecurrentKernels#lstmForward}; so the two give the same bits. The packed layout is the
 * implementation's own.
 */
public interface FusedLstmStep {

    /** Whether {@link #lstmStep} serves an input of inputSize features and a hidden size of hidden. */
    boolean fusesLstm(int inputSize, int hidden);

    /** Floats needed to hold W (4 * hidden, k) packed for the step. */
    int lstmPackedSize(int k, int hidden);

    /** Packs W (4 * hidden, k) at wOff, row stride k, into packed[packedOff, packedOff + lstmPackedSize). */
    void packLstm(int k, int hidden, float[] w, int wOff, float[] packed, int packedOff);

    /**
     * One step of `rows` rows, on the calling thread. x (rows, inputSize), hPrev, cPrev, h and c (rows, hidden)
     * are stored row after row; packedIh and packedHh hold W_ih and W_hh as {@link #packLstm} packs them;
     * bih and bhh (4 * hidden each) are both null for an LSTM without biases. h and c must not overlap hPrev,
     * cPrev or x.
     */
    void lstmStep(int rows, int inputSize, int hidden, float[] x, int xOff, float[] hPrev, int hPrevOff,
                  float[] packedIh, int packedIhOff, float[] packedHh, int packedHhOff,
                  float[] bih, int bihOff, float[] bhh, int bhhOff,
                  float[] cPrev, int cPrevOff, float[] h, int hOff, float[] c, int cOff);
}
