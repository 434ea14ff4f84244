package dev.lanegrad.autograd;

/**
 * Elementwise activations, forward and derivative side by side (PyTorch's derivatives.yaml, in small):
 * <pre>
 * tanh     y = tanh x            dx += dy (1 - y^2)     from the output
 * sigmoid  y = 1 / (1 + e^-x)    dx += dy y (1 - y)     from the output
 * relu     y = max(x, 0)         dx += dy [y > 0]       from the output
 * exp      y = e^x               dx += dy y             from the output
 * log      y = ln x              dx += dy / x           from the input
 * </pre>
 */
final class Activation extends Node.Unary {

    enum Kind {
        TANH("tanh"), SIGMOID("sigmoid"), RELU("relu"), EXP("exp"), LOG("log");

        final String opName;

        Kind(String opName) {
            this.opName = opName;
        }
    }

    private final Kind kind;

    private Activation(Kind kind, Tensor x, Tensor y) {
        super(x, y);
        this.kind = kind;
    }

    static Tensor apply(Kind kind, Tensor x) {
        Tape tape = tapeFor(kind.opName, x);
        Tensor y = tape.newTensor(x.shapeRef(), x.size(), tape.needsGrad(x));
        float[] xd = x.dataRef(), yd = y.dataRef();
        int xo = x.offset(), yo = y.offset(), n = x.size();
        switch (kind) {
            case TANH: OPS.tanh(xd, xo, yd, yo, n); break;
            case SIGMOID: OPS.sigmoid(xd, xo, yd, yo, n); break;
            case RELU: OPS.relu(xd, xo, yd, yo, n); break;
            case EXP: OPS.exp(xd, xo, yd, yo, n); break;
            case LOG: OPS.log(xd, xo, yd, yo, n); break;
            default: throw new AssertionError(kind);
        }
        tape.record(new Activation(kind, x, y), y);
        return y;
    }

    @Override
    void backward() {
        float[] yd = y.dataRef(), dy = y.grad(), dx = x.grad();
        int yo = y.offset(), dyo = y.gradOffset(), dxo = x.gradOffset(), n = x.size();
        switch (kind) {
            case TANH: OPS.tanhBackward(yd, yo, dy, dyo, dx, dxo, n); break;
            case SIGMOID: OPS.sigmoidBackward(yd, yo, dy, dyo, dx, dxo, n); break;
            case RELU: OPS.reluBackward(yd, yo, dy, dyo, dx, dxo, n); break;
            case EXP: OPS.expBackward(yd, yo, dy, dyo, dx, dxo, n); break;
            case LOG: OPS.logBackward(x.dataRef(), x.offset(), dy, dyo, dx, dxo, n); break;
            default: throw new AssertionError(kind);
        }
    }

    @Override
    String name() {
        return kind.opName;
    }
}
