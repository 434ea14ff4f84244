package dev.lanegrad.autograd;

/**
 * Softmax and log-softmax over the last dimension, backward from the saved output:
 * softmax dx += y (dy - sum(dy y)); log-softmax dx += dy - e^y sum(dy).
 */
final class Softmax extends Node.Unary {

    private final boolean log;

    private Softmax(Tensor x, Tensor y, boolean log) {
        super(x, y);
        this.log = log;
    }

    static Tensor apply(Tensor x, boolean log) {
        String op = log ? "logSoftmax" : "softmax";
        Tape tape = tapeFor(op, x);
        if (x.rank() == 0) {
            throw new IllegalArgumentException(op + ": needs at least one dimension, got a scalar");
        }
        int cols = x.dim(-1);
        int rows = cols == 0 ? 0 : x.size() / cols;
        Tensor y = tape.newTensor(x.shapeRef(), x.size(), tape.needsGrad(x));
        if (log) {
            OPS.logSoftmaxRows(x.dataRef(), x.offset(), y.dataRef(), y.offset(), rows, cols);
        } else {
            OPS.softmaxRows(x.dataRef(), x.offset(), y.dataRef(), y.offset(), rows, cols);
        }
        tape.record(new Softmax(x, y, log), y);
        return y;
    }

    @Override
    void backward() {
        int cols = x.dim(-1);
        int rows = cols == 0 ? 0 : x.size() / cols;
        if (log) {
            OPS.logSoftmaxRowsBackward(y.dataRef(), y.offset(), y.grad(), y.gradOffset(), x.grad(), x.gradOffset(), rows, cols);
        } else {
            OPS.softmaxRowsBackward(y.dataRef(), y.offset(), y.grad(), y.gradOffset(), x.grad(), x.gradOffset(), rows, cols);
        }
    }

    @Override
    String name() {
        return log ? "logSoftmax" : "softmax";
    }
}
