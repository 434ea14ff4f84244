package dev.lanegrad.engine;

/**
 * Argument checks done once per kernel call (never per element): a bad offset, length or leading
 * dimension becomes an IllegalArgumentException that names the kernel, the operand and the sizes.
 */
public final class Checks {

    private Checks() {
    }

    /** array[off, off + len) must exist. */
    public static void range(String kernel, String operand, float[] array, int off, long len) {
        if (array == null) {
            throw new IllegalArgumentException(kernel + ": " + operand + " is null");
        }
        if (off < 0 || len < 0 || off + len > array.length) {
            throw new IllegalArgumentException(kernel + ": " + operand + " needs elements [" + off + ", " + (off + len)
                    + ") but its array has length " + array.length);
        }
    }

    /** array[off, off + len) must exist. */
    public static void range(String kernel, String operand, int[] array, int off, long len) {
        if (array == null) {
            throw new IllegalArgumentException(kernel + ": " + operand + " is null");
        }
        if (off < 0 || len < 0 || off + len > array.length) {
            throw new IllegalArgumentException(kernel + ": " + operand + " needs elements [" + off + ", " + (off + len)
                    + ") but its array has length " + array.length);
        }
    }

    /**
     * A row-major matrix (rows, cols) with row stride ld starting at off must fit in the array.
     * An empty matrix (rows or cols 0) needs no elements.
     */
    public static void matrix(String kernel, String operand, float[] array, int off, int rows, int cols, int ld) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(kernel + ": " + operand + " has negative shape (" + rows + ", " + cols + ")");
        }
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(kernel + ": " + operand + " (" + rows + ", " + cols + ") has leading dimension "
                    + ld + ", expected at least " + Math.max(1, cols));
        }
        long needed = rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
        // the operand's description is built only on failure: no string concatenation (an allocation, and
        // a lot of bytecode that C2 would count against the caller's inlining budget) on every call
        if (array == null || off < 0 || off + needed > array.length) {
            range(kernel, operand + " (" + rows + ", " + cols + ", ld " + ld + ")", array, off, needed);
        }
    }

    public static void nonNegative(String kernel, String what, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(kernel + ": " + what + " = " + value + ", expected >= 0");
        }
    }

    /** Checks all operands of a GEMM call. */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        nonNegative("sgemm", "m", m);
        nonNegative("sgemm", "n", n);
        nonNegative("sgemm", "k", k);
        if (transA) {
            matrix("sgemm", "A^T", a, aOff, k, m, lda);
        } else {
            matrix("sgemm", "A", a, aOff, m, k, lda);
        }
        if (transB) {
            matrix("sgemm", "B^T", b, bOff, n, k, ldb);
        } else {
            matrix("sgemm", "B", b, bOff, k, n, ldb);
        }
        matrix("sgemm", "C", c, cOff, m, n, ldc);
    }

    /** Two operands of n elements each (an input and an output). */
    public static void ranges(String kernel, String xName, float[] x, int xOff, String yName, float[] y, int yOff, long n) {
        range(kernel, xName, x, xOff, n);
        range(kernel, yName, y, yOff, n);
    }

    /** Three operands of n elements each. */
    public static void ranges(String kernel, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, long n) {
        range(kernel, "first input", a, aOff, n);
        range(kernel, "second input", b, bOff, n);
        range(kernel, "output", c, cOff, n);
    }

    /** Arguments of a fused recurrent step: sizes, a gate buffer (batch, gates * hidden) and state matrices. */
    public static void step(String kernel, int batch, int hidden) {
        nonNegative(kernel, "batch", batch);
        nonNegative(kernel, "hidden", hidden);
    }

    /** A gate buffer (batch, gates * hidden), contiguous. */
    public static void gates(String kernel, String operand, float[] g, int off, int batch, int gates, int hidden) {
        long needed = (long) batch * gates * hidden;
        if (g == null || off < 0 || needed < 0 || off + needed > g.length) { // described only on failure, as in matrix
            range(kernel, operand + " (" + batch + ", " + gates + "*" + hidden + ")", g, off, needed);
        }
    }

    /** All operands of ArrayOps.softmaxCrossEntropy, and every target in [0, cols) or the ignore index. */
    public static void softmaxCrossEntropy(float[] logits, int lOff, int rows, int cols, int[] target, int tOff,
                                           int ignoreIndex, float[] weight, int wOff, float[] dLogits, int dOff) {
        String k = "softmaxCrossEntropy";
        matrix(k, "logits", logits, lOff, rows, cols, Math.max(1, cols));
        range(k, "target", target, tOff, rows);
        if (weight != null) {
            range(k, "weight", weight, wOff, rows);
        }
        if (dLogits != null) {
            range(k, "dLogits", dLogits, dOff, (long) rows * cols);
        }
        for (int r = 0; r < rows; r++) {
            int t = target[tOff + r];
            if (t != ignoreIndex && (t < 0 || t >= cols)) {
                throw new IllegalArgumentException(k + ": target " + t + " at row " + r + " is outside [0, " + cols + ")");
            }
        }
    }
}
