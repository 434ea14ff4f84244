package dev.lanegrad.autograd;

/**
 * Split on the last dimension into blocks of the given sizes: [..., c0 + c1 + ...] -> [..., c0], [..., c1], ...
 * One node with several outputs; backward adds each output's gradient (if any) into its column block.
 */
final class Split extends Node {

    private final Tensor x;
    private final Tensor[] ys;

    private Split(Tensor x, Tensor[] ys) {
        super(null);
        this.x = x;
        this.ys = ys;
    }

    static Tensor[] apply(Tensor x, int... sizes) {
        Tape tape = tapeFor("split", x);
        if (x.rank() == 0) {
            throw new IllegalArgumentException("split: needs at least one dimension, got a scalar");
        }
        int total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split: negative size " + s);
            }
            total += s;
        }
        int last = x.dim(-1);
        if (total != last) {
            throw new IllegalArgumentException("split: sizes " + java.util.Arrays.toString(sizes) + " add up to " + total
                    + " but the last dimension of " + Shapes.str(x.shapeRef()) + " is " + last);
        }
        int rows = last == 0 ? Shapes.size("split", java.util.Arrays.copyOf(x.shapeRef(), x.rank() - 1)) : x.size() / last;
        boolean grad = tape.needsGrad(x);
        Tensor[] ys = new Tensor[sizes.length];
        int col = 0;
        for (int i = 0; i < sizes.length; i++) {
            int c = sizes[i];
            ys[i] = tape.newTensor(Shapes.withLast(x.shapeRef(), c), grad);
            copyRows(x.dataRef(), x.offset() + col, last, ys[i].dataRef(), ys[i].offset(), c, rows, c);
            col += c;
        }
        tape.recordMulti(new Split(x, ys), grad, ys);
        return ys;
    }

    @Override
    boolean reached() {
        for (Tensor y : ys) {
            if (y.hasGrad()) {
                return true;
            }
        }
        return false;
    }

    @Override
    Tensor[] inputs() {
        return new Tensor[] {x};
    }

    @Override
    void backward() {
        int last = x.dim(-1);
        int rows = last == 0 ? 0 : x.size() / last;
        float[] dx = x.grad();
        int col = 0;
        for (Tensor y : ys) {
            int c = y.dim(-1);
            if (y.hasGrad()) {
                addRows(y.grad(), y.gradOffset(), c, dx, x.gradOffset() + col, last, rows, c);
            }
            col += c;
        }
    }

    @Override
    String name() {
        return "split";
    }
}
