package dev.lanegrad.autograd;

/**
 * PyTorch's nn.Linear as one node (GEMM + bias, like addmm): x [..., in], weight [out, in], bias [out] or null.
 * <pre>
 * y (m,out) = x (m,in) weight^T + bias          m = all leading dimensions of x
 * dx (m,in)  += dy (m,out) weight (out,in)
 * dW (out,in) += dy^T (out,m) x (m,in)
 * db (out)    += column sums of dy
 * </pre>
 * One node instead of matmul + add saves a pass over y and two objects per layer and step.
 */
final class LinearOp extends Node {

    private final Tensor x;
    private final Tensor w;
    private final Tensor b;
    private final int m;

    private LinearOp(Tensor x, Tensor w, Tensor b, Tensor y, int m) {
        super(y);
        this.x = x;
        this.w = w;
        this.b = b;
        this.m = m;
    }

    static Tensor apply(Tensor x, Tensor w, Tensor b) {
        Tape tape = b == null ? tapeFor("linear", x, w) : tapeFor("linear", x, w, b);
        if (x.rank() < 1 || w.rank() != 2) {
            throw new IllegalArgumentException("linear: " + Shapes.str(x.shapeRef()) + " x " + Shapes.str(w.shapeRef())
                    + "^T: expected x [..., in] and weight [out, in]");
        }
        int in = x.dim(-1), out = w.dim(0);
        if (w.dim(1) != in) {
            throw new IllegalArgumentException("linear: " + Shapes.str(x.shapeRef()) + " x " + Shapes.str(w.shapeRef())
                    + "^T: inner dimensions " + in + " and " + w.dim(1) + " differ");
        }
        if (b != null && (b.rank() != 1 || b.size() != out)) {
            throw new IllegalArgumentException("linear: bias " + Shapes.str(b.shapeRef()) + " for weight "
                    + Shapes.str(w.shapeRef()) + ": expected [" + out + "]");
        }
        int m = in == 0 ? Shapes.size("linear", java.util.Arrays.copyOf(x.shapeRef(), x.rank() - 1)) : x.size() / in;
        boolean grad = tape.needsGrad(x, w) || b != null && tape.needsGrad(b);
        Tensor y = tape.newTensor(Shapes.withLast(x.shapeRef(), out), m * out, grad);
        GEMM.sgemm(false, true, m, out, in, 1f, x.dataRef(), x.offset(), Math.max(1, in),
                w.dataRef(), w.offset(), Math.max(1, in), 0f, y.dataRef(), y.offset(), Math.max(1, out));
        if (b != null) {
            OPS.addRowBias(y.dataRef(), y.offset(), m, out, Math.max(1, out), b.dataRef(), b.offset());
        }
        tape.record(new LinearOp(x, w, b, y, m), y);
        return y;
    }

    @Override
    Tensor[] inputs() {
        return b == null ? new Tensor[] {x, w} : new Tensor[] {x, w, b};
    }

    @Override
    void backward() {
        int in = w.dim(1), out = w.dim(0);
        int ldi = Math.max(1, in), ldo = Math.max(1, out);
        float[] dy = y.grad();
        int dyo = y.gradOffset();
        if (x.requiresGrad()) {
            GEMM.sgemm(false, false, m, in, out, 1f, dy, dyo, ldo, w.dataRef(), w.offset(), ldi,
                    1f, x.grad(), x.gradOffset(), ldi);
        }
        if (w.requiresGrad()) {
            GEMM.sgemm(true, false, out, in, m, 1f, dy, dyo, ldo, x.dataRef(), x.offset(), ldi,
                    1f, w.grad(), w.gradOffset(), ldi);
        }
        if (b != null && b.requiresGrad()) {
            OPS.addColumnSums(dy, dyo, m, out, ldo, b.grad(), b.gradOffset());
        }
    }

    @Override
    String name() {
        return "linear";
    }
}
