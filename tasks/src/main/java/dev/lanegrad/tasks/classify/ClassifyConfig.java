package dev.lanegrad.tasks.classify;

import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.Cells;
import dev.lanegrad.tasks.EpochSettings;

import static dev.lanegrad.tasks.EpochSettings.atLeast;

/**
 * How to train a text classifier: words (lower-cased, {@link dev.lanegrad.tasks.data.WordTokenizer}) seen
 * at least {@code minFrequency} times in the training part get an embedding of {@code embedding} values;
 * a {@code bidirectional} stack of {@code layers} LSTM or GRU layers of {@code hidden} units reads them
 * (sentences longer than {@code maxLength} words are cut); {@code pooling} makes one vector per sentence,
 * and a Linear head gives one logit per label. Cross-entropy, Adam ({@code lr}, {@code weightDecay}),
 * dropout {@code dropout} on the embeddings and the pooled vector, gradient norm clipped at
 * {@code clipNorm}, {@code epochs} passes over shuffled batches of {@code batch} sentences of similar
 * length. The examples are shuffled with {@code seed} and cut into train / validation / test by the
 * fractions; the epoch with the best validation accuracy is kept; {@code patience} (0 = off) stops after
 * that many epochs without improvement.
 */
public record ClassifyConfig(RnnMode cell, int embedding, int hidden, int layers, boolean bidirectional, Pooling pooling,
        float dropout, int epochs, float lr, float weightDecay, int batch, long seed, int minFrequency, int maxLength,
        double trainFraction, double validationFraction, int patience, double clipNorm) implements EpochSettings.Values {

    public ClassifyConfig {
        if (cell == null || pooling == null) {
            throw new IllegalArgumentException("cell and pooling must be given");
        }
        atLeast("embedding", embedding, 1);
        atLeast("hidden", hidden, 1);
        atLeast("layers", layers, 1);
        atLeast("min frequency", minFrequency, 1);
        atLeast("max length", maxLength, 1);
        EpochSettings.check(epochs, batch, patience, lr, dropout, trainFraction, validationFraction, clipNorm);
        if (!(weightDecay >= 0) || !Float.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay " + weightDecay + " must be >= 0");
        }
        dev.lanegrad.tasks.ModelClaims.requireClassifierFits(Cells.name(cell), embedding, hidden, layers, bidirectional, maxLength, batch);
    }

    /** The defaults of {@code lanegrad classify}. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return builder().cell(cell).embedding(embedding).hidden(hidden).layers(layers).bidirectional(bidirectional)
                .pooling(pooling).dropout(dropout).epochs(epochs).lr(lr).weightDecay(weightDecay).batch(batch).seed(seed)
                .minFrequency(minFrequency).maxLength(maxLength).split(trainFraction, validationFraction).patience(patience)
                .clipNorm(clipNorm);
    }

    /** Starts from the defaults; {@link #build()} checks the values. */
    public static final class Builder extends EpochSettings.Builder<Builder> {
        private int embedding = 128;
        private boolean bidirectional = true;
        private Pooling pooling = Pooling.MAX;
        private float weightDecay = 0f;
        private int minFrequency = 1;
        private int maxLength = 100;

        private Builder() {
            cell(RnnMode.GRU).hidden(128).layers(1).dropout(0.5f).epochs(10).lr(2e-3f).batch(32).seed(42).split(0.8, 0.1)
                    .patience(0).clipNorm(1.0);
        }

        public Builder embedding(int v) { embedding = v; return this; }
        public Builder bidirectional(boolean v) { bidirectional = v; return this; }
        public Builder pooling(Pooling v) { pooling = v; return this; }
        public Builder weightDecay(float v) { weightDecay = v; return this; }
        public Builder minFrequency(int v) { minFrequency = v; return this; }
        public Builder maxLength(int v) { maxLength = v; return this; }

        public ClassifyConfig build() {
            return new ClassifyConfig(cell, embedding, hidden, layers, bidirectional, pooling, dropout, epochs, lr, weightDecay,
                    batch, seed, minFrequency, maxLength, trainFraction, validationFraction, patience, clipNorm);
        }
    }
}
