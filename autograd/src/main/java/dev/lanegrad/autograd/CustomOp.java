package dev.lanegrad.autograd;

/**
 * A coarse op with a hand-written forward and backward, recorded as ONE tape node, with any number
 * of inputs and outputs. A recurrent layer over a whole sequence is such an op: its forward and
 * backward call the engine directly on the tensors' {@code data()/offset()} and {@code grad()/gradOffset()}.
 *
 * <p>Make a new instance per call (it is the tape node; keep what backward needs in its fields) and
 * call {@link #apply}. Inside {@link #forward}:
 * <ul>
 * <li>{@link #output(int...)} makes an output tensor (tape arena memory; its contents are yours to write);</li>
 * <li>{@link #scratch(int...)} makes a buffer that lives until the tape is reset, so forward can
 *     save gates/activations for backward (it never requires a gradient); backward may ask for
 *     scratch too (e.g. for gate gradients).</li>
 * </ul>
 * In {@link #backward}, read each output's upstream gradient with {@code out.grad()/gradOffset()}:
 * for an output nothing flowed into, {@code out.hasGrad()} is false and {@code grad()} gives zeros.
 * ACCUMULATE ({@code +=}) into {@code in.grad()} for each input with {@code in.requiresGrad()}.
 * Backward runs only if some output received a gradient.
 *
 * <pre>{@code
 * // y = a * x + b, and also returns a second output z = x^2 (a, b: scalars as [1] tensors)
 * final class AxPlusB extends CustomOp {
 *     AxPlusB() { super("axPlusB"); }
 *     protected Tensor[] forward(Tensor[] in) {
 *         Tensor a = in[0], x = in[1], b = in[2];
 *         Tensor y = output(x.shape()), z = output(x.shape());
 *         for (int i = 0; i < x.size(); i++) { ... write y.data()[y.offset() + i] and z ... }
 *         return new Tensor[] {y, z};
 *     }
 *     protected void backward(Tensor[] in, Tensor[] out) {
 *         ... if (in[1].requiresGrad()) in[1].grad()[in[1].gradOffset() + i] += ...;
 *     }
 * }
 * Tensor[] yz = new AxPlusB().apply(a, x, b);
 * }</pre>
 */
public abstract class CustomOp extends Node {

    private final String name;
    private Tape tape;
    private Tensor[] inputs;
    private Tensor[] outputs;
    private boolean grad;
    private int epoch;

    protected CustomOp(String name) {
        super(null);
        this.name = name;
    }

    /** Runs forward on the current tape and records this op when an input requires a gradient. */
    public final Tensor[] apply(Tensor... in) {
        return run(in.clone(), true);
    }

    /**
     * Like {@link #apply}, without its two defensive copies, for a caller that makes a fresh array per
     * call (a layer calling its own op): the op takes ownership of {@code in} (keeps it until backward:
     * do not change it afterwards) and returns its own array of outputs (read it, do not change it).
     */
    protected final Tensor[] applyOwned(Tensor[] in) {
        return run(in, false);
    }

    private Tensor[] run(Tensor[] ins, boolean copyOutputs) {
        if (tape != null) {
            throw new IllegalStateException(name() + ": a CustomOp instance is one tape node; make a new one per call");
        }
        tape = tapeFor(name(), ins);
        epoch = tape.epoch();
        inputs = ins;
        grad = tape.needsGrad(ins);
        Tensor[] outs = forward(ins);
        if (outs == null || outs.length == 0) {
            throw new IllegalStateException(name() + ": forward returned no outputs");
        }
        for (Tensor t : outs) {
            if (t == null || t.tape() != tape) {
                throw new IllegalStateException(name() + ": forward must return tensors made by output(...)");
            }
        }
        outputs = copyOutputs ? outs.clone() : outs;
        tape.recordMulti(this, grad, outputs);
        return outs;
    }

    /** Computes the outputs from the inputs; make outputs with {@link #output} and saved buffers with {@link #scratch}. */
    protected abstract Tensor[] forward(Tensor[] inputs);

    /** Accumulates the inputs' gradients from the outputs' gradients (see the class comment). */
    protected abstract void backward(Tensor[] inputs, Tensor[] outputs);

    /** A new output tensor of this op (contents undefined until forward writes them). */
    protected final Tensor output(int... shape) {
        return newOutput(shape.clone());
    }

    /** {@link #output(int...)} of rank 3, without copying a shape array (for ops called every step). */
    protected final Tensor output(int d0, int d1, int d2) {
        return newOutput(new int[] {d0, d1, d2});
    }

    /**
     * A buffer of the tape's arena that lives until the tape is reset (contents undefined); never requires
     * a gradient. Callable in forward (to save what backward needs) and in backward (temporaries such
     * as gate gradients): either way it costs no allocation once the arena has grown.
     */
    protected final Tensor scratch(int... shape) {
        return newScratch(shape.clone());
    }

    /** {@link #scratch(int...)} of rank 3, without copying a shape array. */
    protected final Tensor scratch(int d0, int d1, int d2) {
        return newScratch(new int[] {d0, d1, d2});
    }

    private Tensor newOutput(int[] shape) {
        checkInForward();
        return tape.newTensor(shape, grad);
    }

    private Tensor newScratch(int[] shape) {
        checkScratch();
        return tape.newTensor(shape, false);
    }

    private void checkScratch() {
        if (tape == null || tape.epoch() != epoch) {
            throw new IllegalStateException(name() + ": scratch() may only be called inside forward or backward");
        }
    }

    /** Whether this call was recorded, i.e. whether backward may run (forward may skip saving otherwise). */
    protected final boolean recording() {
        return grad;
    }

    private void checkInForward() {
        if (tape == null || outputs != null) {
            throw new IllegalStateException(name() + ": output() may only be called inside forward");
        }
    }

    @Override
    final String name() {
        return name;
    }

    @Override
    final boolean reached() {
        for (Tensor t : outputs) {
            if (t.hasGrad()) {
                return true;
            }
        }
        return false;
    }

    @Override
    final Tensor[] inputs() {
        return inputs;
    }

    @Override
    final void backward() {
        backward(inputs, outputs);
    }
}
