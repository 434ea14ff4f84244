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
 *
 * Storage is either owned (one exact-length array per tensor, offset 0) or borrowed with
 * {@link #wrap}: then each tensor lives at an offset of some caller's array (e.g. a tape's parameter
 * tensors, or one flat buffer an optimizer updates), and the layer reads / accumulates in place.
 */
public final class RnnParameters {

    private final RnnConfig config;
    private final float[][] weightIh;
    private final float[][] weightHh;
    private final float[][] biasIh;
    private final float[][] biasHh;
    private final int[] weightIhOff;
    private final int[] weightHhOff;
    private final int[] biasIhOff;
    private final int[] biasHhOff;
    private final Map<String, float[]> byName = new LinkedHashMap<>();
    private final Map<String, Integer> offsets = new LinkedHashMap<>();
    private final Map<String, int[]> shapes = new LinkedHashMap<>();

    /** Supplies the storage of one named tensor of the given shape. */
    @FunctionalInterface
    public interface Storage {
        FloatView tensor(String name, int[] shape);
    }

    /** All-zero parameters (or a zeroed gradient buffer) for this configuration. */
    public RnnParameters(RnnConfig config) {
        this(config, (name, shape) -> FloatView.zeros(shape));
    }

    /**
     * Parameters (or gradients) living in the caller's storage, looked up by PyTorch name; each view
     * must have exactly the expected shape. Nothing is copied: writes by the caller are seen by the
     * layer and gradients are accumulated in place.
     */
    public static RnnParameters wrap(RnnConfig config, Storage storage) {
        return new RnnParameters(config, storage);
    }

    private RnnParameters(RnnConfig config, Storage storage) {
        if (config == null) {
            throw new IllegalArgumentException("config is null");
        }
        this.config = config;
        int slots = config.stateCount();
        int gh = config.gateRows();
        int h = config.hiddenSize();
        weightIh = new float[slots][];
        weightHh = new float[slots][];
        biasIh = new float[slots][];
        biasHh = new float[slots][];
        weightIhOff = new int[slots];
        weightHhOff = new int[slots];
        biasIhOff = new int[slots];
        biasHhOff = new int[slots];
        for (int k = 0; k < config.numLayers(); k++) {
            int in = config.layerInputSize(k);
            for (int d = 0; d < config.directions(); d++) {
                int s = k * config.directions() + d;
                String suffix = "_l" + k + (d == 1 ? "_reverse" : "");
                FloatView v = put(storage, "weight_ih" + suffix, gh, in);
                weightIh[s] = v.data();
                weightIhOff[s] = v.offset();
                v = put(storage, "weight_hh" + suffix, gh, h);
                weightHh[s] = v.data();
                weightHhOff[s] = v.offset();
                if (config.bias()) {
                    v = put(storage, "bias_ih" + suffix, gh);
                    biasIh[s] = v.data();
                    biasIhOff[s] = v.offset();
                    v = put(storage, "bias_hh" + suffix, gh);
                    biasHh[s] = v.data();
                    biasHhOff[s] = v.offset();
                }
            }
        }
    }

    private FloatView put(Storage storage, String name, int... shape) {
        FloatView v = storage.tensor(name, shape.clone());
        if (v == null) {
            throw new IllegalArgumentException("tensor " + name + " is missing, expected shape " + Arrays.toString(shape));
        }
        if (!Arrays.equals(v.shape(), shape)) {
            throw new IllegalArgumentException(name + " has shape " + Arrays.toString(v.shape()) + ", expected " + Arrays.toString(shape));
        }
        byName.put(name, v.data());
        offsets.put(name, v.offset());
        shapes.put(name, shape);
        return v;
    }

    private int length(String name) {
        int n = 1;
        for (int d : shapes.get(name)) {
            n *= d;
        }
        return n;
    }

    /** PyTorch's default initialisation: every parameter uniform in [-1/sqrt(H), 1/sqrt(H)], seeded. */
    public static RnnParameters initUniform(RnnConfig config, long seed) {
        RnnParameters p = new RnnParameters(config);
        SplittableRandom random = new SplittableRandom(seed);
        double bound = 1.0 / Math.sqrt(config.hiddenSize());
        for (String name : p.byName.keySet()) {
            float[] t = p.byName.get(name);
            int off = p.offsets.get(name);
            for (int i = 0; i < p.length(name); i++) {
                t[off + i] = (float) random.nextDouble(-bound, bound);
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

    /**
     * The live backing array of a tensor (row-major, starting at {@link #offset}; owned storage starts
     * at 0 and has exactly the tensor's length). Mutate only when no forward is running.
     */
    public float[] get(String name) {
        float[] t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter " + name + "; this " + config.mode() + " has " + byName.keySet());
        }
        return t;
    }

    public int offset(String name) {
        get(name);
        return offsets.get(name);
    }

    public int[] shape(String name) {
        get(name);
        return shapes.get(name).clone();
    }

    /** The tensor as a view of its live storage. */
    public FloatView view(String name) {
        return new FloatView(get(name), offset(name), shape(name));
    }

    /** Copies values into a parameter, checking the length against its shape. */
    public void set(String name, float[] values) {
        float[] t = get(name);
        int n = length(name);
        if (values.length != n) {
            throw new IllegalArgumentException(name + " has shape " + Arrays.toString(shapes.get(name)) + " (" + n
                    + " values), got " + values.length + " values");
        }
        System.arraycopy(values, 0, t, offsets.get(name), n);
    }

    // by slot s = layer * D + direction; the bias arrays are null when the stack has no biases
    float[] weightIh(int s) {
        return weightIh[s];
    }

    int weightIhOff(int s) {
        return weightIhOff[s];
    }

    float[] weightHh(int s) {
        return weightHh[s];
    }

    int weightHhOff(int s) {
        return weightHhOff[s];
    }

    float[] biasIh(int s) {
        return biasIh[s];
    }

    int biasIhOff(int s) {
        return biasIhOff[s];
    }

    float[] biasHh(int s) {
        return biasHh[s];
    }

    int biasHhOff(int s) {
        return biasHhOff[s];
    }

    /** Sets every element to zero (e.g. a gradient buffer before a step). */
    public void zero() {
        for (String name : byName.keySet()) {
            int off = offsets.get(name);
            Arrays.fill(byName.get(name), off, off + length(name), 0f);
        }
    }

    /** A deep copy. */
    public RnnParameters copy() {
        RnnParameters p = new RnnParameters(config);
        for (String name : byName.keySet()) {
            System.arraycopy(byName.get(name), offsets.get(name), p.byName.get(name), 0, length(name));
        }
        return p;
    }

    /** Total number of scalars. */
    public long count() {
        long n = 0;
        for (String name : byName.keySet()) {
            n += length(name);
        }
        return n;
    }
}
