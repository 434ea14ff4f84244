package dev.lanegrad.models.rnn;

import java.util.Arrays;

/**
 * Everything one forward of an {@link Rnn} saves for its backward, plus the backward's scratch, in the
 * packed layout of the batch. Data only: it calls nothing back.
 *
 * <h2>Packed rows</h2>
 * With lengths, rows are sorted by decreasing length (stable), like PyTorch's packed sequences, so the rows
 * still running at step t are the first {@code batchSizes[t]}; step t's rows live at packed rows
 * [stepOffset[t], stepOffset[t] + batchSizes[t]) of every (tokens, F) buffer, and tokens = sum(lengths).
 * No buffer has a row for a padded position, so no work is spent on padding. Without lengths (or with
 * every length = T) the order is the identity, batchSizes[t] = B, stepOffset[t] = t*B: the plain
 * time-major layout [T*B, F].
 *
 * <p>Saved by forward, per layer k and direction d (slot s = k*D + d):
 * <ul>
 *   <li>{@code gates[s]} (tokens, G*H): the gate activations of every step (after Rnn.infer with a step-by-step
 *       projection, of the last step only, in step 0's rows); {@code gh[s]}: GRU only,
 *       h W_hh^T + b_hh (backward needs its n block)</li>
 *   <li>{@code hs[s]}, {@code cs[s]} (tokens + B, H): the state history; rows {@link #before} / {@link #after}
 *       say where the state before / after a step is</li>
 *   <li>{@code y[k]} (tokens, D*H): the layer's output (none for a unidirectional last layer, whose output
 *       is its state history: {@link #output}); {@code xd[k]}, {@code mask[k]}: the dropped-out
 *       input of layer k > 0 and its mask, when dropout was applied</li>
 *   <li>{@code x0} (tokens, I): the input, packed; {@code h0s}, {@code c0s}: the initial states, sorted</li>
 * </ul>
 * Sized on first use and reused: a forward whose shapes fit the buffers allocates nothing. One workspace
 * serves one forward/backward pair at a time (not thread-safe); a tape node owns one.
 */
public final class RnnWorkspace {

    RnnConfig config;
    /** the parameters of the forward that filled this workspace (backward checks it gets the same ones) */
    RnnParameters filledBy;
    int steps;
    int batch;
    /** sum of the lengths: the rows of every packed buffer */
    int tokens;
    boolean forwardDone;
    /** false for an inference pass (Rnn.infer): nothing is saved for backward. */
    boolean saving = true;
    /**
     * Per slot: whether its time loop keeps only what the next step reads, set by Layer for an inference pass
     * that projects step by step on one thread per row range: every step's gates in step 0's rows, and the cell
     * state in two blocks of B rows instead of its history, the state after step i of the direction's order in
     * block (i + 1) % 2 (TimeLoop writes them, LayerStack reads c_n from there).
     */
    boolean[] stepScratch = new boolean[0];
    boolean dropped;
    /** whether rows were reordered (lengths given and not all T); else the packed layout is [T*B, F] */
    boolean sorted;

    // order[i] = original row of sorted row i; rank[b] = sorted row of original row b; sortedLen[i];
    // batchSizes[t] = rows with length > t (batchSizes[T] = 0)
    int[] order = new int[0];
    int[] rank = new int[0];
    int[] sortedLen = new int[0];
    int[] batchSizes = new int[0];
    /** stepOffset[t] = packed row of step t's first row; stepOffset[T] = tokens */
    int[] stepOffset = new int[0];

    float[] x0 = new float[0];
    float[] h0s = new float[0];
    float[] c0s = new float[0];
    float[][] y;
    float[][] xd;
    float[][] mask;
    float[][] gates;
    float[][] gh;
    float[][] hs;
    float[][] cs;
    /** W_hh of the direction being run, as its steps multiply it */
    final Cell.HiddenWeights weights = new Cell.HiddenWeights();
    final StepProjection projection = new StepProjection();
    final FusedLstm fusedLstm = new FusedLstm();
    /**
     * An inference pass over a batch already in the packed order: the caller's output [T, B, H] (at directOff),
     * into which the loop of slot directSlot (the last layer of a unidirectional stack) writes its states
     * instead of the history hs, so that no copy follows (LayerStack); directSlot is -1 otherwise.
     */
    float[] direct;
    int directOff;
    int directSlot = -1;

