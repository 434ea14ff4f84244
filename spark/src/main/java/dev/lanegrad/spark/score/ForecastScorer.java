package dev.lanegrad.spark.score;

import dev.lanegrad.tasks.Cells;
import dev.lanegrad.tasks.forecast.Forecaster;

import java.util.List;

/**
 * A forecaster's checkpoint folder: each row is a series (array&lt;float&gt;, in the data's units), its last
 * {@code window} values (up to its length) give the next {@code horizon} values, in the data's units, exactly as
 * {@code Forecaster.predict} gives them on one machine (the rows go through the forecaster's own batched forward).
 */
public final class ForecastScorer extends SequenceModel {

    private final Forecaster forecaster;

    public ForecastScorer(Forecaster forecaster) {
        super(Input.SERIES, 1, List.of(Output.FORECAST));
        this.forecaster = forecaster;
    }

    @Override
    protected Object[] scoreSeries(SeriesBatch batch, Output output) {
        int w = forecaster.config().window();
        int h = forecaster.config().horizon();
        int b = batch.size();
        // the rows' windows end to end as one series, forecast from the end of each window
        double[] series = new double[b * w];
        int[] starts = new int[b];
        for (int j = 0; j < b; j++) {
            int len = batch.length(j);
            if (len < w) {
                throw new IllegalArgumentException("a series of " + len + " values, expected at least the forecaster's window of " + w);
            }
            float[] row = batch.row(j);
            for (int t = 0; t < w; t++) {
                series[j * w + t] = row[len - w + t];
            }
            starts[j] = (j + 1) * w;
        }
        double[] all = forecaster.predictAt(series, starts);
        Object[] out = new Object[b];
        for (int j = 0; j < b; j++) {
            out[j] = java.util.Arrays.copyOfRange(all, j * h, (j + 1) * h);
        }
        return out;
    }

    @Override
    public String describe() {
        return "the forecaster (" + Cells.name(forecaster.config().cell()) + ", window " + forecaster.config().window() + ", horizon "
                + forecaster.config().horizon() + ")";
    }
}
