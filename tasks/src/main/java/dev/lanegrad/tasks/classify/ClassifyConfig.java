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
        double trainFraction, double validationFraction, int patience, double clipNorm) {

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
    public static final class Builder {
        private RnnMode cell = RnnMode.GRU;
        private int embedding = 128;
        private int hidden = 128;
        private int layers = 1;
        private boolean bidirectional = true;
        private Pooling pooling = Pooling.MAX;
        private float dropout = 0.5f;
        private int epochs = 10;
        private float lr = 2e-3f;
        private float weightDecay = 0f;
        private int batch = 32;
        private long seed = 42;
        private int minFrequency = 1;
        private int maxLength = 100;
        private double trainFraction = 0.8;
        private double validationFraction = 0.1;
        private int patience = 0;
        private double clipNorm = 1.0;

        private Builder() {
        }

        public Builder cell(RnnMode v) { cell = v; return this; }
        public Builder embedding(int v) { embedding = v; return this; }
        public Builder hidden(int v) { hidden = v; return this; }
        public Builder layers(int v) { layers = v; return this; }
        public Builder bidirectional(boolean v) { bidirectional = v; return this; }
        public Builder pooling(Pooling v) { pooling = v; return this; }
        public Builder dropout(float v) { dropout = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder lr(float v) { lr = v; return this; }
        public Builder weightDecay(float v) { weightDecay = v; return this; }
        public Builder batch(int v) { batch = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder minFrequency(int v) { minFrequency = v; return this; }
        public Builder maxLength(int v) { maxLength = v; return this; }
        public Builder split(double train, double validation) { trainFraction = train; validationFraction = validation; return this; }
        public Builder patience(int v) { patience = v; return this; }
        public Builder clipNorm(double v) { clipNorm = v; return this; }

        public ClassifyConfig build() {
            return new ClassifyConfig(cell, embedding, hidden, layers, bidirectional, pooling, dropout, epochs, lr, weightDecay,
                    batch, seed, minFrequency, maxLength, trainFraction, validationFraction, patience, clipNorm);
        }
    }
}
