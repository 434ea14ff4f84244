package dev.lanegrad.bench.rnn;

import java.util.Locale;

/**
 * The recurrent benchmark cases (time-major, float32, one layer unless said), their sizes and units.
 * The same cases are in bench/pytorch/bench_rnn.py, so that figures compare one to one.
 *
 * <pre>
 * S1  inference of one sequence       I=128 H=256  B=1  T=50    ms/seq
 * S2  streaming one step, state kept  I=128 H=256  B=1          us/step
 * S3  training step (fwd + MSE + bwd) I=128 H=256  B=32 T=50    ms/step
 * S4  large training step             I=512 H=1024 B=64 T=32    ms/step
 * S5  batched inference               I=128 H=256  B=64 T=50    seq/s
 * LM  char-LM training step: Embedding(65,128) -> 2-layer LSTM 512 -> Linear(65), cross-entropy, Adam,
 *     B=32 T=64                                                 tokens/s (lstm only)
 * </pre>
 */
public enum BenchCase {
    S1(128, 256, 1, 50, "ms/seq"),
    S2(128, 256, 1, 1, "us/step"),
    S3(128, 256, 32, 50, "ms/step"),
    S4(512, 1024, 64, 32, "ms/step"),
    S5(128, 256, 64, 50, "seq/s"),
    LM(128, 512, 32, 64, "tokens/s");

    /** Cells every case runs for; LM runs for lstm only. */
    public static final String[] CELLS = {"rnn", "lstm", "gru"};

    public final int input;
    public final int hidden;
    public final int batch;
    public final int steps;
    public final String unit;

    BenchCase(int input, int hidden, int batch, int steps, String unit) {
        this.input = input;
        this.hidden = hidden;
        this.batch = batch;
        this.steps = steps;
        this.unit = unit;
    }

    /** The figure reported for one operation (one sequence, step or training step) taking nanos. */
    public double value(double nanosPerOp) {
        return switch (this) {
            case S1, S3, S4 -> nanosPerOp / 1e6;
            case S2 -> nanosPerOp / 1e3;
            case S5 -> batch / (nanosPerOp / 1e9);
            case LM -> (double) batch * steps / (nanosPerOp / 1e9);
        };
    }

    /** Whether this case runs for the given cell (LM is an LSTM model). */
    public boolean hasCell(String cell) {
        return this != LM || cell.equals("lstm");
    }

    /** Direction of a unit: times (ms, us) are better lower, rates (seq/s, tokens/s) higher. */
    public static boolean higherIsBetter(String unit) {
        String u = unit.toLowerCase(Locale.ROOT);
        if (u.endsWith("/s")) {
            return true;
        }
        if (u.startsWith("ms") || u.startsWith("us") || u.startsWith("ns") || u.startsWith("s/")) {
            return false;
        }
        throw new IllegalArgumentException("unit '" + unit + "': unknown direction (expected a time like ms/step or a rate like seq/s)");
    }

    public static BenchCase parse(String name) {
        for (BenchCase c : values()) {
            if (c.name().equalsIgnoreCase(name.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("case '" + name + "': expected one of S1, S2, S3, S4, S5, LM");
    }

    public static String parseCell(String name) {
        String c = name.trim().toLowerCase(Locale.ROOT);
        for (String known : CELLS) {
            if (known.equals(c)) {
                return c;
            }
        }
        throw new IllegalArgumentException("cell '" + name + "': expected rnn, lstm or gru");
    }
}
