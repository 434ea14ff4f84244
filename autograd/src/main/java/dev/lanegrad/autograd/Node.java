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

    /** the output of an op with one output; null for an op of several, which overrides {@link #reached()} */
    final Tensor y;

    Node(Tensor y) {
        this.y = y;
    }

    /**
     * The op's name, for errors and debug reports: a method rather than a field, as a node is allocated per
     * op and step (with a name field the MLP step of MlpStepBench allocated 448 B instead of 424 B:
     * {@code -prof gc}, JDK 17, AVX-512 x86).
     */
    abstract String name();

    /** Whether a gradient reached any output, i.e. whether backward has anything to do. */
    boolean reached() {
        return y.hasGrad();
    }

    /** Accumulates the gradients of the inputs that require one from the outputs' gradients. */
    abstract void backward();

    /** The inputs whose gradients backward writes (the debug check looks at them). */
    abstract Tensor[] inputs();

    /** An op of one input x and one output y. */
    abstract static class Unary extends Node {

        final Tensor x;

        Unary(Tensor x, Tensor y) {
            super(y);
            this.x = x;
        }

        @Override
        final Tensor[] inputs() {
            return new Tensor[] {x};
        }
    }

    /** An op of two inputs a, b and one output y. */
    abstract static class Binary extends Node {

        final Tensor a;
        final Tensor b;

        Binary(Tensor a, Tensor b, Tensor y) {
            super(y);
            this.a = a;
            this.b = b;
        }

        @Override
        final Tensor[] inputs() {
            return new Tensor[] {a, b};
        }
    }

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

    /** Rows of cols floats, row r of dst (stride dStride) = row r of src (stride sStride), for r < rows: a column block. */
    static void copyRows(float[] src, int sOff, int sStride, float[] dst, int dOff, int dStride, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            OPS.copy(src, sOff + r * sStride, dst, dOff + r * dStride, cols);
        }
    }

    /** Like {@link #copyRows}, accumulating: row r of dst += row r of src. */
    static void addRows(float[] src, int sOff, int sStride, float[] dst, int dOff, int dStride, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            OPS.axpy(1f, src, sOff + r * sStride, dst, dOff + r * dStride, cols);
        }
    }

    /** dst[i] += a[i] * b[i] */
    static void mulAcc(float[] a, int aOff, float[] b, int bOff, float[] dst, int dOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dOff + i] += a[aOff + i] * b[bOff + i];
        }
    }
}
