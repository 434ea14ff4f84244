package dev.lanegrad.serve;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.nn.RecurrentOutput;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bare RNN / LSTM / GRU stack. predict: {@code {"x": [[I numbers] x T]}} (or "x_f32"), optional
 * {@code "outputs": false} -> {@code {"output": [T][D*H], "h_n": [L*D][H], "c_n": ...}}. A batch of requests of
 * different lengths is ONE forward with per-row lengths (the layer's packed-sequence path).
 * Sessions: {@code {"x": [[I numbers] x n]}} -> the top layer's h of each of the n steps.
 */
public final class StackModel extends ServedModel implements Streaming {

    private final RecurrentLayer layer;

    record Request(float[] x, int steps, boolean outputs) {
    }

    public StackModel(String name, RecurrentLayer layer) {
        super(name, "stack");
        this.layer = layer;
        layer.eval();
    }

    @Override
    protected void details(Map<String, Object> m) {
        m.put("module", layer.toString());
        m.put("input_size", layer.inputSize());
        m.put("hidden_size", layer.hiddenSize());
        m.put("num_layers", layer.numLayers());
        m.put("bidirectional", layer.bidirectional());
    }

    @Override
    public Object parsePredict(Map<String, Object> body, int maxSteps) {
        float[] x = Inputs.steps(body, layer.inputSize(), maxSteps);
        return new Request(x, x.length / layer.inputSize(), Inputs.bool(body, "outputs", true));
    }

    @Override
    public List<Map<String, Object>> predictBatch(List<Object> requests) {
        int b = requests.size();
        int in = layer.inputSize();
        int tMax = 0;
        int[] lengths = new int[b];
        for (int r = 0; r < b; r++) {
            lengths[r] = ((Request) requests.get(r)).steps;
            tMax = Math.max(tMax, lengths[r]);
        }
        boolean bf = layer.batchFirst();
        boolean anyOutputs = false;
        for (Object q : requests) {
            anyOutputs |= ((Request) q).outputs;
        }
        BatchScratch scratch = BatchScratch.current();
        boolean padded = !allEqual(lengths, tMax);
        // padding is zero; the lengths keep it out of every row
        float[] x = scratch == null ? new float[tMax * b * in] : scratch.input(tMax * b * in, padded);
        for (int r = 0; r < b; r++) {
            Request q = (Request) requests.get(r);
            for (int t = 0; t < q.steps; t++) {
                int dst = (bf ? r * tMax + t : t * b + r) * in;
                System.arraycopy(q.x, t * in, x, dst, in);
            }
        }
        float[] out;
        float[] hn;
        float[] cn;
        Tape own = scratch == null ? new Tape() : null;
        try (Tape.NoGrad ng = (own != null ? own : scratch.tape()).noGrad()) {
            Tensor xt = bf ? Tensor.wrap(x, 0, b, tMax, in) : Tensor.wrap(x, 0, tMax, b, in);
            // rows of one length need no packing: the plain forward, as a batch of one caller would run it
            RecurrentOutput o = layer.forward(xt, padded ? lengths : null);
            out = anyOutputs ? o.output().toArray() : null; // copies: the tape's buffers do not outlive the batch
            hn = o.hn().toArray();
            cn = o.cn() == null ? null : o.cn().toArray();
        } finally {
            if (own != null) {
                own.close();
            }
        }
        int dh = layer.hiddenSize() * (layer.bidirectional() ? 2 : 1);
        int h = layer.hiddenSize();
        int states = hn.length / (b * h);
        List<Map<String, Object>> results = new ArrayList<>(b);
        for (int r = 0; r < b; r++) {
            Request q = (Request) requests.get(r);
            Map<String, Object> m = new LinkedHashMap<>();
            if (q.outputs) {
                m.put("output", bf ? new JsonOut.Rows(out, r * tMax * dh, q.steps, dh, dh)
                        : new JsonOut.Rows(out, r * dh, q.steps, dh, b * dh));
            }
            m.put("h_n", rowOfStates(hn, r, b, states, h));
            if (cn != null) {
                m.put("c_n", rowOfStates(cn, r, b, states, h));
            }
            results.add(m);
        }
        return results;
    }

    private static boolean allEqual(int[] lengths, int t) {
        for (int n : lengths) {
            if (n != t) {
                return false;
            }
        }
        return true;
    }

    /** Row r of a state [S, B, H] as [S][H]. */
    private static JsonOut.Rows rowOfStates(float[] s, int r, int b, int states, int h) {
        return new JsonOut.Rows(s, r * h, states, h, b * h);
    }

    @Override
    public Streaming streaming() {
        return layer.bidirectional() ? null : this;
    }

    @Override
    public RecurrentLayer layer() {
        return layer;
    }

    @Override
    public float[] parseSteps(Map<String, Object> body, int maxSteps) {
        return Inputs.steps(body, layer.inputSize(), maxSteps);
    }

    @Override
    public Map<String, Object> stepResult(float[] outputs, int n) {
        return Map.of("output", JsonOut.Rows.of(outputs, n, layer.hiddenSize()));
    }

    @Override
    public void warmUp() {
        predictBatch(List.of(new Request(new float[layer.inputSize() * 2], 2, true),
                new Request(new float[layer.inputSize()], 1, true)));
    }
}
