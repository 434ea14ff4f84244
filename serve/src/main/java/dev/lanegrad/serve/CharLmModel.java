package dev.lanegrad.serve;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.tasks.charlm.CharLanguageModel;
import dev.lanegrad.tasks.charlm.Sampler;
import dev.lanegrad.tasks.data.CharVocabulary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import static dev.lanegrad.serve.ApiError.Status.BAD_REQUEST;
import static dev.lanegrad.serve.ApiError.Status.TOO_LARGE;

/**
 * A character language model. predict: {@code {"text": "..."}} -> the distribution of the next character
 * ({@code "probabilities"} in vocabulary order, {@code "top"}: the 5 likeliest). Sessions read text a piece
 * at a time ({@code {"text": "..."}} per step) and answer the same. generate streams sampled characters.
 * The decoder runs per row in the Sampler's order (one dot product per character), so it adds no
 * batch dependence of its own.
 */
public final class CharLmModel extends ServedModel implements Streaming, Generator {

    private static final int TOP = 5;

    private final CharLanguageModel model;
    private final CharVocabulary vocabulary;
    private final int vocab;
    private final int embed;
    private final int hidden;

    public CharLmModel(String name, CharLanguageModel model, CharVocabulary vocabulary) {
        super(name, "charlm");
        this.model = model;
        this.vocabulary = vocabulary;
        this.vocab = vocabulary.size();
        this.embed = model.modelConfig().embed();
        this.hidden = model.modelConfig().hidden();
        model.eval();
    }

    @Override
    protected void details(Map<String, Object> m) {
        m.put("module", model.toString());
        m.put("vocabulary", vocabulary.serialize());
    }

    private int[] encode(Map<String, Object> body, int maxSteps) {
        String text = Inputs.string(body, "text");
        long n = text.codePointCount(0, text.length());
        if (n == 0) {
            throw new ApiError(BAD_REQUEST, "'text' is empty; expected at least one character");
        }
        if (n > maxSteps) {
            throw new ApiError(TOO_LARGE, "'text' has " + n + " characters, more than the limit of " + maxSteps);
        }
        try {
            return Sampler.encodePrime(text, vocabulary);
        } catch (IllegalArgumentException e) {
            throw new ApiError(BAD_REQUEST, "'text': " + e.getMessage().replace("of the prime ", ""));
        }
    }

    @Override
    public Object parsePredict(Map<String, Object> body, int maxSteps) {
        return encode(body, maxSteps);
    }

    @Override
    public List<Map<String, Object>> predictBatch(List<Object> requests) {
        int b = requests.size();
        int tMax = 0;
        int[] lengths = new int[b];
        for (int r = 0; r < b; r++) {
            lengths[r] = ((int[]) requests.get(r)).length;
            tMax = Math.max(tMax, lengths[r]);
        }
        int[] ids = new int[tMax * b]; // time-major; padding id 0 is masked by the lengths
        for (int r = 0; r < b; r++) {
            int[] q = (int[]) requests.get(r);
            for (int t = 0; t < q.length; t++) {
                ids[t * b + r] = q[t];
            }
        }
        float[] out;
        try (Tape tape = new Tape(); Tape.NoGrad ng = tape.noGrad()) {
            Tensor x = model.embedding().forward(ids, tMax, b);
            out = model.rnn().forward(x, lengths).output().toArray(); // [T, B, H]
        }
        List<Map<String, Object>> results = new ArrayList<>(b);
        for (int r = 0; r < b; r++) {
            results.add(distribution(out, ((lengths[r] - 1) * b + r) * hidden));
        }
        return results;
    }

    /** softmax(W h + b) of the hidden state at h[off, off + H), with the top characters. */
    private Map<String, Object> distribution(float[] h, int off) {
        float[] w = model.decoder().weight().data();
        int wOff = model.decoder().weight().offset();
        float[] bias = model.decoder().bias().data();
        int bOff = model.decoder().bias().offset();
        float[] logits = new float[vocab];
        float max = Float.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            float s = 0f;
            int row = wOff + v * hidden;
            for (int k = 0; k < hidden; k++) {
                s += w[row + k] * h[off + k];
            }
            logits[v] = s + bias[bOff + v];
            max = Math.max(max, logits[v]);
        }
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            sum += Math.exp(logits[v] - max);
        }
        float[] p = new float[vocab];
        for (int v = 0; v < vocab; v++) {
            p[v] = (float) (Math.exp(logits[v] - max) / sum);
        }
        Integer[] order = new Integer[vocab];
        for (int v = 0; v < vocab; v++) {
            order[v] = v;
        }
        java.util.Arrays.sort(order, (a, c) -> Float.compare(p[c], p[a]));
        List<Map<String, Object>> top = new ArrayList<>();
        for (int i = 0; i < Math.min(TOP, vocab); i++) {
            top.add(Map.of("char", new String(Character.toChars(vocabulary.codePoint(order[i]))), "p", p[order[i]]));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("top", top);
        m.put("probabilities", p);
        return m;
    }

    // ---- streaming ----

    @Override
    public Streaming streaming() {
        return this;
    }

    @Override
    public RecurrentLayer layer() {
        return model.rnn();
    }

    @Override
    public float[] parseSteps(Map<String, Object> body, int maxSteps) {
        int[] ids = encode(body, maxSteps);
        float[] table = model.embedding().weight().data();
        int tOff = model.embedding().weight().offset();
        float[] x = new float[ids.length * embed];
        for (int t = 0; t < ids.length; t++) {
            System.arraycopy(table, tOff + ids[t] * embed, x, t * embed, embed);
        }
        return x;
    }

    @Override
    public Map<String, Object> stepResult(float[] outputs, int n) {
        return distribution(outputs, (n - 1) * hidden);
    }

    // ---- generation ----

    @Override
    public Generator generator() {
        return this;
    }

    @Override
    public void checkPrime(String prime) {
        try {
            Sampler.encodePrime(prime, vocabulary);
        } catch (IllegalArgumentException e) {
            throw new ApiError(BAD_REQUEST, "'prime': " + e.getMessage());
        }
    }

    @Override
    public void generate(String prime, int length, float temperature, int topK, long seed, IntConsumer out) {
        new Sampler(model, vocabulary, seed).generate(prime, length, temperature, topK, out);
    }

    @Override
    public void warmUp() {
        predictBatch(List.of(new int[] {0, 1}, new int[] {0}));
    }
}
