package dev.lanegrad.models.parity;

import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.Kernels;
import dev.lanegrad.models.io.ParityCase;

import java.util.Arrays;

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

    static void compare(ParityCase pc, Comparison cmp) {
        ArrayOps ops = Kernels.ops();
        boolean any = false;
        for (String name : pc.tensors().keySet()) {
            if (name.startsWith("grad.") || !name.endsWith(".x")) {
                continue;
            }
            any = true;
            String op = name.substring(0, name.length() - 2);
            float[] x = pc.floats(name);
            int n = x.length;
            float[] y = new float[n];
            float[] ones = new float[n];
            Arrays.fill(ones, 1f);
            float[] dx = new float[n];
            switch (op) {
                case "sigmoid" -> {
                    ops.sigmoid(x, 0, y, 0, n);
                    ops.sigmoidBackward(y, 0, ones, 0, dx, 0, n);
                }
                case "tanh" -> {
                    ops.tanh(x, 0, y, 0, n);
                    ops.tanhBackward(y, 0, ones, 0, dx, 0, n);
                }
                case "exp" -> {
                    ops.exp(x, 0, y, 0, n);
                    ops.expBackward(y, 0, ones, 0, dx, 0, n);
                }
                case "log" -> {
                    ops.log(x, 0, y, 0, n);
                    ops.logBackward(x, 0, ones, 0, dx, 0, n);
                }
                case "relu" -> {
                    ops.relu(x, 0, y, 0, n);
                    ops.reluBackward(y, 0, ones, 0, dx, 0, n);
                }
                default -> throw new IllegalArgumentException(pc.source() + ": elementwise op " + op
                        + ", expected sigmoid, tanh, exp, log or relu");
            }
            int[] shape = pc.shape(name);
            cmp.check(op + ".y", shape, y);
            cmp.check("grad." + op + ".x", shape, dx);
        }
        if (!any) {
            throw new IllegalArgumentException(pc.source() + ": no <op>.x input tensor");
        }
    }
}
