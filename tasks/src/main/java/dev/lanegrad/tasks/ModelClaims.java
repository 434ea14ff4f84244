package dev.lanegrad.tasks;

import dev.lanegrad.io.Checkpoint;
import dev.lanegrad.io.NamedTensor;
import dev.lanegrad.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sizes taken from a file or a command line are checked before anything is allocated for them.
 *
 * <p>A model is rebuilt from what its metadata or config.json claims (layers, hidden size, vocabulary...)
 * before its weights are loaded, so a checkpoint of a few kilobytes that claims a huge model could make us
 * allocate until the heap is gone. {@link #requireHeld} compares the number of parameters the claimed
 * architecture has (computed in long arithmetic, closed form, nothing allocated) with the number of
 * values the weights file actually holds: a model is only built when the file pays for it, so loading
 * never allocates more than ~1x the file's size for the model.
 *
 * <p>{@link #requireFits} bounds sizes given on a command line: each tensor must fit a Java array and the
 * estimated total must fit the heap, with a message naming the options.
 */
public final class ModelClaims {

    /** The largest Java array we allocate (a few below Integer.MAX_VALUE, as the JDK's collections do). */
    public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private ModelClaims() {
    }

    /** Gate blocks of a cell: LSTM 4, GRU 3, RNN 1. */
    public static int gates(String cell) {
        return switch (cell.toLowerCase(java.util.Locale.ROOT)) {
            case "lstm" -> 4;
            case "gru" -> 3;
            default -> 1;
        };
    }

    /**
     * Parameters of a recurrent stack in PyTorch's layout: per layer and direction
     * {@code G*H*(in + H)} weights and, with bias, {@code 2*G*H}; in = input for layer 0, D*H above.
     * Saturates at Long.MAX_VALUE instead of overflowing, which no file can hold.
     */
    public static long recurrentParameters(int gates, long input, long hidden, long layers, boolean bidirectional, boolean bias) {
        long d = bidirectional ? 2 : 1;
        long gh = mul(gates, hidden);
        long perDirection0 = add(mul(gh, add(input, hidden)), bias ? mul(2, gh) : 0);
        long perDirectionN = add(mul(gh, add(mul(d, hidden), hidden)), bias ? mul(2, gh) : 0);
        return mul(d, add(perDirection0, mul(Math.max(0, layers - 1), perDirectionN)));
    }

    /** a * b, or Long.MAX_VALUE when it overflows (sizes are checked to be >= 0 before this). */
    public static long mul(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /** a + b, or Long.MAX_VALUE when it overflows. */
    public static long add(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    // ---- the task models' parameter counts, closed form (ModelClaimsTest checks them against the models)

    /** CharLanguageModel: Embedding [V, E], recurrent stack, Linear decoder [V, H] + [V]. */
    public static long charLmParameters(String cell, long vocab, long embed, long hidden, long layers) {
        return add(add(mul(vocab, embed), recurrentParameters(gates(cell), embed, hidden, layers, false, true)),
                add(mul(vocab, hidden), vocab));
    }

    /** ForecastModel: recurrent stack over 1 feature, Linear head [horizon, H] + [horizon]. */
    public static long forecastParameters(String cell, long hidden, long layers, long horizon) {
        return add(recurrentParameters(gates(cell), 1, hidden, layers, false, true), add(mul(horizon, hidden), horizon));
    }

    /** ClassifierModel: Embedding [V, E], recurrent stack, Linear head [labels, D*H] + [labels]. */
    public static long classifierParameters(String cell, long vocab, long embed, long hidden, long layers, boolean bidirectional,
                                            long labels) {
        long features = mul(bidirectional ? 2 : 1, hidden);
        return add(add(mul(vocab, embed), recurrentParameters(gates(cell), embed, hidden, layers, bidirectional, true)),
                add(mul(labels, features), labels));
    }

    /**
     * Checks the sizes of a forecaster before it is built (from options or a config.json): each tensor fits
     * a Java array, and weights, gradients, Adam's moments and one batch's activations fit the heap.
     */
    public static void requireForecastFits(String cell, long hidden, long layers, long window, long horizon, long batch) {
        String options = "--hidden " + hidden + ", --layers " + layers + ", --window " + window + ", --horizon " + horizon
                + ", --batch " + batch;
        long g = gates(cell);
        long rows = mul(window, batch);
        long params = forecastParameters(cell, hidden, layers, horizon);
        long bytes = mul(4, add(mul(4, params), mul(rows, mul(2, mul(layers, mul(g + 3, hidden))))));
        requireFits(options, bytes,
                "weight_hh [gates * hidden, hidden]", mul(mul(g, hidden), hidden),
                "the gates of a batch [window * batch, gates * hidden]", mul(rows, mul(g, hidden)),
                "the head [horizon, hidden]", mul(horizon, hidden),
                "all parameters", params);
    }

    /**
     * Checks the sizes of a text classifier before it is built (the vocabulary is not known yet: the
     * embedding is checked when the vocabulary is).
     */
    public static void requireClassifierFits(String cell, long embed, long hidden, long layers, boolean bidirectional,
                                             long maxLength, long batch) {
        String options = "--embedding " + embed + ", --hidden " + hidden + ", --layers " + layers + ", --max-length " + maxLength
                + ", --batch " + batch;
        long g = gates(cell);
        long d = bidirectional ? 2 : 1;
        long rows = mul(maxLength, batch);
        long params = recurrentParameters((int) g, embed, hidden, layers, bidirectional, true);
        long bytes = mul(4, add(mul(4, params), mul(rows, add(mul(2, mul(d, mul(layers, mul(g + 3, hidden)))), mul(2, embed)))));
        requireFits(options, bytes,
                "weight_ih [gates * hidden, input]", mul(mul(g, hidden), Math.max(embed, mul(d, hidden))),
                "weight_hh [gates * hidden, hidden]", mul(mul(g, hidden), hidden),
                "the gates of a batch [max-length * batch, gates * hidden]", mul(rows, mul(g, hidden)),
                "all parameters", params);
    }

    /**
     * Checks the sizes of a char-LM training run before anything is built: each tensor fits a Java array,
     * and weights, gradients, two optimizer moments and the activations of one step fit the heap.
     */
    public static void requireCharLmTrainingFits(String cell, long vocab, long embed, long hidden, long layers, long seqLen,
                                                 long batch) {
        String options = "--hidden " + hidden + ", --layers " + layers + ", --embed " + embed + ", --seq-len " + seqLen
                + ", --batch " + batch + " (vocabulary of " + vocab + ")";
        long g = gates(cell);
        long rows = mul(seqLen, batch);
        long params = charLmParameters(cell, vocab, embed, hidden, layers);
        // per row of one step: gates and states of every layer (kept for backward, and their gradients),
        // the embedding, and logits, probabilities and their gradient
        long perRow = add(mul(2, mul(layers, mul(g + 3, hidden))), add(mul(2, embed), mul(3, vocab)));
        long bytes = mul(4, add(mul(4, params), mul(rows, perRow)));
        requireFits(options, bytes,
                "the embedding [vocabulary, embed]", mul(vocab, embed),
                "weight_ih [gates * hidden, input]", mul(mul(g, hidden), Math.max(embed, hidden)),
                "weight_hh [gates * hidden, hidden]", mul(mul(g, hidden), hidden),
                "the gates of a step [seq-len * batch, gates * hidden]", mul(rows, mul(g, hidden)),
                "the logits of a step [seq-len * batch, vocabulary]", mul(rows, vocab),
                "all parameters", params);
    }

    /** Values held by all tensors of a checkpoint. */
    public static long values(Checkpoint c) {
        long n = 0;
        for (NamedTensor t : c.tensors().values()) {
            n = add(n, t.size());
        }
        return n;
    }

    /** Values held by a safetensors file, from its (validated) header only: nothing of the data is read. */
    public static long values(Path weights) throws IOException {
        long n = 0;
        for (SafeTensors.TensorInfo t : SafeTensors.readHeader(weights).tensors()) {
            n = add(n, t.elements());
        }
        return n;
    }

    /**
     * Refuses to build a model whose claimed architecture has other than {@code held} parameters.
     *
     * @param source    the checkpoint, for the message
     * @param claims    what the metadata claims, for the message ("hidden_size 100000, num_layers 3")
     */
    public static void requireHeld(String source, String claims, long claimedParameters, long held) {
        if (claimedParameters != held) {
            throw new IllegalArgumentException("checkpoint " + source + ": its configuration (" + claims + ") describes a model of "
                    + (claimedParameters == Long.MAX_VALUE ? "more than 2^63" : String.format("%,d", claimedParameters))
                    + " parameters, but its weights file holds " + String.format("%,d", held)
                    + " values: the configuration is damaged or belongs to another model");
        }
    }

    /** Like {@link #requireHeld} for a task folder, reading only the header of its weights file (if there is one). */
    public static void requireHeld(Path dir, String weightsFile, String claims, long claimedParameters) throws IOException {
        Path weights = dir.resolve(weightsFile);
        if (!Files.isRegularFile(weights)) {
            return; // the loader names the missing file
        }
        long held;
        try {
            held = values(weights);
        } catch (IOException e) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + weightsFile + " is damaged (" + e.getMessage() + ")");
        }
        requireHeld(dir.toString(), claims, claimedParameters, held);
    }

    /**
     * Checks sizes from a command line before a model or its buffers are made: every named tensor size
     * must fit a Java array, and {@code totalBytes} (parameters, gradients, optimizer state and
     * activations, estimated by the caller) must fit the heap this JVM may grow to.
     *
     * @param options  the options involved, for the message ("--hidden 100000, --layers 2")
     * @param sizes    pairs of (what, elements): "weight_hh", 4 * H * H ...
     */
    public static void requireFits(String options, long totalBytes, Object... sizes) {
        for (int i = 0; i + 1 < sizes.length; i += 2) {
            long n = (Long) sizes[i + 1];
            if (n > MAX_ARRAY) {
                throw new IllegalArgumentException(options + ": " + sizes[i] + " would have "
                        + (n == Long.MAX_VALUE ? "more than 2^63" : String.format("%,d", n))
                        + " elements, more than a Java array holds (" + String.format("%,d", MAX_ARRAY) + "); use smaller sizes");
            }
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (totalBytes > heap) {
            throw new IllegalArgumentException(options + ": the model and its training buffers need about "
                    + megabytes(totalBytes) + ", more than this JVM's heap (" + megabytes(heap)
                    + "; raise it with -Xmx, e.g. JAVA_OPTS=-Xmx8g, or use smaller sizes)");
        }
    }

    private static String megabytes(long bytes) {
        return bytes == Long.MAX_VALUE ? "more than 2^63 bytes" : String.format("%,d MB", bytes / (1024 * 1024));
    }
}
