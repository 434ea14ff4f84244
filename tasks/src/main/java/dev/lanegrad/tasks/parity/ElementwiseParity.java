package dev.lanegrad.tasks.parity;

import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.Kernels;
import dev.lanegrad.io.ParityCase;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;

/**
 * An elementwise case through the engine's kernels: for every {@code <op>.x} in the file,
 * {@code <op>.y} = op(x) and {@code grad.<op>.x} = the backward kernel with an upstream gradient of
 * ones (from the saved output, except log, whose derivative needs x). At the float32 edges
 * (sigmoid below -88.72, where PyTorch flushes to 0 but the true value is a subnormal) either answer
 * is within the absolute tolerance.
 */
final class ElementwiseParity {

    static final String MODULE = "Elementwise";

    private ElementwiseParity() {
    }

    /** One activation: y = f(x), then dx += dy * f'(.) from the saved x or y (log's derivative needs x). */
    private interface Kernel {
        void run(ArrayOps ops, float[] x, float[] y, float[] dy, float[] dx, int n);
    }

    private static final Map<String, Kernel> KERNELS = Map.of(
            "sigmoid", (ops, x, y, dy, dx, n) -> {
                ops.sigmoid(x, 0, y, 0, n);
                ops.sigmoidBackward(y, 0, dy, 0, dx, 0, n);
            },
            "tanh", (ops, x, y, dy, dx, n) -> {
                ops.tanh(x, 0, y, 0, n);
                ops.tanhBackward(y, 0, dy, 0, dx, 0, n);
            },
            "exp", (ops, x, y, dy, dx, n) -> {
                ops.exp(x, 0, y, 0, n);
                ops.expBackward(y, 0, dy, 0, dx, 0, n);
            },
            "log", (ops, x, y, dy, dx, n) -> {
                ops.log(x, 0, y, 0, n);
                ops.logBackward(x, 0, dy, 0, dx, 0, n);
            },
            "relu", (ops, x, y, dy, dx, n) -> {
                ops.relu(x, 0, y, 0, n);
                ops.reluBackward(y, 0, dy, 0, dx, 0, n);
            });

    static void compare(ParityCase pc, Comparison cmp) {
        ArrayOps ops = Kernels.ops();
        boolean any = false;
        for (String name : pc.tensors().keySet()) {
            if (name.startsWith("grad.") || !name.endsWith(".x")) {
                continue;
            }
            any = true;
            String op = name.substring(0, name.length() - 2);
            Kernel kernel = KERNELS.get(op);
            if (kernel == null) {
                throw new IllegalArgumentException(pc.source() + ": elementwise op " + op + ", expected one of "
                        + new TreeSet<>(KERNELS.keySet()));
            }
            float[] x = pc.floats(name);
            int n = x.length;
            float[] y = new float[n];
            float[] ones = new float[n];
            Arrays.fill(ones, 1f);
            float[] dx = new float[n];
            kernel.run(ops, x, y, ones, dx, n);
            int[] shape = pc.shape(name);
            cmp.check(op + ".y", shape, y);
            cmp.check("grad." + op + ".x", shape, dx);
        }
        if (!any) {
            throw new IllegalArgumentException(pc.source() + ": no <op>.x input tensor");
        }
    }
}
