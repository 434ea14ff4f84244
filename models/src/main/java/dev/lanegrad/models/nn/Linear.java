package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.io.Checkpoint;
import dev.lanegrad.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PyTorch's nn.Linear: {@code y = x W^T + b} on [..., in], with weight [out, in] and bias [out], both
 * initialised uniform in [-1/sqrt(in), 1/sqrt(in)) from the seed (PyTorch's default bound).
 */
public final class Linear extends Module {

    private final int inFeatures;
    private final int outFeatures;
    private final Tensor weight;
    private final Tensor bias;

    public Linear(int inFeatures, int outFeatures, boolean bias, long seed) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("Linear(" + inFeatures + ", " + outFeatures + "): sizes must be >= 1");
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        float bound = (float) (1.0 / Math.sqrt(inFeatures));
        weight = register("weight", Tensor.uniform(-bound, bound, seed, outFeatures, inFeatures));
        this.bias = bias ? register("bias", Tensor.uniform(-bound, bound, seed ^ 0x9E3779B97F4A7C15L, outFeatures)) : null;
    }

    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true, 0L);
    }

    /** x [..., in] -> [..., out] (one tape node). */
    public Tensor forward(Tensor x) {
        if (x.rank() < 1 || x.dim(-1) != inFeatures) {
            throw new IllegalArgumentException("x has shape " + shape(x.shape()) + ", expected [..., " + inFeatures + "]");
        }
        return Ops.linear(x, weight, bias);
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null. */
    public Tensor bias() {
        return bias;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    @Override
    public Map<String, String> config() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("module", "Linear");
        m.put("in_features", Integer.toString(inFeatures));
        m.put("out_features", Integer.toString(outFeatures));
        m.put("bias", Boolean.toString(bias != null));
        return m;
    }

    /** Builds a Linear from a checkpoint saved by {@link #save} and loads its parameters. */
    public static Linear load(Path file) throws IOException {
        Checkpoint c = SafeTensors.read(file);
        expectModule(c, "Linear");
        Linear l = new Linear(Integer.parseInt(meta(c, "in_features")), Integer.parseInt(meta(c, "out_features")),
                Boolean.parseBoolean(meta(c, "bias")), 0L);
        l.loadStateDict(c);
        return l;
    }
}
