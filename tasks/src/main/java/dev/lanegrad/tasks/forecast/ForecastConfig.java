package dev.lanegrad.tasks.forecast;

import dev.lanegrad.tasks.data.Scaler;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.Cells;
import dev.lanegrad.tasks.EpochSettings;

import static dev.lanegrad.tasks.EpochSettings.atLeast;

/**
 * How to train a forecaster: a stack of {@code layers} LSTM or GRU layers of {@code hidden} units reads
 * the last {@code window} scaled values and a Linear head predicts the next {@code horizon} values; MSE,
 * Adam with learning rate {@code lr}, gradient norm clipped at {@code clipNorm}, {@code epochs} passes in
 * shuffled batches of {@code batch} windows. The series is cut chronologically: the first
 * {@code trainFraction} trains (and alone fits the {@code scaler}), the next {@code validationFraction}
 * picks the best epoch, the rest tests. {@code season} (0 = none) is the lag of the seasonal-naive
 * baseline. {@code patience} (0 = off) stops after that many epochs without a better validation loss.
 * {@code dropout} applies between stacked layers.
 */
public record ForecastConfig(RnnMode cell, int window, int horizon, int hidden, int layers, float dropout, int epochs,
        float lr, int batch, long seed, int season, double trainFraction, double validationFraction, Scaler.Kind scaler,
        int patience, double clipNorm) implements EpochSettings.Values {

    public ForecastConfig {
        if (cell == null || scaler == null) {
            throw new IllegalArgumentException("cell and scaler must be given");
        }
        atLeast("window", window, 1);
        atLeast("horizon", horizon, 1);
        atLeast("hidden", hidden, 1);
        atLeast("layers", layers, 1);
        atLeast("season", season, 0);
        EpochSettings.check(epochs, batch, patience, lr, dropout, trainFraction, validationFraction, clipNorm);
        dev.lanegrad.tasks.ModelClaims.requireForecastFits(Cells.name(cell), hidden, layers, window, horizon, batch);
    }

    /** The defaults of {@code lanegrad forecast} (without a season; the bundled sunspots use 132). */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return builder().cell(cell).window(window).horizon(horizon).hidden(hidden).layers(layers).dropout(dropout)
                .epochs(epochs).lr(lr).batch(batch).seed(seed).season(season).split(trainFraction, validationFraction)
                .scaler(scaler).patience(patience).clipNorm(clipNorm);
    }

    /** Starts from the defaults; {@link #build()} checks the values. */
    public static final class Builder extends EpochSettings.Builder<Builder> {
        private int window = 36;
        private int horizon = 1;
        private int season = 0;
        private Scaler.Kind scaler = Scaler.Kind.MINMAX;

        private Builder() {
            cell(RnnMode.LSTM).hidden(32).layers(2).dropout(0f).epochs(40).lr(3e-3f).batch(32).seed(42).split(0.7, 0.15)
                    .patience(0).clipNorm(1.0);
        }

        public Builder window(int v) { window = v; return this; }
        public Builder horizon(int v) { horizon = v; return this; }
        public Builder season(int v) { season = v; return this; }
        public Builder scaler(Scaler.Kind v) { scaler = v; return this; }

        public ForecastConfig build() {
            return new ForecastConfig(cell, window, horizon, hidden, layers, dropout, epochs, lr, batch, seed, season,
                    trainFraction, validationFraction, scaler, patience, clipNorm);
        }
    }
}
