package dev.lanegrad.tasks.classify;

import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.Cells;
import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.tasks.data.TextBatch;
import dev.lanegrad.tasks.data.WordVocabulary;
import dev.lanegrad.models.nn.Dropout;
import dev.lanegrad.models.nn.Embedding;
import dev.lanegrad.models.nn.Linear;
import dev.lanegrad.models.nn.Module;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.nn.RecurrentOutput;

/**
 * Embedding (padding id 0) -> (bidirectional) LSTM or GRU over each sentence's own length -> pooling ->
 * dropout -> Linear to one logit per label. State-dict names {@code embedding.weight}, {@code rnn.*},
 * {@code head.*}. Every sentence's logits depend on its own words only: the recurrent layer stops at
 * each length (the reverse direction starts there) and pooling skips the padding, so a sentence gets the
 * same prediction alone or in a padded batch.
 */
public final class ClassifierModel extends Module {

    private final Embedding embedding;
    private final RecurrentLayer rnn;
    private final Linear head;
    private final Dropout inputDropout;
    private final Dropout outputDropout;
    private final Pooling pooling;

    public ClassifierModel(ClassifyConfig cfg, int vocabularySize, int labels) {
        long seed = cfg.seed();
        embedding = register("embedding", new Embedding(vocabularySize, cfg.embedding(), WordVocabulary.PAD, seed));
        rnn = register("rnn", Cells.stack(cfg.cell(), cfg.embedding(), cfg.hidden(), cfg.layers(), cfg.bidirectional(),
                cfg.layers() > 1 ? cfg.dropout() : 0f, seed + 1));
        int features = cfg.hidden() * (cfg.bidirectional() ? 2 : 1);
        head = register("head", new Linear(features, labels, true, seed + 2));
        inputDropout = register("input_dropout", new Dropout(cfg.dropout(), seed + 3));
        outputDropout = register("output_dropout", new Dropout(cfg.dropout(), seed + 4));
        pooling = cfg.pooling();
    }

    /** Token ids [T, B] with lengths -> logits [B, labels]. The batch's arrays are kept until backward. */
    public Tensor forward(TextBatch batch) {
        int t = batch.seqLen();
        int b = batch.batch();
        Tensor x = inputDropout.forward(embedding.forward(batch.tokens(), t, b)); // [T, B, E]
        RecurrentOutput out = rnn.forward(x, batch.lengths());
        Tensor pooled = switch (pooling) {
            case MEAN -> meanOverLengths(out.output(), batch.lengths());
            case MAX -> MaskedMaxOverTime.apply(out.output(), batch.lengths());
            case LAST -> lastStates(out.hn());
        };
        return head.forward(outputDropout.forward(pooled));
    }

    /** Sum over time (padded outputs are zero) times 1 / length. */
    private static Tensor meanOverLengths(Tensor output, int[] lengths) {
        int b = output.dim(1);
        int f = output.dim(2);
        float[] inv = new float[b * f];
        for (int j = 0; j < b; j++) {
            java.util.Arrays.fill(inv, j * f, (j + 1) * f, 1f / lengths[j]);
        }
        return Ops.mul(Ops.sum(output, 0), Tensor.wrap(inv, 0, b, f));
    }

    /** h_n [L*D, B, H]: the last layer's directions side by side, [B, D*H]. */
    private Tensor lastStates(Tensor hn) {
        int d = rnn.bidirectional() ? 2 : 1;
        int top = (rnn.numLayers() - 1) * d;
        return d == 1 ? Ops.select(hn, top) : Ops.concat(Ops.select(hn, top), Ops.select(hn, top + 1));
    }

    public int labels() {
        return head.outFeatures();
    }
}