    // backward scratch
    float[] dgx = new float[0];
    float[] dgh = new float[0];
    float[] dyA = new float[0];
    float[] dyB = new float[0];
    float[] dh = new float[0];
    float[] dhNext = new float[0];
    float[] dc = new float[0];
    float[] dhn = new float[0];
    float[] dcn = new float[0];
    float[] dh0s = new float[0];
    float[] dc0s = new float[0];

    public RnnWorkspace() {
    }

    /** The sequence length T of the last forward. */
    public int steps() {
        return steps;
    }

    /** The batch B of the last forward. */
    public int batch() {
        return batch;
    }

    /** Floats currently held (for memory accounting). */
    public long floatsHeld() {
        long n = (long) x0.length + h0s.length + c0s.length + dgx.length + dgh.length + dyA.length + dyB.length
                + dh.length + dhNext.length + dc.length + dhn.length + dcn.length + dh0s.length + dc0s.length
                + weights.floatsHeld() + projection.floatsHeld() + fusedLstm.floatsHeld();
        for (float[][] group : new float[][][] {y, xd, mask, gates, gh, hs, cs}) {
            if (group != null) {
                for (float[] a : group) {
                    n += a == null ? 0 : a.length;
                }
            }
        }
        return n;
    }

    /**
     * The packed output (tokens, D*H) of the last layer, from {@link #outputOffset} on: y of the
     * last layer, or for a unidirectional one its state history after the h0 rows, which holds the same floats
     * (the copy of 3.3 MB per S5 forward left out).
     */
    float[] output() {
        int last = config.numLayers() - 1;
        return config.directions() > 1 ? y[last] : hs[last];
    }

    int outputOffset() {
        return config.directions() > 1 ? 0 : after(0, 0) * config.hiddenSize();
    }

    /** Where the states after step t of the direct slot's rows start in {@link #direct}. */
    int directRow(int t) {
        return directOff + stepOffset[t] * config.hiddenSize();
    }

    /**
     * The history row (of hs / cs) holding the state BEFORE step t of direction d, for the step's rows.
     * Forward direction: h0 at rows [0, B), the state after step t at B + stepOffset[t]. Reverse direction:
     * the state before step t at stepOffset[t] (h0 for rows that start there), after step 0 at tokens.
     * Either way a step's rows before and after are contiguous, and the reverse layout lines up with the
     * gate rows, so dW_hh is one GEMM there.
     */
    int before(int d, int t) {
        if (d == 0) {
            return t == 0 ? 0 : batch + stepOffset[t - 1];
        }
        return stepOffset[t];
    }

    /** The history row holding the state AFTER step t of direction d (see {@link #before}). */
    int after(int d, int t) {
        if (d == 0) {
            return batch + stepOffset[t];
        }
        return t == 0 ? tokens : stepOffset[t - 1];
    }

