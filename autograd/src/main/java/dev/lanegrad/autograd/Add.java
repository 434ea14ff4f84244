package dev.lanegrad.autograd;

/**
 * y = a + b and y = a - b; b has a's shape or a's trailing dimensions (a bias broadcast over rows).
 * d/da = dy; d/db = ±dy, summed over the broadcast rows.
 */
final class Add extends Node.Binary {

    private final boolean subtract;

    private Add(Tensor a, Tensor b, Tensor y, boolean subtract) {
        super(a, b, y);
        this.subtract = subtract;
    }

    static Tensor apply(Tensor a, Tensor b, boolean subtract) {
        String op = subtract ? "sub" : "add";
        Tape tape = tapeFor(op, a, b);
        int cols = broadcastCols(op, a, b);
        Tensor y = tape.newTensor(a.shapeRef(), a.size(), tape.needsGrad(a, b));
        float[] ad = a.dataRef(), bd = b.dataRef(), yd = y.dataRef();
        for (int r = 0; r < a.size(); r += cols) {
            if (subtract) {
                OPS.sub(ad, a.offset() + r, bd, b.offset(), yd, y.offset() + r, cols);
            } else {
                OPS.add(ad, a.offset() + r, bd, b.offset(), yd, y.offset() + r, cols);
            }
        }
        tape.record(new Add(a, b, y, subtract), y);
        return y;
    }

    /** The length of b's row: b.size() when b matches a's shape or its trailing dimensions. */
    static int broadcastCols(String op, Tensor a, Tensor b) {
        if (!Shapes.isSuffix(b.shapeRef(), a.shapeRef()) || b.size() == 0 && a.size() != 0) {
            throw new IllegalArgumentException(op + ": " + Shapes.str(a.shapeRef()) + " and " + Shapes.str(b.shapeRef())
                    + ": the second shape must equal the first or its trailing dimensions (a row broadcast)");
        }
        return Math.max(1, b.size());
    }

    @Override
    void backward() {
        float[] dy = y.grad();
        int dyOff = y.gradOffset();
        if (a.requiresGrad()) {
            OPS.axpy(1f, dy, dyOff, a.grad(), a.gradOffset(), a.size());
        }
        if (b.requiresGrad()) {
            int cols = Math.max(1, b.size());
            if (subtract) {
                for (int r = 0; r < y.size(); r += cols) {
                    OPS.axpy(-1f, dy, dyOff + r, b.grad(), b.gradOffset(), cols);
                }
            } else {
                OPS.addColumnSums(dy, dyOff, y.size() / cols, cols, cols, b.grad(), b.gradOffset());
            }
        }
    }

    @Override
    String name() {
        return subtract ? "sub" : "add";
    }
}
