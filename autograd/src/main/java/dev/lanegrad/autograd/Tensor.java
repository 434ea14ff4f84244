package dev.lanegrad.autograd;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A row-major float32 tensor: a shape, a range {@code data[offset, offset + size)} of a float array,
 * a gradient buffer made when first needed, whether it requires a gradient, and an optional name.
 *
 * Two kinds:
 * <ul>
 * <li><b>leaves</b> (parameters, inputs), made by the factories: they own their data and gradient,
 *     live as long as you keep them, and may be used on any tape and any thread (read-only while
 *     shared; an optimizer updates {@link #data()} in place).</li>
 * <li><b>intermediates</b>, made by ops on a {@link Tape}: their data and gradient live in the tape's
 *     arena and are valid until the tape is reset or closed; touching one afterwards fails.</li>
 * </ul>
 * Views ({@link #reshape}, {@link #slice}, {@link #select}) share data AND gradient with their base,
 * so they need no tape node: a gradient written through a view lands in the base's gradient.
 */
public final class Tensor {

    private final int[] shape;
    private final int size;
    private final float[] data;
    private final int offset;
    private boolean requiresGrad;
    private String name;

    /** the tape that owns data and grad (null for a leaf) and its step when this was made */
    private final Tape tape;
    private final int epoch;
    /** a view's base and where the view starts inside it */
    private final Tensor base;
    private final int baseDelta;

    private float[] grad;
    private int gradOffset;

    Tensor(int[] shape, int size, float[] data, int offset, boolean requiresGrad, Tape tape, int epoch,
           Tensor base, int baseDelta) {
        this.shape = shape;
        this.size = size;
        this.data = data;
        this.offset = offset;
        this.requiresGrad = requiresGrad;
        this.tape = tape;
        this.epoch = epoch;
        this.base = base;
        this.baseDelta = baseDelta;
    }

    private static Tensor leaf(float[] data, int offset, int[] shape, boolean requiresGrad) {
        int[] s = shape.clone();
        int n = Shapes.size("tensor", s);
        if (offset < 0 || offset + (long) n > data.length) {
            throw new IllegalArgumentException("tensor: shape " + Shapes.str(s) + " needs " + n + " elements from offset "
                    + offset + " but the array has length " + data.length);
        }
        return new Tensor(s, n, data, offset, requiresGrad, null, 0, null, 0);
    }

    // ---- factories (leaves) ----

    public static Tensor zeros(int... shape) {
        return leaf(new float[Shapes.size("zeros", shape)], 0, shape, false);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        float[] d = new float[Shapes.size("full", shape)];
        Arrays.fill(d, value);
        return leaf(d, 0, shape, false);
    }

    public static Tensor scalar(float value) {
        return leaf(new float[] {value}, 0, new int[0], false);
    }

    /** A copy of values with the given shape (values.length must equal the shape's size). */
    public static Tensor fromArray(float[] values, int... shape) {
        int n = Shapes.size("fromArray", shape);
        if (values.length != n) {
            throw new IllegalArgumentException("fromArray: " + values.length + " values for shape " + Shapes.str(shape)
                    + " of " + n + " elements");
        }
        return leaf(values.clone(), 0, shape, false);
    }

    /** Wraps data[offset, offset + size) without copying: the tensor sees later changes of the array. */
    public static Tensor wrap(float[] data, int offset, int... shape) {
        return leaf(data, offset, shape, false);
    }

    /** Uniform in [lo, hi), from a seed. */
    public static Tensor uniform(float lo, float hi, long seed, int... shape) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] d = new float[Shapes.size("uniform", shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
        return leaf(d, 0, shape, false);
    }

    /** Normal(mean, std), from a seed. */
    public static Tensor normal(float mean, float std, long seed, int... shape) {
        java.util.Random random = new java.util.Random(seed);
        float[] d = new float[Shapes.size("normal", shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (mean + std * random.nextGaussian());
        }
        return leaf(d, 0, shape, false);
    }

    /**
     * Marks this leaf as requiring a gradient (a parameter) or not, in place; returns this. Only for
     * leaves: an intermediate requires a gradient exactly when one of its inputs does, and a view
     * follows its base.
     */
    public Tensor requiresGrad(boolean requires) {
        if (tape != null || base != null) {
            throw new IllegalStateException("requiresGrad: only a leaf made by a factory can be marked; " + this
                    + " is " + (base != null ? "a view" : "an intermediate of a tape"));
        }
        requiresGrad = requires;
        return this;
    }

    /** Sets the name shown in errors and reports; returns this. */
    public Tensor named(String name) {
        this.name = name;
        return this;
    }

    // ---- views ----

    /** A view with another shape of the same size (one dimension may be -1). */
    public Tensor reshape(int... newShape) {
        checkLive("reshape");
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1 && infer < 0) {
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0 && known > 0 && size % known == 0) {
            s[infer] = (int) (size / known);
        }
        if (infer >= 0 && s[infer] == -1 || Shapes.size("reshape", s) != size) {
            throw new IllegalArgumentException("reshape: " + Shapes.str(shape) + " (" + size + " elements) cannot become "
                    + Shapes.str(newShape));
        }
        return view(s, 0, size);
    }

    /** Rows [start, end) along the first dimension, as a view. */
    public Tensor slice(int start, int end) {
        checkLive("slice");
        if (shape.length == 0 || start < 0 || end > shape[0] || start > end) {
            throw new IllegalArgumentException("slice: [" + start + ", " + end + ") along the first dimension of "
                    + Shapes.str(shape));
        }
        int row = shape[0] == 0 ? 0 : size / shape[0];
        int[] s = shape.clone();
        s[0] = end - start;
        return view(s, start * row, (end - start) * row);
    }

    /** Entry i of the first dimension (e.g. one time step of [T, B, F]), as a view of rank - 1. */
    public Tensor select(int i) {
        checkLive("select");
        if (shape.length == 0 || i < 0 || i >= shape[0]) {
            throw new IllegalArgumentException("select: index " + i + " along the first dimension of " + Shapes.str(shape));
        }
        int row = size / shape[0];
        return view(Arrays.copyOfRange(shape, 1, shape.length), i * row, row);
    }

    private Tensor view(int[] s, int delta, int n) {
        Tensor root = base == null ? this : base;
        int rootDelta = base == null ? delta : baseDelta + delta;
        Tensor v = new Tensor(s, n, data, offset + delta, requiresGrad, tape, epoch, root, rootDelta);
        v.name = name;
        return v;
    }

    // ---- accessors ----

    public int[] shape() {
        return shape.clone();
    }

    /** Dimension d; negative d counts from the end. */
    public int dim(int d) {
        return shape[d < 0 ? shape.length + d : d];
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return size;
    }

    /** The backing array; the tensor is data()[offset(), offset() + size()). */
    public float[] data() {
        checkLive("data");
        return data;
    }

    public int offset() {
        return offset;
    }

    public boolean requiresGrad() {
        return base != null && base.tape == null ? base.requiresGrad : requiresGrad;
    }

    public String name() {
        return name;
    }

    /** Element i of the flat row-major order. */
    public float get(int i) {
        checkLive("get");
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("get: index " + i + " of a tensor of " + size + " elements");
        }
        return data[offset + i];
    }

    /** The single value of a one-element tensor (a loss). */
    public float item() {
        if (size != 1) {
            throw new IllegalStateException("item: tensor " + Shapes.str(shape) + " has " + size + " elements, not 1");
        }
        return get(0);
    }

    /** A copy of the values. */
    public float[] toArray() {
        checkLive("toArray");
        return Arrays.copyOfRange(data, offset, offset + size);
    }

    // ---- gradient ----

    /** Whether a gradient buffer exists (something has flowed into it, or it was asked for). */
    public boolean hasGrad() {
        return base != null ? base.hasGrad() : grad != null;
    }

    /**
     * The gradient buffer (same layout as data, starting at {@link #gradOffset()}), made and zeroed on
     * first call: from the tape's arena for an intermediate, a new array for a leaf.
     * Backward code ACCUMULATES into it ({@code +=}).
     */
    public float[] grad() {
        checkLive("grad");
        if (base != null) {
            return base.grad();
        }
        if (grad == null) {
            if (tape != null) {
                gradOffset = tape.arena().allocZeroed(size);
                grad = tape.arena().array();
            } else {
                grad = new float[size];
                gradOffset = 0;
            }
        }
        return grad;
    }

    /** Where this tensor's gradient starts in {@link #grad()}. */
    public int gradOffset() {
        return base != null ? base.gradOffset() + baseDelta : gradOffset;
    }

    /** A copy of the gradient (zeros when none flowed here). */
    public float[] gradToArray() {
        float[] g = grad();
        int o = gradOffset();
        return Arrays.copyOfRange(g, o, o + size);
    }

    /** Sets the gradient to zero (keeps the buffer): call on parameters before each step. */
    public void zeroGrad() {
        if (hasGrad()) {
            float[] g = grad();
            int o = gradOffset();
            Arrays.fill(g, o, o + size, 0f);
        }
    }

    public static void zeroGrad(Iterable<Tensor> parameters) {
        for (Tensor p : parameters) {
            p.zeroGrad();
        }
    }

    // ---- tape bookkeeping ----

    Tape tape() {
        return tape;
    }

    boolean isLeaf() {
        return tape == null;
    }

    int[] shapeRef() {
        return shape;
    }

    float[] dataRef() {
        return data;
    }

    /** Fails when this intermediate's tape step was reset (its memory now belongs to someone else). */
    void checkLive(String op) {
        if (tape != null && epoch != tape.epoch()) {
            throw new IllegalStateException(op + ": tensor " + describe() + " was made on a tape step that has been reset "
                    + "or closed; an intermediate is valid only until Tape.reset()/close() (copy it with toArray() to keep it)");
        }
    }

    String describe() {
        return (name == null ? "" : "'" + name + "' ") + Shapes.str(shape);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(name == null ? "" : "('" + name + "')").append(Shapes.str(shape));
        if (requiresGrad()) {
            sb.append(" requiresGrad");
        }
        if (tape != null && epoch != tape.epoch()) {
            return sb.append(" <reset>").toString();
        }
        sb.append(" [");
        int shown = Math.min(size, 8);
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(data[offset + i]);
        }
        return sb.append(size > shown ? ", ...]" : "]").toString();
    }
}
