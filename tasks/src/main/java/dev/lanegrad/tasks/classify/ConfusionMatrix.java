package dev.lanegrad.tasks.classify;

import java.util.List;

/** Counts of (actual label, predicted label) pairs; rows are actual, columns predicted. */
public final class ConfusionMatrix {

    private final List<String> labels;
    private final int[][] counts;
    private final int total;

    private ConfusionMatrix(List<String> labels, int[][] counts, int total) {
        this.labels = List.copyOf(labels);
        this.counts = counts;
        this.total = total;
    }

    /** From class indices into {@code labels}; the arrays must have the same length. */
    public static ConfusionMatrix of(List<String> labels, int[] actual, int[] predicted) {
        if (actual.length != predicted.length) {
            throw new IllegalArgumentException(actual.length + " actual labels vs " + predicted.length + " predictions");
        }
        int c = labels.size();
        int[][] counts = new int[c][c];
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] < 0 || actual[i] >= c || predicted[i] < 0 || predicted[i] >= c) {
                throw new IllegalArgumentException("class index " + actual[i] + " or " + predicted[i] + " outside " + c + " labels");
            }
            counts[actual[i]][predicted[i]]++;
        }
        return new ConfusionMatrix(labels, counts, actual.length);
    }

    public List<String> labels() {
        return labels;
    }

    /** How many examples of label {@code actual} were predicted as {@code predicted}. */
    public int count(int actual, int predicted) {
        return counts[actual][predicted];
    }

    public int total() {
        return total;
    }

    /** The fraction on the diagonal (NaN when empty). */
    public double accuracy() {
        int right = 0;
        for (int i = 0; i < counts.length; i++) {
            right += counts[i][i];
        }
        return total == 0 ? Double.NaN : (double) right / total;
    }

    /**
     * A text table, e.g.
     * <pre>
     * actual \ predicted      0      1
     * 0                     131     19
     * 1                      24    126
     * </pre>
     */
    public String format() {
        int width = 6;
        for (String l : labels) {
            width = Math.max(width, l.length() + 1);
        }
        String corner = "actual \\ predicted";
        int first = corner.length();
        for (String l : labels) {
            first = Math.max(first, l.length());
        }
        StringBuilder sb = new StringBuilder(pad(corner, first, false));
        for (String l : labels) {
            sb.append(pad(l, width + 1, true));
        }
        sb.append('\n');
        for (int i = 0; i < counts.length; i++) {
            sb.append(pad(labels.get(i), first, false));
            for (int j = 0; j < counts.length; j++) {
                sb.append(pad(Integer.toString(counts[i][j]), width + 1, true));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String pad(String s, int width, boolean right) {
        String spaces = " ".repeat(Math.max(0, width - s.length()));
        return right ? spaces + s : s + spaces;
    }
}
