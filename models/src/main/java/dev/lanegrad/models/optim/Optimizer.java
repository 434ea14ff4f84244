package dev.lanegrad.models.optim;

import dev.lanegrad.autograd.ParameterUpdates;
import dev.lanegrad.autograd.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters in place from their accumulated gradients, with PyTorch's update rules.
 * State buffers (moments, momentum) are made once, at construction, so {@link #step()} allocates nothing.
 * A parameter that received no gradient this step is left as it is (PyTorch skips p.grad == None).
 */
public abstract class Optimizer {

    protected final List<Tensor> params;
    /** the state buffers by PyTorch's names, in the order they were made */
    private final Map<String, List<float[]>> buffers = new LinkedHashMap<>();
    private float learningRate;
    private long steps;

    protected Optimizer(List<Tensor> params, float learningRate) {
        if (params == null || params.isEmpty()) {
            throw new IllegalArgumentException("optimizer: no parameters to optimize");
        }
        for (Tensor p : params) {
            if (!p.requiresGrad()) {
                throw new IllegalArgumentException("optimizer: parameter " + p + " does not require a gradient");
            }
        }
        checkRate(learningRate);
        this.params = List.copyOf(params);
        this.learningRate = learningRate;
    }

    private static void checkRate(float lr) {
        if (!(lr >= 0f) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("optimizer: learning rate " + lr + ", expected a finite number >= 0");
        }
    }

    /** value, checked to be in [lo, hiExclusive). */
    static float checkRange(String what, float value, float lo, float hiExclusive) {
        if (!(value >= lo && value < hiExclusive)) {
            throw new IllegalArgumentException("optimizer: " + what + " = " + value + ", expected in [" + lo + ", " + hiExclusive + ")");
        }
        return value;
    }

    /** Applies one update to every parameter that has a gradient. */
    public final void step() {
        steps++;
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (p.hasGrad()) {
                update(i, p.data(), p.offset(), p.grad(), p.gradOffset(), p.size(), steps);
            }
        }
        ParameterUpdates.record();
    }

    /**
     * Updates parameter number {@code index}: data[dOff, dOff + n) from grad[gOff, gOff + n).
     * {@code step} counts from 1 (Adam's bias correction needs it).
     */
    protected abstract void update(int index, float[] data, int dOff, float[] grad, int gOff, int n, long step);

    /** Zeroes every parameter's gradient. */
    public void zeroGrad() {
        Tensor.zeroGrad(params);
    }

    public float learningRate() {
        return learningRate;
    }

    /** Sets the learning rate for the next steps (schedules call this). */
    public void setLearningRate(float lr) {
        checkRate(lr);
        this.learningRate = lr;
    }

    /** How many steps were taken. */
    public long steps() {
        return steps;
    }

    public List<Tensor> parameters() {
        return params;
    }

    /**
     * A copy of the state: the step count, the learning rate and every state buffer (Adam's moments,
     * RMSprop's averages, SGD's momentum), so that {@link #load} on an optimizer of the same type over
     * the same parameters continues with exactly the same updates.
     */
    public final OptimizerState state() {
        Map<String, float[]> arrays = new LinkedHashMap<>();
        buffers.forEach((name, list) -> {
            for (int i = 0; i < list.size(); i++) {
                arrays.put(name + "." + i, list.get(i).clone());
            }
        });
        Map<String, Double> numbers = new LinkedHashMap<>();
        numbers.put("step", (double) steps);
        numbers.put("lr", (double) learningRate);
        numbers.put("parameters", (double) params.size());
        return new OptimizerState(getClass().getSimpleName(), arrays, numbers);
    }

    /**
     * Puts back a state from {@link #state()}: the type, the number of parameters and every buffer's
     * length must match (the error names what differs), and every buffer this optimizer has must be there.
     */
    public final void load(OptimizerState state) {
        String type = getClass().getSimpleName();
        if (!state.type().equals(type)) {
            throw new IllegalArgumentException("optimizer state of a " + state.type() + ", expected a " + type + "'s");
        }
        double count = state.number("parameters");
        if (count != params.size()) {
            throw new IllegalArgumentException("optimizer state for " + (long) count + " parameters, expected "
                    + params.size());
        }
        double step = state.number("step");
        if (!(step >= 0) || step != Math.rint(step)) {
            throw new IllegalArgumentException("optimizer state: step " + step + ", expected a whole number >= 0");
        }
        buffers.forEach((name, list) -> {
            for (int i = 0; i < list.size(); i++) {
                float[] from = state.arrays().get(name + "." + i);
                if (from == null) {
                    throw new IllegalArgumentException("optimizer state (" + type + ") has no '" + name + "." + i + "'");
                }
                if (from.length != list.get(i).length) {
                    throw new IllegalArgumentException("optimizer state '" + name + "." + i + "' has " + from.length
                            + " values, expected " + list.get(i).length + " (the size of parameter " + i + ")");
                }
            }
        });
        buffers.forEach((name, list) -> {
            for (int i = 0; i < list.size(); i++) {
                float[] from = state.arrays().get(name + "." + i);
                System.arraycopy(from, 0, list.get(i), 0, from.length);
            }
        });
        steps = (long) step;
        setLearningRate((float) state.number("lr"));
    }

    /**
     * A new state buffer called by PyTorch's name ({@code exp_avg}, {@code square_avg}, {@code momentum_buffer}
     * ...): one zeroed array per parameter, which {@link #state()} and {@link #load} cover from now on.
     */
    protected final List<float[]> buffer(String name) {
        List<float[]> state = new ArrayList<>(params.size());
        for (Tensor p : params) {
            state.add(new float[p.size()]);
        }
        buffers.put(name, state);
        return state;
    }
}
