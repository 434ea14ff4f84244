package dev.lanegrad.models.nn;

/**
 * Refuses NaN and infinite inputs at the edge of a stateful API: one NaN fed to a streaming step would
 * enter the recurrent state and make every later step of that stream NaN, long after the bad value.
 * A scan of the B*I inputs costs little next to the step's B*H*(I+H) multiply-adds.
 */
final class FiniteInput {

    private FiniteInput() {
    }

    /** @throws IllegalArgumentException naming the first non-finite value; nothing has changed yet */
    static void require(String what, float[] x, int off, int n, int rowLength) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(x[off + i])) {
                throw new IllegalArgumentException(what + "[" + (i / rowLength) + ", " + (i % rowLength) + "] is " + x[off + i]
                        + ": inputs must be finite numbers (the stream's state is unchanged)");
            }
        }
    }
}
