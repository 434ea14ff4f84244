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

    /** y = f(x) over n elements, as ArrayOps has each activation. */
    private interface Forward {
        void run(ArrayOps ops, float[] x, int xOff, float[] y, int yOff, int n);
    }

    /** dx += dy * f'(.) from a saved tensor: the output y, or for log the input x. */
    private interface Backward {
        void run(ArrayOps ops, float[] saved, int sOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);
    }

    private record Kernel(Forward forward, Backward backward, boolean fromInput) {
    }

    private static final Map<String, Kernel> KERNELS = Map.of(
            "sigmoid", new Kernel(ArrayOps::sigmoid, ArrayOps::sigmoidBackward, false),
            "tanh", new Kernel(ArrayOps::tanh, ArrayOps::tanhBackward, false),
            "exp", new Kernel(ArrayOps::exp, ArrayOps::expBackward, false),
            "log", new Kernel(ArrayOps::log, ArrayOps::logBackward, true),
            "relu", new Kernel(ArrayOps::relu, ArrayOps::reluBackward, false));

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
            kernel.forward().run(ops, x, 0, y, 0, n);
            kernel.backward().run(ops, kernel.fromInput() ? x : y, 0, ones, 0, dx, 0, n);
            int[] shape = pc.shape(name);
            cmp.check(op + ".y", shape, y);
            cmp.check("grad." + op + ".x", shape, dx);
        }
        if (!any) {
            throw new IllegalArgumentException(pc.source() + ": no <op>.x input tensor");
        }
    }
}
