package dev.lanegrad.tasks;

import dev.lanegrad.autograd.ParameterUpdates;
import dev.lanegrad.autograd.Tensor;

import java.util.List;

/** A copy of a model's parameters at its best epoch so far, put back after training (early selection). */
public final class BestWeights {

    private final List<Tensor> params;
    private final float[][] saved;
    private boolean kept;

    public BestWeights(List<Tensor> params) {
        this.params = List.copyOf(params);
        this.saved = new float[params.size()][];
        for (int i = 0; i < saved.length; i++) {
            saved[i] = new float[params.get(i).size()];
        }
    }

    /** Copies the current values. */
    public void keep() {
        for (int i = 0; i < saved.length; i++) {
            Tensor p = params.get(i);
            System.arraycopy(p.data(), p.offset(), saved[i], 0, p.size());
        }
        kept = true;
    }

    /** Keeps the values of {@code source} instead (tensors of the same sizes, e.g. a loaded model's). */
    public void keepFrom(List<Tensor> source) {
        if (source.size() != saved.length) {
            throw new IllegalArgumentException(source.size() + " tensors to keep, expected " + saved.length);
        }
        for (int i = 0; i < saved.length; i++) {
            Tensor p = source.get(i);
            if (p.size() != saved[i].length) {
                throw new IllegalArgumentException("tensor " + i + " has " + p.size() + " values, expected " + saved[i].length);
            }
            System.arraycopy(p.data(), p.offset(), saved[i], 0, p.size());
        }
        kept = true;
    }

    /** Puts the kept values back (nothing when nothing was kept). */
    public void restore() {
        if (!kept) {
            return;
        }
        for (int i = 0; i < saved.length; i++) {
            Tensor p = params.get(i);
            System.arraycopy(saved[i], 0, p.data(), p.offset(), p.size());
        }
        ParameterUpdates.record();
    }
}
