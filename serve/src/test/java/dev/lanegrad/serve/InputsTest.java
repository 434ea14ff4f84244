package dev.lanegrad.serve;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InputsTest {

    /** A binary body in pieces of every size 1..9 bytes (floats straddling them) decodes as the whole does. */
    @Test
    void aBinaryBodySplitAnywhereDecodesAsOne() {
        float[] x = {1.5f, -2.25f, 3e-8f, 7f, -0f, 1e30f, 0.1f, 42f, -1f};
        byte[] bytes = ServeBench.littleEndian(x);
        for (int piece = 1; piece <= 9; piece++) {
            int n = (bytes.length + piece - 1) / piece;
            ByteBuffer[] parts = new ByteBuffer[n];
            for (int i = 0; i < n; i++) {
                int from = i * piece;
                parts[i] = ByteBuffer.wrap(bytes, from, Math.min(piece, bytes.length - from)).slice();
            }
            assertArrayEquals(x, Inputs.steps(Map.of("x_f32", parts), 3, 10), "pieces of " + piece + " bytes");
        }
    }

    @Test
    void aBinaryBodyOfBrokenLengthOrNonFiniteValuesIsRefusedByName() {
        ByteBuffer[] seven = {ByteBuffer.wrap(new byte[3]), ByteBuffer.wrap(new byte[4])};
        ApiError e = assertThrows(ApiError.class, () -> Inputs.steps(Map.of("x_f32", seven), 2, 10));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("holds 7 bytes"), e.getMessage());
        ByteBuffer[] nan = {ByteBuffer.wrap(ServeBench.littleEndian(new float[] {1f, Float.NaN}))};
        e = assertThrows(ApiError.class, () -> Inputs.steps(Map.of("x_f32", nan), 2, 10));
        assertTrue(e.getMessage().contains("value 1"), e.getMessage());
    }
}
