package dev.lanegrad.tasks.charlm;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Reduction;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.tasks.data.CharVocabulary;
import dev.lanegrad.io.Checkpoint;
import dev.lanegrad.models.nn.Dropout;
import dev.lanegrad.models.nn.Embedding;
import dev.lanegrad.models.nn.Linear;
import dev.lanegrad.models.nn.Module;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.nn.RecurrentOutput;
import dev.lanegrad.models.nn.State;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.Cells;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The char-rnn language model: Embedding -> recurrent stack (LSTM, GRU or RNN) -> dropout -> Linear
 * decoder to one logit per character, trained with softmax cross-entropy on the next character.
 *
 * <p>Parameter names are those of the equivalent PyTorch module, so its state_dict loads as it is:
 * <pre>{@code
 * class CharLM(nn.Module):
 *     def __init__(self, vocab, embed, hidden, layers, dropout):
 *         super().__init__()
 *         self.embedding = nn.Embedding(vocab, embed)              # embedding.weight
 *         self.rnn = nn.LSTM(embed, hidden, layers, dropout=dropout) # rnn.weight_ih_l0, ...
 *         self.drop = nn.Dropout(dropout)
 *         self.decoder = nn.Linear(hidden, vocab)                  # decoder.weight, decoder.bias
 * }</pre>
 *
 * Inputs are time-major token ids {@code [T, B]} (element {@code t * B + b}), as {@link
 * dev.lanegrad.tasks.data.LmBatcher} makes them. For generation use {@link Sampler} (one character at a
 * time through a {@link dev.lanegrad.models.nn.RecurrentStream}).
 */
public final class CharLanguageModel extends Module {

    /** The cells a char-LM is built with: lstm, gru or rnn (tanh). */
    static final RnnMode[] CELLS = {RnnMode.LSTM, RnnMode.GRU, RnnMode.RNN_TANH};

    /** "lstm", "gru" or "rnn" (case-insensitive); the error lists what is accepted. */
    public static RnnMode parseCell(String text) {
        return Cells.parse(text, CELLS);
    }

    /** The architecture: what is needed to rebuild the model before loading its weights. */
    public record Config(RnnMode cell, int vocabSize, int embed, int hidden, int layers, float dropout) {
        public Config {
            if (cell == null) throw new IllegalArgumentException("cell is null; expected lstm, gru or rnn");
            positive("vocabulary size", vocabSize);
            positive("--embed (embedding size)", embed);
            positive("--hidden (hidden size)", hidden);
            positive("--layers (number of layers)", layers);
            if (!(dropout >= 0f && dropout < 1f)) {
                throw new IllegalArgumentException("--dropout " + dropout + ": expected a probability in [0, 1)");
            }
        }

        static void positive(String what, int v) {
            if (v < 1) throw new IllegalArgumentException(what + " " + v + ": expected a whole number >= 1");
        }
    }

    /** Metadata key of the format marker in checkpoints. */
    static final String MODULE = "CharLanguageModel";

    private final Config config;
    private final Embedding embedding;
    private final RecurrentLayer rnn;
    private final Dropout drop;
    private final Linear decoder;

    /** A new model with PyTorch's initialisation, seeded. */
    public CharLanguageModel(Config config, long seed) {
        this.config = config;
        embedding = register("embedding", new Embedding(config.vocabSize(), config.embed(), seed));
        RecurrentLayer layer = Cells.stack(config.cell(), config.embed(), config.hidden(), config.layers(), false,
                config.dropout(), seed + 1);
        rnn = register("rnn", layer);
        drop = new Dropout(config.dropout(), seed + 2);
        decoder = register("decoder", new Linear(config.hidden(), config.vocabSize(), true, seed + 3));
    }

    public Config modelConfig() {
        return config;
    }

    public Embedding embedding() {
        return embedding;
    }

    public RecurrentLayer rnn() {
        return rnn;
    }

    public Linear decoder() {
        return decoder;
    }

    @Override
    public Module train(boolean on) {
        super.train(on);
        drop.train(on);
        return this;
    }

    /** Training calls of the dropouts so far (the stack's, the decoder's): a resumed run continues their masks. */
    public long[] dropoutCalls() {
        return new long[] {rnn.dropoutCalls(), drop.calls()};
    }

    /** Continues the dropout masks after the calls of {@link #dropoutCalls()}. */
    public void setDropoutCalls(long stack, long decoder) {
        rnn.setDropoutCalls(stack);
        drop.setCalls(decoder);
    }

    /** A zero recurrent state for {@code batch} rows (to carry across windows: truncated BPTT). */
    public State zeroState(int batch) {
        return State.zeros(rnn, batch);
    }

    /** What a forward returns: logits {@code [T, B, V]} and the recurrent output (for its final state). */
    public record Output(Tensor logits, RecurrentOutput recurrent) {
    }

    /**
     * Logits for time-major ids {@code [T, B]}, starting from {@code state} (null for zeros). One tape
     * node for the embedding, one for the whole recurrent stack, one for the decoder.
     */
    public Output forward(int[] ids, int seqLen, int batch, State state) {
        Tensor x = embedding.forward(ids, seqLen, batch);          // [T, B, E]
        RecurrentOutput r = rnn.forward(x, null, state);           // [T, B, H]
        Tensor logits = decoder.forward(drop.forward(r.output())); // [T, B, V]
        return new Output(logits, r);
    }

