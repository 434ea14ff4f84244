package dev.lanegrad.autograd;

/** y = s * x for a constant s; dx += s dy. */
final class Scale extends Node.Unary {

    private final float s;

    private Scale(Tensor x, Tensor y, float s) {
        super(x, y);
        this.s = s;
    }

    static Tensor apply(Tensor x, float s) {
        Tape tape = tapeFor("scale", x);
        Tensor y = tape.newTensor(x.shapeRef(), x.size(), tape.needsGrad(x));
        OPS.copy(x.dataRef(), x.offset(), y.dataRef(), y.offset(), x.size());
        OPS.scale(s, y.dataRef(), y.offset(), y.size());
        tape.record(new Scale(x, y, s), y);
        return y;
    }

    @Override
    void backward() {
        OPS.axpy(s, y.grad(), y.gradOffset(), x.grad(), x.gradOffset(), x.size());
    }

    @Override
    String name() {
        return "scale";
    }
}
