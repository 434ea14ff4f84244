package dev.lanegrad.models.rnn;

import java.util.Arrays;

/** batch_first conversion: swaps the first two axes, [B, T, F] <-> [T, B, F]. */
public final class TimeMajor {

    private TimeMajor() {
    }

    /** dst [N1, N0, F] = src [N0, N1, F] with the first two axes swapped; src and dst must not overlap. */
    public static void swapLeadingAxes(FloatView src, FloatView dst) {
        if (src.rank() != 3) {
            throw new IllegalArgumentException("src has shape " + Arrays.toString(src.shape()) + ", expected [*, *, *]");
        }
        int n0 = src.dim(0);
        int n1 = src.dim(1);
        int f = src.dim(2);
        RnnArguments.checkShape("dst", dst, false, n1, n0, f);
        for (int a = 0; a < n0; a++) {
            for (int b = 0; b < n1; b++) {
                System.arraycopy(src.data(), src.offset() + (a * n1 + b) * f, dst.data(), dst.offset() + (b * n0 + a) * f, f);
            }
        }
    }

    /** A new [N1, N0, F] tensor holding src with its first two axes swapped. */
    public static FloatView swapLeadingAxes(FloatView src) {
        if (src.rank() != 3) {
            throw new IllegalArgumentException("src has shape " + Arrays.toString(src.shape()) + ", expected [*, *, *]");
        }
        FloatView dst = FloatView.zeros(src.dim(1), src.dim(0), src.dim(2));
        swapLeadingAxes(src, dst);
        return dst;
    }
}
