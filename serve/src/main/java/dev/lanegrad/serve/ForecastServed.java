package dev.lanegrad.serve;

import dev.lanegrad.tasks.forecast.Forecaster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.lanegrad.serve.ApiError.Status.BAD_REQUEST;

/**
 * A forecaster. predict: {@code {"values": [at least window numbers]}} -> {@code {"forecast": [horizon numbers]}},
 * from the last {@code window} values, in the data's units. A batch is one call of the forecaster's own
 * batched path (the windows laid end to end as one series, one forecast start per window).
 */
public final class ForecastServed extends ServedModel {

    private final Forecaster forecaster;
    private final int window;
    private final int horizon;

    public ForecastServed(String name, Forecaster forecaster) {
        super(name, "forecast");
        this.forecaster = forecaster;
        this.window = forecaster.config().window();
        this.horizon = forecaster.config().horizon();
    }

    @Override
    protected void details(Map<String, Object> m) {
        m.put("cell", dev.lanegrad.tasks.Cells.name(forecaster.config().cell()));
        m.put("window", window);
        m.put("horizon", horizon);
    }

    @Override
    public Object parsePredict(Map<String, Object> body, int maxSteps) {
        float[] v = Inputs.vector(body, "values", Math.max(maxSteps, window));
        if (v.length < window) {
            throw new ApiError(BAD_REQUEST, "'values' has " + v.length + " numbers, expected at least the window of " + window);
        }
        double[] last = new double[window];
        for (int i = 0; i < window; i++) {
            last[i] = v[v.length - window + i];
        }
        return last;
    }

    @Override
    public List<Map<String, Object>> predictBatch(List<Object> requests) {
        int b = requests.size();
        double[] series = new double[b * window];
        int[] starts = new int[b];
        for (int r = 0; r < b; r++) {
            System.arraycopy((double[]) requests.get(r), 0, series, r * window, window);
            starts[r] = (r + 1) * window;
        }
        double[] out = forecaster.predictAt(series, starts);
        List<Map<String, Object>> results = new ArrayList<>(b);
        for (int r = 0; r < b; r++) {
            results.add(Map.of("forecast", java.util.Arrays.copyOfRange(out, r * horizon, (r + 1) * horizon)));
        }
        return results;
    }

    @Override
    public void warmUp() {
        predictBatch(List.of(new double[window], new double[window]));
    }
}
