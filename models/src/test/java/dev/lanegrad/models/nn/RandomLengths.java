package dev.lanegrad.models.nn;

import java.util.SplittableRandom;

/** The lengths of a packed batch for tests: one per row, each in [1, steps], drawn from r (rows draws, in row order). */
final class RandomLengths {

    private RandomLengths() {
    }

    static int[] of(SplittableRandom r, int rows, int steps) {
        int[] lengths = new int[rows];
        for (int i = 0; i < rows; i++) {
            lengths[i] = 1 + r.nextInt(steps);
        }
        return lengths;
    }
}
