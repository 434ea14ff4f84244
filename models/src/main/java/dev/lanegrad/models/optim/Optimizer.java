package dev.lanegrad.models.optim;

import dev.lanegrad.autograd.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Updates parameters in place from their accumulated gradients, with PyTorch's update rules.
 * State buffers (moments, momentum) are made once, at construction, so {@link #step()} allocates nothing.
 * A parameter that received no gradient this step is left as it is (PyTorch skips p.grad == None).
 */
public abstract class Optimizer {

    protected final List<Tensor> params;
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

    static void checkRange(String what, float value, float lo, float hiExclusive) {
        if (!(value >= lo && value < hiExclusive)) {
            throw new IllegalArgumentException("optimizer: " + what + " = " + value + ", expected in [" + lo + ", " + hiExclusive + ")");
        }
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

    /** One zeroed state buffer per parameter. */
    protected final List<float[]> stateLike() {
        List<float[]> state = new ArrayList<>(params.size());
        for (Tensor p : params) {
            state.add(new float[p.size()]);
        }
        return state;
    }
}
