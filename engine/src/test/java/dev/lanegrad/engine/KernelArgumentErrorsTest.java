package dev.lanegrad.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A wrong call fails loudly, before any work, with the kernel, the operand and the sizes in the message. */
class KernelArgumentErrorsTest {

    private static void fails(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message \"" + e.getMessage() + "\" should contain \"" + f + "\"");
        }
    }

    @Test
    void arrayOpsNameTheOperand() {
        for (KernelProvider p : new KernelProvider[]{Kernels.scalar(), KernelTestSupport.VECTOR}) {
            ArrayOps ops = p.ops();
            float[] ten = new float[10];
            float[] twenty = new float[20];
            fails(() -> ops.add(twenty, 0, twenty, 0, ten, 5, 8), "add", "output", "[5, 13)", "length 10");
            fails(() -> ops.tanh(ten, 3, twenty, 0, 8), "tanh", "x", "[3, 11)", "length 10");
            fails(() -> ops.dot(twenty, 0, ten, 0, 11), "dot", "b", "length 10");
            fails(() -> ops.sum(ten, -1, 2), "sum", "x");
            fails(() -> ops.sigmoidBackward(twenty, 0, twenty, 0, null, 0, 3), "sigmoidBackward", "null");
            fails(() -> ops.addRowBias(twenty, 0, 3, 8, 7, ten, 0), "addRowBias", "leading dimension 7", "at least 8");
            fails(() -> ops.addRowBiases(twenty, 0, 2, 8, 8, ten, 0, ten, 3), "addRowBiases", "second", "length 10");
            fails(() -> ops.softmaxRows(twenty, 0, ten, 0, 3, 5), "softmaxRows", "y", "length 10");
            fails(() -> ops.softmaxCrossEntropy(twenty, 0, 2, 10, new int[]{3, 10}, 0, -100, null, 0, null, 0, 1f),
                    "target 10", "row 1", "[0, 10)");
            fails(() -> ops.softmaxCrossEntropy(twenty, 0, 2, 10, new int[]{3}, 0, -100, null, 0, null, 0, 1f), "target", "length 1");
        }
    }

    @Test
    void recurrentKernelsNameTheOperand() {
        for (KernelProvider p : new KernelProvider[]{Kernels.scalar(), KernelTestSupport.VECTOR}) {
            RecurrentKernels k = p.recurrent();
            float[] g = new float[2 * 4 * 8];
            float[] s = new float[16];
            fails(() -> k.lstmForward(2, 8, g, 1, s, 0, 8, s, 0, 8, s, 0, 8), "lstmForward", "gates (2, 4*8)", "length 64");
            fails(() -> k.lstmForward(2, 8, g, 0, s, 0, 9, s, 0, 8, s, 0, 8), "lstmForward", "cPrev (2, 8, ld 9)");
            fails(() -> k.lstmForward(2, 8, g, 0, s, 0, 8, s, 0, 8, s, 0, 4), "lstmForward", "h", "leading dimension 4");
            fails(() -> k.gruForward(2, 8, g, 0, new float[47], 0, s, 0, 8, s, 0, 8), "gruForward", "gh (2, 3*8)");
            fails(() -> k.rnnForward(-1, 8, false, g, 0, s, 0, 8), "rnnForward", "batch = -1");
            fails(() -> k.gruBackward(2, 8, g, 0, g, 0, s, 0, 8, s, 0, 8, g, 0, g, 0, s, 1, 8), "gruBackward", "dhPrev");
        }
    }
}
