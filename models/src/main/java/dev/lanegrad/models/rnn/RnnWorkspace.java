package dev.lanegrad.models.rnn;

/**
 * Everything one forward of an {@link Rnn} saves for its backward, plus the backward's scratch.
 *
 * Sized on first use and reused: a forward with a shape (T, B) that fits the current buffers
 * allocates nothing; a larger shape grows them once. One workspace serves one forward/backward
 * pair at a time (not thread-safe); a tape node owns one workspace. All data live in
 * <em>sorted batch order</em> (rows sorted by decreasing length, stable; identity without lengths).
 *
 * Saved by forward, per layer k and direction d (slot s = k*D + d):
 * <ul>
 *   <li>{@code gates[s]} (T*B, G*H): the gate activations of every step (LSTM i,f,g,o; GRU r,z,n; RNN act)</li>
 *   <li>{@code gh[s]} (T*B, G*H): GRU only, W_hh h + b_hh of every step (backward needs its n block)</li>
 *   <li>{@code hs[s]}, {@code cs[s]} ((T+1)*B, H): the state history; forward direction: state before
 *       step t at index t, after it at t+1; reverse direction: before step t at t+1, after it at t</li>
 *   <li>{@code y[k]} (T*B, D*H): the layer's output; {@code xd[k]}, {@code mask[k]}: the dropped-out
 *       input of layer k > 0 and its mask (0 or 1/(1-p)), when dropout was applied</li>
 *   <li>{@code x0} (T*B, I): a copy of the input; {@code h0s}, {@code c0s}: copies of the initial states</li>
 * </ul>
 * Copying x and the initial states costs O(T*B*(I+H)) against the GEMMs' O(T*B*G*H*(I+H)), and
 * means the caller may reuse its input buffers as soon as forward returns.
 */
public final class RnnWorkspace {

    RnnConfig config;
    Rnn owner;
    int steps;
    int batch;
    boolean forwardDone;
    boolean dropped;
    /** whether forward had lengths (rows sorted, padding present); else the batch order is the identity */
    boolean sorted;

    // batch order: order[i] = original row of sorted row i; sortedLen[i]; batchSizes[t] = rows with length > t
    int[] order = new int[0];
    int[] sortedLen = new int[0];
    int[] batchSizes = new int[0];

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
    /** W_hh^T (forward) or W_hh (backward) of the direction being run, packed for the per-step GEMM (see Rnn). */
    float[] whhP = new float[0];

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

    /** The pool task of a time loop split over two threads; replaced when a late worker still holds it. */
    private BatchSplit.RowsTask rowsTask;

    public RnnWorkspace() {
    }

    BatchSplit.RowsTask rowsTask(Rnn rnn) {
        BatchSplit.RowsTask task = rowsTask;
        // a task the pool has not finished (its run was claimed by the caller) cannot be reused yet
        if (task == null || task.rnn() != rnn || task.forked && !task.isDone()) {
            task = new BatchSplit.RowsTask(rnn, this);
            rowsTask = task;
        }
        return task;
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
                + dh.length + dhNext.length + dc.length + dhn.length + dcn.length + dh0s.length + dc0s.length;
        for (float[][] group : new float[][][] {y, xd, mask, gates, gh, hs, cs}) {
            if (group != null) {
                for (float[] a : group) {
                    n += a == null ? 0 : a.length;
                }
            }
        }
        return n;
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

    /** Sizes the forward buffers for (T, B) under config; nothing is allocated when they fit. */
    void prepareForward(RnnConfig cfg, int t, int b) {
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
        }
        steps = t;
        batch = b;
        forwardDone = false;
        int h = cfg.hiddenSize();
        long tb = (long) t * b;
        long states = (long) cfg.stateCount() * b * h;
        order = grow(order, b);
        sortedLen = grow(sortedLen, b);
        batchSizes = grow(batchSizes, t + 1);
        x0 = grow(x0, tb * cfg.inputSize());
        h0s = grow(h0s, states);
        if (cfg.mode().hasCell()) {
            c0s = grow(c0s, states);
        }
        for (int k = 0; k < cfg.numLayers(); k++) {
            y[k] = grow(y[k], tb * cfg.outputSize());
        }
        for (int s = 0; s < cfg.stateCount(); s++) {
            gates[s] = grow(gates[s], tb * cfg.gateRows());
            hs[s] = grow(hs[s], (t + 1L) * b * h);
            if (cfg.mode() == RnnMode.GRU) {
                gh[s] = grow(gh[s], tb * cfg.gateRows());
            }
            if (cfg.mode().hasCell()) {
                cs[s] = grow(cs[s], (t + 1L) * b * h);
            }
        }
    }

    /** Dropout buffers of layer k > 0, made only when dropout is used in training. */
    void prepareDropout(int k) {
        long n = (long) steps * batch * config.outputSize();
        xd[k] = grow(xd[k], n);
        mask[k] = grow(mask[k], n);
    }

    void prepareBackward() {
        RnnConfig cfg = config;
        int h = cfg.hiddenSize();
        long tb = (long) steps * batch;
        long states = (long) cfg.stateCount() * batch * h;
        dgx = grow(dgx, tb * cfg.gateRows());
        if (cfg.mode() == RnnMode.GRU) {
            dgh = grow(dgh, tb * cfg.gateRows());
        }
        long io = tb * Math.max(cfg.inputSize(), cfg.outputSize());
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
