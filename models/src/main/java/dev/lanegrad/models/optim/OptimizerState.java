package dev.lanegrad.models.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an optimizer keeps between steps, as PyTorch's {@code optimizer.state_dict()} does: its type,
 * named arrays (one per state buffer and parameter, e.g. {@code exp_avg.3}: Adam's first moment of
 * parameter 3, in the optimizer's parameter order) and named numbers ({@code step}, {@code lr}). A copy:
 * later steps do not change it. Saved by the task checkpoints under the prefix {@code optim.}; see
 * {@link Optimizer#state()} and {@link Optimizer#load(OptimizerState)}.
 */
public record OptimizerState(String type, Map<String, float[]> arrays, Map<String, Double> numbers) {

    public OptimizerState {
        if (type == null || arrays == null || numbers == null) {
            throw new IllegalArgumentException("optimizer state: type, arrays and numbers must be given");
        }
        arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
        numbers = Collections.unmodifiableMap(new LinkedHashMap<>(numbers));
    }

    /** A number of the state; the error names the missing key. */
    public double number(String key) {
        Double v = numbers.get(key);
        if (v == null) {
            throw new IllegalArgumentException("optimizer state (" + type + ") has no '" + key + "'; it has " + numbers.keySet());
        }
        return v;
    }
}
