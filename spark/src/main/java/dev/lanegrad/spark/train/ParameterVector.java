package dev.lanegrad.spark.train;

import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.tasks.GradientShards;

import java.util.List;

/** A module's parameters (state_dict order) as one flat float[]: what is broadcast each step. */
public final class ParameterVector {

    private ParameterVector() {
    }

    public static float[] values(List<Tensor> params) {
        float[] v = new float[GradientShards.size(params)];
        int at = 0;
        for (Tensor p : params) {
            System.arraycopy(p.data(), p.offset(), v, at, p.size());
            at += p.size();
        }
        return v;
    }

    /** Copies v into the parameters, in place (optimizers and tapes keep their references). */
    public static void setValues(List<Tensor> params, float[] v) {
        int n = GradientShards.size(params);
        if (v.length != n) {
            throw new IllegalArgumentException("a parameter vector of " + v.length + " values, expected " + n);
        }
        int at = 0;
        for (Tensor p : params) {
            System.arraycopy(v, at, p.data(), p.offset(), p.size());
            at += p.size();
        }
    }
}
