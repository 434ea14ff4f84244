package dev.lanegrad.tasks.data;

import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Orders of examples: 0..n-1 and the seeded Fisher-Yates shuffle (from the last element down, one
 * {@code nextInt(i + 1)} per element), so a seed gives the same order in every task and on every run.
 */
public final class Indices {

    private Indices() {
    }

    /** 0, 1, ..., n - 1. */
    public static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Shuffles a in place. */
    public static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Shuffles a list in place, with the same draws as {@link #shuffle(int[], SplittableRandom)}. */
    public static void shuffle(List<?> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, random.nextInt(i + 1));
        }
    }
}
