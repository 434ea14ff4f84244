package dev.lanegrad.tasks.forecast;

/** Root mean squared error and mean absolute error over the same points, in the data's units. */
public record ErrorMetrics(double rmse, double mae, int count) {

    /** Over actual[i] vs predicted[i]; the arrays must have the same, non-zero length. */
    public static ErrorMetrics of(double[] actual, double[] predicted) {
        if (actual.length != predicted.length || actual.length == 0) {
            throw new IllegalArgumentException(actual.length + " actual values vs " + predicted.length
                    + " predictions; expected the same non-zero count");
        }
        double se = 0;
        double ae = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = predicted[i] - actual[i];
            se += d * d;
            ae += Math.abs(d);
        }
        return new ErrorMetrics(Math.sqrt(se / actual.length), ae / actual.length, actual.length);
    }
}
