package dev.lanegrad.autograd;

/**
 * Concatenation on the last dimension: [..., c0], [..., c1], ... -> [..., c0 + c1 + ...].
 * Backward copies each column block of dy back into its input's gradient.
 */
final class Concat extends Node {

    private final Tensor[] xs;

    private Concat(Tensor[] xs, Tensor y) {
        super(y);
        this.xs = xs;
    }

    static Tensor apply(Tensor... inputs) {
        if (inputs.length == 0) {
            throw new IllegalArgumentException("concat: no inputs");
        }
        Tensor[] xs = inputs.clone();
        Tape tape = tapeFor("concat", xs);
        int[] first = xs[0].shapeRef();
        if (first.length == 0) {
            throw new IllegalArgumentException("concat: inputs must have at least one dimension, got a scalar");
        }
        int total = 0;
        for (Tensor x : xs) {
            int[] s = x.shapeRef();
            if (s.length != first.length || !java.util.Arrays.equals(s, 0, s.length - 1, first, 0, first.length - 1)) {
                throw new IllegalArgumentException("concat: " + Shapes.str(first) + " and " + Shapes.str(s)
                        + ": all dimensions but the last must agree");
            }
            total += s[s.length - 1];
        }
        int rows = Shapes.size("concat", java.util.Arrays.copyOf(first, first.length - 1));
        Tensor y = tape.newTensor(Shapes.withLast(first, total), tape.needsGrad(xs));
        int col = 0;
        for (Tensor x : xs) {
            int c = x.dim(-1);
            copyRows(x.dataRef(), x.offset(), c, y.dataRef(), y.offset() + col, total, rows, c);
            col += c;
        }
        tape.record(new Concat(xs, y), y);
        return y;
    }

    @Override
    Tensor[] inputs() {
        return xs;
    }

    @Override
    void backward() {
        int total = y.dim(-1);
        int rows = total == 0 ? 0 : y.size() / total;
        float[] dy = y.grad();
        int col = 0;
        for (Tensor x : xs) {
            int c = x.dim(-1);
            if (x.requiresGrad()) {
                addRows(dy, y.gradOffset() + col, total, x.grad(), x.gradOffset(), c, rows, c);
            }
            col += c;
        }
    }

    @Override
    String name() {
        return "concat";
    }
}