    static float[] grow(float[] a, long n) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a workspace buffer of " + n + " floats is too large for a Java array");
        }
        return a != null && a.length >= n ? a : new float[(int) n];
    }

    private static int[] grow(int[] a, int n) {
        return a.length >= n ? a : new int[n];
    }

    /**
     * Starts a forward of (T, B) under cfg: sorts the rows by length and lays out the packed rows (see the
     * class comment), then sizes every forward buffer for them; nothing is allocated when they fit.
     */
    void prepareForward(RnnConfig cfg, RnnParameters params, int t, int b, int[] lengths) {
        if (config != cfg && (config == null || !config.equals(cfg))) {
            config = cfg;
            int l = cfg.numLayers();
            int slots = cfg.stateCount();
            y = new float[l][];
            xd = new float[l][];
            mask = new float[l][];
            gates = new float[slots][];
            gh = new float[slots][];
            hs = new float[slots][];
            cs = new float[slots][];
            stepScratch = new boolean[slots];
        }
        Arrays.fill(stepScratch, false);
        filledBy = params;
        steps = t;
        batch = b;
        forwardDone = false;
        order = grow(order, b);
        rank = grow(rank, b);
        sortedLen = grow(sortedLen, b);
        batchSizes = grow(batchSizes, t + 1);
        stepOffset = grow(stepOffset, t + 1);
        sortRows(lengths);

        int h = cfg.hiddenSize();
        long n = tokens;
        long states = (long) cfg.stateCount() * b * h;
        x0 = grow(x0, n * cfg.inputSize());
        h0s = grow(h0s, states);
        if (cfg.mode().hasCell()) {
            c0s = grow(c0s, states);
        }
        for (int k = 0; k < cfg.numLayers(); k++) {
            // no copy of a unidirectional last layer's output: it is its state history (see output)
            y[k] = k < cfg.numLayers() - 1 || cfg.directions() > 1 ? grow(y[k], n * cfg.outputSize()) : null;
        }
        for (int s = 0; s < cfg.stateCount(); s++) {
            gates[s] = grow(gates[s], n * cfg.gateRows());
            hs[s] = grow(hs[s], (n + b) * h);
            if (cfg.mode() == RnnMode.GRU) {
                gh[s] = grow(gh[s], n * cfg.gateRows());
            }
            if (cfg.mode().hasCell()) {
                cs[s] = grow(cs[s], (n + b) * h);
            }
        }
    }

    /** order / sortedLen / batchSizes / stepOffset / tokens: rows sorted by decreasing length (stable). */
    private void sortRows(int[] lengths) {
        int t = steps;
        int b = batch;
        boolean uniform = true;
        for (int i = 0; i < b; i++) {
            order[i] = i;
            sortedLen[i] = lengths == null ? t : lengths[i];
            uniform &= sortedLen[i] == t;
        }
        sorted = !uniform;
        if (sorted) {
            // insertion sort: stable, allocation-free, and O(B) on already sorted batches
            for (int i = 1; i < b; i++) {
                int o = order[i];
                int l = sortedLen[i];
                int j = i - 1;
                while (j >= 0 && sortedLen[j] < l) {
                    order[j + 1] = order[j];
                    sortedLen[j + 1] = sortedLen[j];
                    j--;
                }
                order[j + 1] = o;
                sortedLen[j + 1] = l;
            }
        }
        for (int i = 0; i < b; i++) {
            rank[order[i]] = i;
        }
        int rows = b;
        int offset = 0;
        for (int step = 0; step < t; step++) {
            while (rows > 0 && sortedLen[rows - 1] <= step) {
                rows--;
            }
            batchSizes[step] = rows;
            stepOffset[step] = offset;
            offset += rows;
        }
        batchSizes[t] = 0;
        stepOffset[t] = offset;
        tokens = offset;
    }

    /** Dropout buffers of layer k > 0, made only when dropout is used in training. */
    void prepareDropout(int k) {
        long n = (long) tokens * config.outputSize();
        xd[k] = grow(xd[k], n);
        mask[k] = grow(mask[k], n);
    }

    void prepareBackward() {
        RnnConfig cfg = config;
        int h = cfg.hiddenSize();
        long n = tokens;
        long states = (long) cfg.stateCount() * batch * h;
        dgx = grow(dgx, n * cfg.gateRows());
        if (cfg.mode() == RnnMode.GRU) {
            dgh = grow(dgh, n * cfg.gateRows());
        }
        long io = n * Math.max(cfg.inputSize(), cfg.outputSize());
        dyA = grow(dyA, io);
        dyB = grow(dyB, io);
        dh = grow(dh, (long) batch * h);
        dhNext = grow(dhNext, (long) batch * h);
        dhn = grow(dhn, states);
        dh0s = grow(dh0s, states);
        if (cfg.mode().hasCell()) {
            dc = grow(dc, (long) batch * h);
            dcn = grow(dcn, states);
            dc0s = grow(dc0s, states);
        }
    }
}
