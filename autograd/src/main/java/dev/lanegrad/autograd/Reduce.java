package dev.lanegrad.autograd;

/**
 * Sum or mean over all elements (a scalar) or over one dimension (which disappears).
 * Viewing x as [outer, d, inner]: y[o, i] = s * sum_j x[o, j, i] with s = 1 or 1/d; dx[o, j, i] += s dy[o, i].
 */
final class Reduce extends Node.Unary {

    private final boolean mean;
    private final int outer;
    private final int d;
    private final int inner;

    private Reduce(Tensor x, Tensor y, boolean mean, int outer, int d, int inner) {
        super(x, y);
        this.mean = mean;
        this.outer = outer;
        this.d = d;
        this.inner = inner;
    }

    /** Over all elements. */
    static Tensor all(Tensor x, boolean mean) {
        Tape tape = tapeFor(mean ? "mean" : "sum", x);
        Tensor y = tape.newTensor(Shapes.SCALAR, 1, tape.needsGrad(x));
        double s = 0;
        float[] xd = x.dataRef();
        for (int i = 0, o = x.offset(); i < x.size(); i++) {
            s += xd[o + i];
        }
        y.dataRef()[y.offset()] = (float) (mean ? s / x.size() : s);
        tape.record(new Reduce(x, y, mean, 1, x.size(), 1), y);
        return y;
    }

    /** Over dimension dim (negative counts from the end). */
    static Tensor dim(Tensor x, int dim, boolean mean) {
        String op = mean ? "mean" : "sum";
        Tape tape = tapeFor(op, x);
        int[] s = x.shapeRef();
        int r = dim < 0 ? s.length + dim : dim;
        if (r < 0 || r >= s.length) {
            throw new IllegalArgumentException(op + ": dimension " + dim + " of a tensor " + Shapes.str(s));
        }
        int outer = 1, inner = 1;
        for (int i = 0; i < r; i++) {
            outer *= s[i];
        }
        for (int i = r + 1; i < s.length; i++) {
            inner *= s[i];
        }
        int d = s[r];
        int[] outShape = new int[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i != r) {
                outShape[j++] = s[i];
            }
        }
        Tensor y = tape.newTensor(outShape, outer * inner, tape.needsGrad(x));
        float[] xd = x.dataRef(), yd = y.dataRef();
        float scale = mean ? 1f / d : 1f;
        OPS.fill(0f, yd, y.offset(), y.size());
        for (int o = 0; o < outer; o++) {
            int yo = y.offset() + o * inner;
            for (int j = 0; j < d; j++) {
                OPS.axpy(scale, xd, x.offset() + (o * d + j) * inner, yd, yo, inner);
            }
        }
        tape.record(new Reduce(x, y, mean, outer, d, inner), y);
        return y;
    }

    @Override
    void backward() {
        float scale = mean ? 1f / d : 1f;
        float[] dy = y.grad(), dx = x.grad();
        for (int o = 0; o < outer; o++) {
            int dyo = y.gradOffset() + o * inner;
            for (int j = 0; j < d; j++) {
                OPS.axpy(scale, dy, dyo, dx, x.gradOffset() + (o * d + j) * inner, inner);
            }
        }
    }

    @Override
    String name() {
        return mean ? "mean" : "sum";
    }
}
