package dev.lanegrad.spark.score;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.nn.RecurrentOutput;

import java.util.List;

/**
 * A bare recurrent stack (LSTM, GRU or RNN saved with {@code save(file)}): numeric sequences in, the top
 * layer's final hidden state or its per-step outputs out. Rows of different lengths go through the layer's
 * packed path (lengths), so each row's result is the one it gets alone.
 */
public final class RecurrentStackScorer extends SequenceModel {

    private final RecurrentLayer layer;

    public RecurrentStackScorer(RecurrentLayer layer) {
        super(Input.SERIES, layer.inputSize(), List.of(Output.HIDDEN, Output.OUTPUTS));
        this.layer = layer;
        layer.eval();
    }

    @Override
    protected Object[] scoreSeries(SeriesBatch batch, Output output) {
        int b = batch.size();
        int steps = batch.maxLength();
        int[] lengths = batch.packedLengths();
        boolean batchFirst = layer.batchFirst();
        float[] x = batch.pack(steps, batchFirst);
        int f = layer.inputSize();
        int h = layer.hiddenSize();
        int d = layer.bidirectional() ? 2 : 1;
        Object[] out = new Object[b];
        try (Tape tape = new Tape(); Tape.NoGrad ng = tape.noGrad()) {
            Tensor input = batchFirst ? Tensor.wrap(x, 0, b, steps, f) : Tensor.wrap(x, 0, steps, b, f);
            RecurrentOutput r = layer.forward(input, lengths);
            if (output == Output.HIDDEN) {
                // h_n [L*D, B, H]: the top layer's directions side by side, as PyTorch users concatenate them
                Tensor hn = r.hn();
                float[] data = hn.data();
                int base = hn.offset();
                int top = (layer.numLayers() - 1) * d;
                for (int j = 0; j < b; j++) {
                    float[] row = new float[d * h];
                    for (int k = 0; k < d; k++) {
                        System.arraycopy(data, base + ((top + k) * b + j) * h, row, k * h, h);
                    }
                    out[j] = row;
                }
            } else {
                Tensor o = r.output(); // [T, B, D*H] or [B, T, D*H]
                float[] data = o.data();
                int base = o.offset();
                int w = d * h;
                for (int j = 0; j < b; j++) {
                    int len = batch.length(j);
                    float[][] rows = new float[len][w];
                    for (int t = 0; t < len; t++) {
                        int src = base + (batchFirst ? (j * steps + t) : (t * b + j)) * w;
                        System.arraycopy(data, src, rows[t], 0, w);
                    }
                    out[j] = rows;
                }
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return "the recurrent stack " + layer;
    }
}
