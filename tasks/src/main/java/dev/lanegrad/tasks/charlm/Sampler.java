package dev.lanegrad.tasks.charlm;

import dev.lanegrad.tasks.data.CharVocabulary;
import dev.lanegrad.models.nn.RecurrentStream;

import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Generates text one character at a time through a {@link RecurrentStream} (batch 1): per character,
 * the embedding row is copied into the input, the stream steps the recurrent stack, and the decoder's
 * logits are computed with plain float[] loops; nothing is recorded on a tape and the buffers are made
 * once. The model's weights are only read, so several samplers (threads) may share one model.
 *
 * <pre>{@code
 * CharLmCheckpoint.Loaded ckpt = CharLmCheckpoint.load(Path.of("runs/mine"));
 * Sampler s = new Sampler(ckpt.model(), ckpt.vocabulary(), 42);
 * s.generate("ROMEO:", 500, 0.8f, 0, cp -> System.out.print(Character.toChars(cp)));
 * }</pre>
 * With the same seed, prime and settings the output is the same.
 */
public final class Sampler {

    private final CharLanguageModel model;
    private final CharVocabulary vocabulary;
    private final RecurrentStream stream;
    private final float[] table;      // embedding [V, E]
    private final float[] weight;     // decoder [V, H]
    private final float[] bias;       // decoder [V]
    private final int tableOff;
    private final int weightOff;
    private final int biasOff;
    private final int vocab;
    private final int embed;
    private final int hidden;
    private final float[] x;
    private final float[] h;
    private final float[] logits;
    private final float[] probs;
    private final int[] order;
    private final SplittableRandom random;
    private boolean primed;

    public Sampler(CharLanguageModel model, CharVocabulary vocabulary, long seed) {
        model.checkVocabulary(vocabulary);
        this.model = model;
        this.vocabulary = vocabulary;
        this.stream = model.rnn().newStream(1);
        this.vocab = vocabulary.size();
        this.embed = model.modelConfig().embed();
        this.hidden = model.modelConfig().hidden();
        this.table = model.embedding().weight().data();
        this.tableOff = model.embedding().weight().offset();
        this.weight = model.decoder().weight().data();
        this.weightOff = model.decoder().weight().offset();
        this.bias = model.decoder().bias().data();
        this.biasOff = model.decoder().bias().offset();
        this.x = new float[embed];
        this.h = new float[hidden];
        this.logits = new float[vocab];
        this.probs = new float[vocab];
        this.order = new int[vocab];
        this.random = new SplittableRandom(seed);
    }

    /** Back to the zero state (the random generator goes on). */
    public void reset() {
        stream.reset();
        primed = false;
    }

    /** Reads one character id: the state moves on and {@link #logits()} are those of the next character. */
    public void feed(int id) {
        if (id < 0 || id >= vocab) {
            throw new IllegalArgumentException("token id " + id + " outside a vocabulary of " + vocab);
        }
        System.arraycopy(table, tableOff + id * embed, x, 0, embed);
        stream.step(x, 0, h, 0);
        // logits [V] = W [V, H] @ h [H] + b [V]
        for (int v = 0; v < vocab; v++) {
            float s = 0f;
            int row = weightOff + v * hidden;
            for (int k = 0; k < hidden; k++) {
                s += weight[row + k] * h[k];
            }
            logits[v] = s + bias[biasOff + v];
        }
        primed = true;
    }

    /**
     * Reads a prime text. A character outside the vocabulary is refused before anything is read:
     * {@code character 'é' (U+00E9) at position 3 of the prime is not in the vocabulary of 65 characters}.
     */
    public void prime(String text) {
        int[] ids = encodePrime(text, vocabulary);
        for (int id : ids) {
            feed(id);
        }
    }

