package dev.lanegrad.tasks.forecast;

import dev.lanegrad.tasks.ValidationResult;

import java.util.List;

/**
 * What a forecasting run measured on the held-out test part, in the data's units: the model's errors next
 * to the naive and (when a season applies) seasonal-naive forecasts over the same test targets, and the
 * one-step-ahead test predictions for a plot.
 *
 * @param forecaster        the model of the best validation epoch
 * @param bestEpoch         that epoch (1-based)
 * @param history           every epoch run
 * @param model             the model's test errors over every step of the horizon
 * @param naive             repeat the last value
 * @param seasonalNaive     the value one season earlier, or null when no season applies
 * @param testIndices       series index of each test sample's first target
 * @param testActual        series value at those indices
 * @param testPredicted     the model's first-step forecast for those indices
 * @param trainSize         values in the training part (the scaler saw only these)
 * @param validationStart   series index where validation begins
 * @param testStart         series index where the test part begins
 * @param seconds           wall time of training and evaluation
 */
public record ForecastResult(Forecaster forecaster, int bestEpoch, List<ValidationResult> history, ErrorMetrics model,
        ErrorMetrics naive, ErrorMetrics seasonalNaive, int[] testIndices, double[] testActual, double[] testPredicted,
        int trainSize, int validationStart, int testStart, double seconds) {

    /** Whether the model's test RMSE is below the naive forecast's. */
    public boolean beatsNaive() {
        return model.rmse() < naive.rmse();
    }
}
