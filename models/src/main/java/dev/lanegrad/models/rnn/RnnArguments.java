package dev.lanegrad.models.rnn;

import java.util.Arrays;

/** The recurrent core's argument checks: each names what was wrong and what was expected. */
final class RnnArguments {

    private RnnArguments() {
    }

    static void checkInput(RnnConfig config, FloatView x) {
        if (x == null) {
            throw new IllegalArgumentException("x is null, expected [*, *, " + config.inputSize() + "] (time-major [T, B, I])");
        }
        if (x.rank() != 3 || x.dim(2) != config.inputSize()) {
            throw new IllegalArgumentException("x has shape " + Arrays.toString(x.shape()) + ", expected [*, *, "
                    + config.inputSize() + "] (time-major [T, B, I])");
        }
        if (x.dim(0) < 1 || x.dim(1) < 1) {
            throw new IllegalArgumentException("x has shape " + Arrays.toString(x.shape())
                    + ", expected at least one time step and one batch row");
        }
    }

    static void checkLengths(int[] lengths, int T, int B) {
        if (lengths == null) {
            return;
        }
        if (lengths.length != B) {
            throw new IllegalArgumentException("lengths has " + lengths.length + " entries, expected one per batch row (" + B + ")");
        }
        for (int b = 0; b < B; b++) {
            if (lengths[b] < 1 || lengths[b] > T) {
                throw new IllegalArgumentException("lengths[" + b + "] = " + lengths[b] + ", expected in [1, " + T + "] (T = " + T + ")");
            }
        }
    }

    static void checkCell(RnnConfig config, String name, FloatView v) {
        if (v != null && !config.mode().hasCell()) {
            throw new IllegalArgumentException(name + " given, but a " + config.mode() + " has no cell state (only LSTM does)");
        }
    }

    /** An initial or final state h [L*D, B, H] and, LSTM only, its cell c of the same shape; each may be null. */
    static void checkStates(RnnConfig config, String hName, FloatView h, String cName, FloatView c, int B) {
        int S = config.stateCount();
        int H = config.hiddenSize();
        checkShape(hName, h, true, S, B, H);
        checkCell(config, cName, c);
        checkShape(cName, c, true, S, B, H);
    }

    // overloads of fixed rank rather than varargs: a check must not allocate on the success path
    static void checkShape(String name, FloatView v, boolean nullable, int d0, int d1) {
        if (v == null ? !nullable : v.rank() != 2 || v.dim(0) != d0 || v.dim(1) != d1) {
            shapeError(name, v, new int[] {d0, d1});
        }
    }

    static void checkShape(String name, FloatView v, boolean nullable, int d0, int d1, int d2) {
        if (v == null ? !nullable : v.rank() != 3 || v.dim(0) != d0 || v.dim(1) != d1 || v.dim(2) != d2) {
            shapeError(name, v, new int[] {d0, d1, d2});
        }
    }

    private static void shapeError(String name, FloatView v, int[] expected) {
        if (v == null) {
            throw new IllegalArgumentException(name + " is null, expected " + Arrays.toString(expected));
        }
        throw new IllegalArgumentException(name + " has shape " + Arrays.toString(v.shape()) + ", expected " + Arrays.toString(expected));
    }
}
