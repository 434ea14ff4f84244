package dev.lanegrad.autograd;

/** y = s * x for a constant s; dx += s dy. */
final class Scale extends Node {

    private final Tensor x;
    private final Tensor y;
    private final float s;

    private Scale(Tensor x, Tensor y, float s) {
        this.x = x;
        this.y = y;
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
    String name() {
        return "scale";
    }

    @Override
    boolean reached() {
        return y.hasGrad();
    }

    @Override
    Tensor[] inputs() {
        return new Tensor[] {x};
    }

    @Override
    void backward() {
        OPS.axpy(s, y.grad(), y.gradOffset(), x.grad(), x.gradOffset(), x.size());
    }
}
