package dev.lanegrad.models.rnn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The parameters of a recurrent stack under PyTorch's names and shapes, one float[] per tensor:
 * {@code weight_ih_l{k}} [G*H, I or D*H], {@code weight_hh_l{k}} [G*H, H], {@code bias_ih_l{k}},
 * {@code bias_hh_l{k}} [G*H], suffix {@code _reverse} for the backward-in-time direction.
 * Names iterate in PyTorch's order (per layer, per direction: w_ih, w_hh, b_ih, b_hh), so a
 * state_dict maps one to one.
 *
 * The same class holds parameter GRADIENTS (same layout): {@link Rnn#backward} accumulates into one.
 * Slot s = k * D + d indexes layer k, direction d.
 */
public final class RnnParameters {

    private final RnnConfig config;
    private final float[][] weightIh;
    private final float[][] weightHh;
    private final float[][] biasIh;
    private final float[][] biasHh;
    private final Map<String, float[]> byName = new LinkedHashMap<>();
    private final Map<String, int[]> shapes = new LinkedHashMap<>();

    /** All-zero parameters (or a zeroed gradient buffer) for this configuration. */
    public RnnParameters(RnnConfig config) {
        this.config = config;
        int slots = config.stateCount();
        int gh = config.gateRows();
        int h = config.hiddenSize();
        weightIh = new float[slots][];
        weightHh = new float[slots][];
        biasIh = new float[slots][];
        biasHh = new float[slots][];
        for (int k = 0; k < config.numLayers(); k++) {
            int in = config.layerInputSize(k);
            for (int d = 0; d < config.directions(); d++) {
                int s = k * config.directions() + d;
                String suffix = "_l" + k + (d == 1 ? "_reverse" : "");
                weightIh[s] = put("weight_ih" + suffix, new float[gh * in], gh, in);
                weightHh[s] = put("weight_hh" + suffix, new float[gh * h], gh, h);
                if (config.bias()) {
                    biasIh[s] = put("bias_ih" + suffix, new float[gh], gh);
                    biasHh[s] = put("bias_hh" + suffix, new float[gh], gh);
                }
            }
        }
    }

    private float[] put(String name, float[] data, int... shape) {
        byName.put(name, data);
        shapes.put(name, shape);
        return data;
    }

    /** PyTorch's default initialisation: every parameter uniform in [-1/sqrt(H), 1/sqrt(H)], seeded. */
    public static RnnParameters initUniform(RnnConfig config, long seed) {
        RnnParameters p = new RnnParameters(config);
        SplittableRandom random = new SplittableRandom(seed);
        double bound = 1.0 / Math.sqrt(config.hiddenSize());
        for (float[] t : p.byName.values()) {
            for (int i = 0; i < t.length; i++) {
                t[i] = (float) random.nextDouble(-bound, bound);
            }
        }
        return p;
    }

    public RnnConfig config() {
        return config;
    }

    /** The parameter names in PyTorch's order. */
    public List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(byName.keySet()));
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    /** The live storage of a parameter (row-major); mutate only when no forward is running. */
    public float[] get(String name) {
        float[] t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter " + name + "; this " + config.mode() + " has " + byName.keySet());
        }
        return t;
    }

    public int[] shape(String name) {
        get(name);
        return shapes.get(name).clone();
    }

    /** Copies values into a parameter, checking the length against its shape. */
    public void set(String name, float[] values) {
        float[] t = get(name);
        if (values.length != t.length) {
            throw new IllegalArgumentException(name + " has shape " + Arrays.toString(shapes.get(name)) + " (" + t.length
                    + " values), got " + values.length + " values");
        }
        System.arraycopy(values, 0, t, 0, t.length);
    }

    public float[] weightIh(int layer, int direction) {
        return weightIh[layer * config.directions() + direction];
    }

    public float[] weightHh(int layer, int direction) {
        return weightHh[layer * config.directions() + direction];
    }

    /** null when the stack has no biases */
    public float[] biasIh(int layer, int direction) {
        return biasIh[layer * config.directions() + direction];
    }

    /** null when the stack has no biases */
    public float[] biasHh(int layer, int direction) {
        return biasHh[layer * config.directions() + direction];
    }

    /** Sets every element to zero (e.g. a gradient buffer before a step). */
    public void zero() {
        for (float[] t : byName.values()) {
            Arrays.fill(t, 0f);
        }
    }

    /** A deep copy. */
    public RnnParameters copy() {
        RnnParameters p = new RnnParameters(config);
        for (Map.Entry<String, float[]> e : byName.entrySet()) {
            System.arraycopy(e.getValue(), 0, p.byName.get(e.getKey()), 0, e.getValue().length);
        }
        return p;
    }

    /** Total number of scalars. */
    public long count() {
        long n = 0;
        for (float[] t : byName.values()) {
            n += t.length;
        }
        return n;
    }
}
