package dev.lanegrad.autograd;

import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.Kernels;

/**
 * One recorded op: it keeps what its backward needs (inputs, outputs, saved buffers) as fields.
 * Each op is one small class with its forward (a static {@code apply}) and its backward side by side.
 */
abstract class Node {

    static final ArrayOps OPS = Kernels.ops();
    static final Gemm GEMM = Kernels.gemm();

    /** The op's name, for errors and debug reports. */
    abstract String name();

    /** Whether a gradient reached any output, i.e. whether backward has anything to do. */
    abstract boolean reached();

    /** Accumulates the gradients of the inputs that require one from the outputs' gradients. */
    abstract void backward();

    /** The inputs whose gradients backward writes (the debug check looks at them). */
    abstract Tensor[] inputs();

    // ---- helpers shared by the ops ----

    /** The current tape, with every input checked to be alive and usable on it. */
    static Tape tapeFor(String op, Tensor... inputs) {
        Tape tape = Tape.require(op);
        for (Tensor t : inputs) {
            tape.checkInput(op, t);
        }
        return tape;
    }

    static Tape tapeFor(String op, Tensor a) {
        Tape tape = Tape.require(op);
        tape.checkInput(op, a);
        return tape;
    }

    static Tape tapeFor(String op, Tensor a, Tensor b) {
        Tape tape = Tape.require(op);
        tape.checkInput(op, a);
        tape.checkInput(op, b);
        return tape;
    }

    static Tape tapeFor(String op, Tensor a, Tensor b, Tensor c) {
        Tape tape = Tape.require(op);
        tape.checkInput(op, a);
        tape.checkInput(op, b);
        tape.checkInput(op, c);
        return tape;
    }

    /** dst[i] += a[i] * b[i] */
    static void mulAcc(float[] a, int aOff, float[] b, int bOff, float[] dst, int dOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dOff + i] += a[aOff + i] * b[bOff + i];
        }
    }
}
