package dev.lanegrad.tasks;

import dev.lanegrad.io.Checkpoint;
import dev.lanegrad.io.NamedTensor;
import dev.lanegrad.models.optim.OptimizerState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run needs besides its weights to continue exactly where it was: the optimizer's state
 * ({@link OptimizerState}: moments, step count), the task's positions as named numbers (the step, the
 * schedule's time, batches drawn, dropout calls ...) and named arrays (e.g. the recurrent state carried
 * from one window to the next). Saved as {@value CheckpointFolder#TRAINING}: tensors {@code optim.<name>}
 * and {@code run.<name>}, metadata {@code optim.type}, {@code optim.<number>} and {@code run.<key>}.
 * Kept out of model.safetensors so that file stays a plain PyTorch state_dict.
 */
public record TrainingState(OptimizerState optimizer, Map<String, Double> numbers, Map<String, float[]> arrays) {

    private static final String OPTIM = "optim.";
    private static final String RUN = "run.";

    public TrainingState {
        numbers = Map.copyOf(numbers);
        arrays = Map.copyOf(arrays);
    }

    /** A number of the run; the error names what is missing. */
    public double number(String key) {
        Double v = numbers.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no '" + RUN + key + "' in the training state");
        }
        return v;
    }

    /** A whole number >= 0 of the run. */
    public long count(String key) {
        double v = number(key);
        if (!(v >= 0) || v != Math.rint(v)) {
            throw new IllegalArgumentException("'" + RUN + key + "' is " + v + ", expected a whole number >= 0");
        }
        return (long) v;
    }

    /** An array of the run, which must have {@code size} values. */
    public float[] array(String key, int size) {
        float[] a = arrays.get(key);
        if (a == null || a.length != size) {
            throw new IllegalArgumentException("'" + RUN + key + "' " + (a == null ? "is missing" : "has " + a.length + " values")
                    + ", expected " + size + " values");
        }
        return a;
    }

    List<NamedTensor> tensors() {
        List<NamedTensor> out = new ArrayList<>();
        optimizer.arrays().forEach((k, v) -> out.add(new NamedTensor(OPTIM + k, new int[] {v.length}, v)));
        arrays.forEach((k, v) -> out.add(new NamedTensor(RUN + k, new int[] {v.length}, v)));
        return out;
    }

    Map<String, String> metadata(String id) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(CheckpointFolder.ID, id);
        m.put(OPTIM + "type", optimizer.type());
        optimizer.numbers().forEach((k, v) -> m.put(OPTIM + k, Double.toString(v)));
        numbers.forEach((k, v) -> m.put(RUN + k, Double.toString(v)));
        return m;
    }

    static TrainingState from(Checkpoint c) {
        String type = c.metadata().get(OPTIM + "type");
        if (type == null) {
            throw new IllegalArgumentException("no " + OPTIM + "type in its metadata");
        }
        Map<String, Double> optimNumbers = new LinkedHashMap<>();
        Map<String, Double> runNumbers = new LinkedHashMap<>();
        c.metadata().forEach((k, v) -> {
            Map<String, Double> into = k.startsWith(OPTIM) ? optimNumbers : k.startsWith(RUN) ? runNumbers : null;
            if (into != null && !k.equals(OPTIM + "type")) {
                try {
                    into.put(k.substring(k.indexOf('.') + 1), Double.parseDouble(v));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + k + "' is \"" + v + "\", expected a number");
                }
            }
        });
        Map<String, float[]> optimArrays = new LinkedHashMap<>();
        Map<String, float[]> runArrays = new LinkedHashMap<>();
        c.tensors().forEach((k, t) -> {
            if (k.startsWith(OPTIM)) {
                optimArrays.put(k.substring(OPTIM.length()), t.data());
            } else if (k.startsWith(RUN)) {
                runArrays.put(k.substring(RUN.length()), t.data());
            }
        });
        return new TrainingState(new OptimizerState(type, optimArrays, optimNumbers), runNumbers, runArrays);
    }
}
