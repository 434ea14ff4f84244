package dev.lanegrad.bench;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.engine.EngineThreads;
import dev.lanegrad.models.nn.RecurrentLayer;

import java.util.Arrays;
import java.util.Locale;

/**
 * The layouts of {@link MixedLengthBench} timed in turn, operation by operation, in ONE JVM: mixed and
 * apart, uniformLengths and uniform see the same compiled code and the same moments of a shared machine,
 * so their ratios are free of the fork-to-fork drift of separate JMH runs (which showed 1.11 for two runs of
 * the same code on a busy 2-core machine, where this gives 1.005). Prints the median and the 10th
 * percentile per layout, and the two ratios of medians.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp cli/target/lanegrad.jar dev.lanegrad.bench.MixedLengthPairs \
 *     gru false train 1 200      # cell, bidirectional, train|forward, threads, timed rounds[, hidden size]
 * </pre>
 */
public final class MixedLengthPairs {

    private static final String[] LAYOUTS = {"mixed", "apart", "uniform", "uniformLengths"};

    private MixedLengthPairs() {
    }

    public static void main(String[] args) {
        if (args.length != 5 && args.length != 6) {
            throw new IllegalArgumentException("expected 5 or 6 arguments: cell (rnn, lstm, gru), bidirectional (true, false), "
                    + "step (train, forward), threads, rounds[, hidden size (128)]; got " + Arrays.toString(args));
        }
        String cell = args[0];
        boolean bidirectional = Boolean.parseBoolean(args[1]);
        String step = args[2];
        int threads = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        int hidden = args.length == 6 ? Integer.parseInt(args[5]) : 128;
        if (threads < 1 || rounds < 1 || hidden < 1) {
            throw new IllegalArgumentException("threads = " + threads + ", rounds = " + rounds + ", hidden = " + hidden
                    + ": expected >= 1 each");
        }
        EngineThreads.setThreads(threads);
        RecurrentLayer layer = MixedLengthCase.layer(cell, bidirectional, hidden);
        MixedLengthCase[] cases = new MixedLengthCase[LAYOUTS.length];
        for (int l = 0; l < LAYOUTS.length; l++) {
            cases[l] = new MixedLengthCase(layer, LAYOUTS[l], step);
        }
        long[][] nanos = new long[LAYOUTS.length][rounds];
        float sink = 0f;
        // untimed warm-up rounds first (C2 compiles a large step only after several calls), then the timed ones;
        // the order of the layouts flips every round so that none always follows the same one
        int warmup = Math.max(20, rounds / 2);
        try (Tape tape = new Tape()) {
            for (int r = -warmup; r < rounds; r++) {
                for (int k = 0; k < LAYOUTS.length; k++) {
                    int l = (r & 1) == 0 ? k : LAYOUTS.length - 1 - k;
                    long start = System.nanoTime();
                    sink += cases[l].op(tape);
                    if (r >= 0) {
                        nanos[l][r] = System.nanoTime() - start;
                    }
                }
            }
        }
        double[] median = new double[LAYOUTS.length];
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s H=%d %s %s, %d thread(s), %d rounds:",
                cell, hidden, bidirectional ? "bidirectional" : "unidirectional", step, threads, rounds));
        for (int l = 0; l < LAYOUTS.length; l++) {
            long[] sorted = nanos[l].clone();
            Arrays.sort(sorted);
            median[l] = sorted[rounds / 2] / 1e6;
            line.append(String.format(Locale.ROOT, " %s %.3f ms (p10 %.3f);", LAYOUTS[l], median[l], sorted[rounds / 10] / 1e6));
        }
        line.append(String.format(Locale.ROOT, " mixed/apart %.3f, uniformLengths/uniform %.3f",
                median[0] / median[1], median[3] / median[2]));
        System.out.println(line + (Float.isNaN(sink) ? " (NaN loss)" : ""));
    }
}
