package dev.lanegrad.autograd;

/** y = a * b elementwise, b of a's shape or a's trailing dimensions (row broadcast). da = dy b, db = dy a (summed over rows). */
final class Mul extends Node.Binary {

    private Mul(Tensor a, Tensor b, Tensor y) {
        super(a, b, y);
    }

    static Tensor apply(Tensor a, Tensor b) {
        Tape tape = tapeFor("mul", a, b);
        int cols = Add.broadcastCols("mul", a, b);
        Tensor y = tape.newTensor(a.shapeRef(), a.size(), tape.needsGrad(a, b));
        for (int r = 0; r < a.size(); r += cols) {
            OPS.mul(a.dataRef(), a.offset() + r, b.dataRef(), b.offset(), y.dataRef(), y.offset() + r, cols);
        }
        tape.record(new Mul(a, b, y), y);
        return y;
    }

    @Override
    void backward() {
        float[] dy = y.grad();
        int dyOff = y.gradOffset();
        int cols = Math.max(1, b.size());
        for (int r = 0; r < y.size(); r += cols) {
            if (a.requiresGrad()) {
                mulAcc(dy, dyOff + r, b.dataRef(), b.offset(), a.grad(), a.gradOffset() + r, cols);
            }
            if (b.requiresGrad()) {
                mulAcc(dy, dyOff + r, a.dataRef(), a.offset() + r, b.grad(), b.gradOffset(), cols);
            }
        }
    }

    @Override
    String name() {
        return "mul";
    }
}
