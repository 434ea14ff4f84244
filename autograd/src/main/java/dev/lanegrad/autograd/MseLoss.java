package dev.lanegrad.autograd;

/**
 * Mean squared error, accumulated in double: loss = mean((p - t)^2) (or the sum).
 * dp += up * 2 s (p - t), dt -= the same, s = 1/n for the mean.
 */
final class MseLoss extends Node {

    private final Tensor p;
    private final Tensor t;
    private final Tensor y;
    private final float scale;

    private MseLoss(Tensor p, Tensor t, Tensor y, float scale) {
        this.p = p;
        this.t = t;
        this.y = y;
        this.scale = scale;
    }

    static Tensor apply(Tensor p, Tensor t, Reduction reduction) {
        Tape tape = tapeFor("mseLoss", p, t);
        if (!java.util.Arrays.equals(p.shapeRef(), t.shapeRef())) {
            throw new IllegalArgumentException("mseLoss: prediction " + Shapes.str(p.shapeRef()) + " and target "
                    + Shapes.str(t.shapeRef()) + " differ");
        }
        float[] pd = p.dataRef(), td = t.dataRef();
        double s = 0;
        for (int i = 0; i < p.size(); i++) {
            double d = (double) pd[p.offset() + i] - td[t.offset() + i];
            s += d * d;
        }
        double scale = reduction == Reduction.MEAN ? 1.0 / p.size() : 1.0;
        Tensor y = tape.newTensor(Shapes.SCALAR, 1, tape.needsGrad(p, t));
        y.dataRef()[y.offset()] = (float) (s * scale);
        tape.record(new MseLoss(p, t, y, (float) scale), y);
        return y;
    }

    @Override
    String name() {
        return "mseLoss";
    }

    @Override
    boolean reached() {
        return y.hasGrad();
    }

    @Override
    Tensor[] inputs() {
        return new Tensor[] {p, t};
    }

    @Override
    void backward() {
        float g = 2f * scale * y.grad()[y.gradOffset()];
        float[] pd = p.dataRef(), td = t.dataRef();
        if (p.requiresGrad()) {
            float[] dp = p.grad();
            for (int i = 0, o = p.gradOffset(); i < p.size(); i++) {
                dp[o + i] += g * (pd[p.offset() + i] - td[t.offset() + i]);
            }
        }
        if (t.requiresGrad()) {
            float[] dt = t.grad();
            for (int i = 0, o = t.gradOffset(); i < t.size(); i++) {
                dt[o + i] -= g * (pd[p.offset() + i] - td[t.offset() + i]);
            }
        }
    }
}
