package dev.lanegrad.autograd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ErrorMessageTest {

    private static String message(Executable call) {
        try (Tape tape = new Tape()) {
            return assertThrows(IllegalArgumentException.class, call).getMessage();
        }
    }

    @Test
    void shapeMismatchesNameTheOpAndBothShapes() {
        assertEquals("matmul: [32, 128] x [256, 1024]: inner dimensions 128 and 256 differ",
                message(() -> Ops.matmul(Tensor.zeros(32, 128), Tensor.zeros(256, 1024))));
        assertEquals("matmul: [32, 128] x [1024, 256]^T: inner dimensions 128 and 256 differ",
                message(() -> Ops.matmul(Tensor.zeros(32, 128), Tensor.zeros(1024, 256), false, true)));
        assertEquals("add: [4, 5] and [4]: the second shape must equal the first or its trailing dimensions (a row broadcast)",
                message(() -> Ops.add(Tensor.zeros(4, 5), Tensor.zeros(4))));
        assertEquals("mseLoss: prediction [3] and target [4] differ",
                message(() -> Ops.mseLoss(Tensor.zeros(3), Tensor.zeros(4))));
    }

    @Test
    void classIndicesOutsideTheRangeNameIndexPositionAndC() {
        assertEquals("crossEntropy: class index 7 at position [1, 0] is outside [0, 5) (C = 5)",
                message(() -> Ops.crossEntropy(Tensor.zeros(2, 2, 5), new int[] {0, 1, 7, 2})));
        assertEquals("embedding: index 97 at position [1] is outside a table of 65 rows [0, 65)",
                message(() -> Ops.embedding(Tensor.zeros(65, 4), new int[] {3, 97}, new int[] {2})));
    }
}