    /** Mean cross-entropy (nats per character) of {@code logits [T, B, V]} against targets {@code [T, B]}. */
    public static Tensor loss(Tensor logits, int[] targets) {
        return Ops.crossEntropy(logits, targets);
    }

    /** Streams and window length of {@link #evaluate}: fixed, so that every caller gets the same number. */
    public static final int EVAL_STREAMS = 16;
    public static final int EVAL_WINDOW = 256;

    /** A loss over a text: mean nats per predicted character, and how many characters were predicted. */
    public record Evaluation(double loss, long predicted) {
        /** Bits per character: loss / ln 2. */
        public double bitsPerCharacter() {
            return loss / Math.log(2);
        }
    }

    /**
     * The mean next-character cross-entropy over {@code tokens}, in eval mode with no tape recorded. The
     * text is cut into {@value #EVAL_STREAMS} contiguous streams (fewer when it is short), each read from a
     * zero state to its end in windows of {@value #EVAL_WINDOW} with the state carried, so nearly every
     * character is predicted with the full context before it (a text of n characters predicts
     * {@code streams * floor((n - 1) / streams)} of them; at most streams - 1 at the end are left out).
     * Deterministic: the same weights and tokens give the same number, bit for bit.
     * Restores the training mode it found.
     */
    public Evaluation evaluate(int[] tokens) {
        if (tokens.length < 2) {
            throw new IllegalArgumentException("cannot evaluate a text of " + tokens.length
                    + " characters: at least 2 are needed (one to read, one to predict)");
        }
        int streams = Math.max(1, Math.min(EVAL_STREAMS, (tokens.length - 1) / 8));
        int perStream = (tokens.length - 1) / streams;   // predictions per stream
        boolean wasTraining = isTraining();
        eval();
        double sum = 0;
        // a tape of its own (nested tapes are allowed): its intermediates are dropped window by window
        try (Tape tape = new Tape(); Tape.NoGrad ng = tape.noGrad()) {
            State state = zeroState(streams);
            int window = Math.min(EVAL_WINDOW, perStream);
            int[] in = new int[window * streams];
            int[] out = new int[window * streams];
            for (int start = 0; start < perStream; start += window) {
                int t = Math.min(window, perStream - start);
                int[] ids = t == window ? in : new int[t * streams];
                int[] targets = t == window ? out : new int[t * streams];
                for (int b = 0; b < streams; b++) {
                    int base = b * perStream + start;
                    for (int i = 0; i < t; i++) {
                        ids[i * streams + b] = tokens[base + i];
                        targets[i * streams + b] = tokens[base + i + 1];
                    }
                }
                Output o = forward(ids, t, streams, state);
                Tensor l = Ops.crossEntropy(o.logits(), targets, Ops.IGNORE_INDEX, null, Reduction.SUM);
                sum += l.item();
                o.recurrent().detachedState(state);
                tape.reset();
            }
        } finally {
            train(wasTraining);
        }
        long n = (long) perStream * streams;
        return new Evaluation(sum / n, n);
    }

    // ---- configuration and checkpoints ----

    /** The architecture as checkpoint metadata (the vocabulary is added by {@link CharLmCheckpoint}). */
    @Override
    public Map<String, String> config() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("module", MODULE);
        m.put("cell", Cells.name(config.cell()));
        m.put("vocab_size", Integer.toString(config.vocabSize()));
        m.put("embedding_dim", Integer.toString(config.embed()));
        m.put("hidden_size", Integer.toString(config.hidden()));
        m.put("num_layers", Integer.toString(config.layers()));
        m.put("dropout", Float.toString(config.dropout()));
        return m;
    }

    /** Rebuilds the architecture from checkpoint metadata; the error names the key that is missing or wrong. */
    static Config configFrom(Checkpoint c) {
        String module = c.metadata().get("module");
        if (!MODULE.equals(module)) {
            throw new IllegalArgumentException("checkpoint " + c.source() + " holds " + (module == null ? "no module name"
                    : "a '" + module + "'") + ", expected a " + MODULE + " (written by lanegrad train)");
        }
        try {
            return new Config(parseCell(meta(c, "cell")), Integer.parseInt(meta(c, "vocab_size")),
                    Integer.parseInt(meta(c, "embedding_dim")), Integer.parseInt(meta(c, "hidden_size")),
                    Integer.parseInt(meta(c, "num_layers")), Float.parseFloat(meta(c, "dropout")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("checkpoint " + c.source() + ": a size in its metadata is not a number ("
                    + e.getMessage() + ")");
        }
    }

    static String meta(Checkpoint c, String key) {
        String v = c.metadata().get(key);
        if (v == null) {
            throw new IllegalArgumentException("checkpoint " + c.source() + " has no '" + key + "' in its metadata");
        }
        return v;
    }

    /** Checks that a vocabulary fits this model (same size). */
    void checkVocabulary(CharVocabulary vocabulary) {
        if (vocabulary.size() != config.vocabSize()) {
            throw new IllegalArgumentException("a vocabulary of " + vocabulary.size() + " characters for a model of "
                    + config.vocabSize());
        }
    }

    @Override
    public String toString() {
        return "CharLanguageModel(" + Cells.name(config.cell()) + ", vocab " + config.vocabSize() + ", embed " + config.embed()
                + ", hidden " + config.hidden() + " x " + config.layers() + " layers, dropout " + config.dropout() + ", "
                + parameterCount() + " parameters)";
    }
}
