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
 * PyTorch's nn.Embedding: a table weight [num, dim] initialised N(0, 1) from the seed, the padding row
 * (if any) zero and never updated by gradients.
 */
public final class Embedding extends Module {

    /** No padding index. */
    public static final int NO_PADDING = -1;

    private final int num;
    private final int dim;
    private final int paddingIdx;
    private final Tensor weight;

    /** @param paddingIdx a row in [0, num) or {@link #NO_PADDING} */
    public Embedding(int num, int dim, int paddingIdx, long seed) {
        if (num < 1 || dim < 1) {
            throw new IllegalArgumentException("Embedding(" + num + ", " + dim + "): sizes must be >= 1");
        }
        if (paddingIdx != NO_PADDING && (paddingIdx < 0 || paddingIdx >= num)) {
            throw new IllegalArgumentException("paddingIdx " + paddingIdx + " outside a vocabulary of " + num);
        }
        this.num = num;
        this.dim = dim;
        this.paddingIdx = paddingIdx;
        weight = register("weight", Tensor.normal(0f, 1f, seed, num, dim));
        if (paddingIdx != NO_PADDING) {
            java.util.Arrays.fill(weight.data(), paddingIdx * dim, (paddingIdx + 1) * dim, 0f);
        }
    }

    public Embedding(int num, int dim, long seed) {
        this(num, dim, NO_PADDING, seed);
    }

    /**
     * The rows of ids, shaped [shape..., dim] (shape defaults to [ids.length]). The ids array is kept by
     * the tape node until backward: do not change it before then.
     */
    public Tensor forward(int[] ids, int... shape) {
        int[] s = shape.length == 0 ? new int[] {ids.length} : shape;
        long n = 1;
        for (int d : s) {
            n *= d;
        }
        if (n != ids.length) {
            throw new IllegalArgumentException(ids.length + " token ids for the shape " + shape(s) + " of " + n + " elements");
        }
        for (int id : ids) {
            if (id < 0 || id >= num) {
                throw new IllegalArgumentException("token id " + id + " outside a vocabulary of " + num);
            }
        }
        return Ops.embedding(weight, ids, s, paddingIdx);
    }

    public Tensor weight() {
        return weight;
    }

    public int numEmbeddings() {
        return num;
    }

    public int embeddingDim() {
        return dim;
    }

    /** The padding index, or {@link #NO_PADDING}. */
    public int paddingIdx() {
        return paddingIdx;
    }

    @Override
    public Map<String, String> config() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("module", "Embedding");
        m.put("num_embeddings", Integer.toString(num));
        m.put("embedding_dim", Integer.toString(dim));
        m.put("padding_idx", Integer.toString(paddingIdx));
        return m;
    }

    /** Builds an Embedding from a checkpoint saved by {@link #save} and loads its table. */
    public static Embedding load(Path file) throws IOException {
        Checkpoint c = SafeTensors.read(file);
        expectModule(c, "Embedding");
        Embedding e = new Embedding(Integer.parseInt(meta(c, "num_embeddings")), Integer.parseInt(meta(c, "embedding_dim")),
                Integer.parseInt(meta(c, "padding_idx")), 0L);
        e.loadStateDict(c);
        return e;
    }
}