    /** The ids of a prime, or the error naming its first character that is not in the vocabulary. */
    public static int[] encodePrime(String text, CharVocabulary vocabulary) {
        int[] cps = text.codePoints().toArray();
        int[] ids = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            if (!vocabulary.contains(cps[i])) {
                throw new IllegalArgumentException("character " + describe(cps[i]) + " at position " + i
                        + " of the prime is not in the vocabulary of " + vocabulary.size() + " characters");
            }
            ids[i] = vocabulary.id(cps[i]);
        }
        return ids;
    }

    /** The logits of the next character after what was fed (a view: valid until the next feed). */
    public float[] logits() {
        return logits;
    }

    /**
     * Draws the next character id from softmax(logits / temperature), among the topK most likely when
     * topK > 0; temperature 0 takes the most likely. Does not feed it.
     */
    public int draw(float temperature, int topK) {
        return draw(temperature, topK, 1f);
    }

    /**
     * As {@link #draw(float, int)}, and with {@code topP < 1} among the smallest set of most likely
     * characters whose probabilities add up to at least topP (nucleus sampling, Holtzman et al. 2019),
     * after the top-k cut; topP 1 keeps them all (and draws exactly as without it).
     */
    public int draw(float temperature, int topK, float topP) {
        if (!primed) {
            throw new IllegalStateException("nothing was fed yet: prime the sampler with at least one character");
        }
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature " + temperature + ": expected a number >= 0");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k " + topK + ": expected >= 1, or 0 for all characters");
        }
        if (!(topP > 0f && topP <= 1f)) {
            throw new IllegalArgumentException("top-p " + topP + ": expected a probability in (0, 1], 1 for all characters");
        }
        int best = 0;
        for (int v = 1; v < vocab; v++) {
            if (logits[v] > logits[best]) best = v;
        }
        if (temperature == 0f || topK == 1) {
            return best;
        }
        float cut = Float.NEGATIVE_INFINITY;
        if (topK > 0 && topK < vocab) {
            cut = kthLargest(topK);
        }
        double max = logits[best];
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            double p = logits[v] >= cut ? Math.exp((logits[v] - max) / temperature) : 0;
            probs[v] = (float) p;
            sum += p;
        }
        if (topP < 1f) {
            sum = nucleus(sum, topP);
        }
        double r = random.nextDouble() * sum;
        double acc = 0;
        int last = best;
        for (int v = 0; v < vocab; v++) {
            if (probs[v] > 0) {
                acc += probs[v];
                last = v;
                if (r < acc) return v;
            }
        }
        return last;
    }

    /** Zeroes the probabilities outside the nucleus of mass topP; returns the mass that is left. */
    private double nucleus(double sum, float topP) {
        for (int v = 0; v < vocab; v++) order[v] = v;
        // insertion sort of the ids by probability, largest first (V is small)
        for (int i = 1; i < vocab; i++) {
            int id = order[i];
            int j = i - 1;
            while (j >= 0 && probs[order[j]] < probs[id]) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = id;
        }
        double need = topP * sum;
        double kept = 0;
        int i = 0;
        while (i < vocab && (i == 0 || kept < need)) {
            kept += probs[order[i++]];
        }
        for (; i < vocab; i++) {
            probs[order[i]] = 0f;
        }
        return kept;
    }

    private float kthLargest(int k) {
        // selection by sorting ids on their logits (V is small: 65 for Shakespeare)
        for (int v = 0; v < vocab; v++) order[v] = v;
        for (int i = 0; i < k; i++) {
            int m = i;
            for (int j = i + 1; j < vocab; j++) {
                if (logits[order[j]] > logits[order[m]]) m = j;
            }
            int t = order[i];
            order[i] = order[m];
            order[m] = t;
        }
        return logits[order[k - 1]];
    }

    /**
     * Primes with {@code prime} (a newline when empty), then draws {@code length} characters, feeding each
     * back, and hands each to {@code out} (a code point) as soon as it is drawn.
     */
    public void generate(String prime, int length, float temperature, int topK, IntConsumer out) {
        generate(prime, length, temperature, topK, 1f, out);
    }

    /** {@link #generate(String, int, float, int, IntConsumer)} with nucleus sampling ({@link #draw(float, int, float)}). */
    public void generate(String prime, int length, float temperature, int topK, float topP, IntConsumer out) {
        if (length < 0) {
            throw new IllegalArgumentException("length " + length + ": expected >= 0");
        }
        String p = prime == null || prime.isEmpty() ? "\n" : prime;
        if (!vocabulary.contains('\n') && (prime == null || prime.isEmpty())) {
            p = new String(Character.toChars(vocabulary.codePoint(0)));
        }
        prime(p);
        for (int i = 0; i < length; i++) {
            int id = draw(temperature, topK, topP);
            out.accept(vocabulary.codePoint(id));
            feed(id);
        }
    }

    /** {@link #generate} into a string. */
    public String generate(String prime, int length, float temperature, int topK) {
        StringBuilder sb = new StringBuilder(length);
        generate(prime, length, temperature, topK, sb::appendCodePoint);
        return sb.toString();
    }

    public CharLanguageModel model() {
        return model;
    }

    static String describe(int cp) {
        String shown = switch (cp) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> Character.isISOControl(cp) || !Character.isDefined(cp) ? "?" : new String(Character.toChars(cp));
        };
        return "'" + shown + "' (U+" + String.format("%04X", cp) + ")";
    }
}
