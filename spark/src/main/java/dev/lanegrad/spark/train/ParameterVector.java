package dev.lanegrad.spark.train;

import dev.lanegrad.autograd.Tensor;

import java.util.List;

/** A module's parameters (state_dict order) as one flat float[]: what is broadcast each step, and how gradients travel. */
public final class ParameterVector {

    private ParameterVector() {
    }

    public static int size(List<Tensor> params) {
        int n = 0;
        for (Tensor p : params) {
            n += p.size();
        }
        return n;
    }

    public static float[] values(List<Tensor> params) {
        float[] v = new float[size(params)];
        int at = 0;
        for (Tensor p : params) {
            System.arraycopy(p.data(), p.offset(), v, at, p.size());
            at += p.size();
        }
        return v;
    }

    /** Copies v into the parameters, in place (optimizers and tapes keep their references). */
    public static void setValues(List<Tensor> params, float[] v) {
        check(params, v);
        int at = 0;
        for (Tensor p : params) {
            System.arraycopy(v, at, p.data(), p.offset(), p.size());
            at += p.size();
        }
    }

    /** The gradients times scale (a parameter without one contributes zeros). */
    public static float[] gradients(List<Tensor> params, float scale) {
        float[] g = new float[size(params)];
        int at = 0;
        for (Tensor p : params) {
            if (p.hasGrad()) {
                float[] src = p.grad();
                int off = p.gradOffset();
                for (int i = 0; i < p.size(); i++) {
                    g[at + i] = src[off + i] * scale;
                }
            }
            at += p.size();
        }
        return g;
    }

    /** Sets the parameters' gradients to g (made if needed). */
    public static void setGradients(List<Tensor> params, float[] g) {
        check(params, g);
        int at = 0;
        for (Tensor p : params) {
            System.arraycopy(g, at, p.grad(), p.gradOffset(), p.size());
            at += p.size();
        }
    }

    private static void check(List<Tensor> params, float[] v) {
        int n = size(params);
        if (v.length != n) {
            throw new IllegalArgumentException("a parameter vector of " + v.length + " values, expected " + n);
        }
    }
}
