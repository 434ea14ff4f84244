package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.PrepackedGemm;

/**
 * The input projection of a forward pass done step by step inside the time loop, with W_ih packed once:
 * a step's gates x_t W_ih^T are computed just before the bias add, the hidden product and the pointwise
 * step read them, so they are still in cache. Projected for the whole sequence at once, before the loop,
 * they are T*B rows of G*H floats (13 MB for S5: B = 64, T = 50, 4H = 1024), far beyond L2, and each step
 * brought its rows back from memory: the first touch, the bias add, was 9 % of an S5 LSTM forward at two
 * threads in a JFR profile (3.7 % at one). The prepacked product sums every element in the same order as
 * the whole-sequence GEMM (GemmBatchInvarianceProperties), so the gates are the same bits either way.
 *
 * <p>Mutable scratch of one workspace: {@link #set} before a direction's loop, {@link #clear} after it; the
 * loop's threads only read it.
 */
final class StepProjection {

    /**
     * Batches of at least this many rows project step by step. Measured (AMD EPYC family 26 model 2, Zen 5,
     * AVX-512, 2 cores, JDK 17, `lanegrad bench --case S5,S3`, alternating JVMs): S5 (B = 64) at two threads
     * LSTM 5,457/5,332 -> 6,311/6,204 seq/s, RNN 17,040/16,410 -> 18,680/19,110, GRU 6,996/6,780 ->
     * 7,786/6,825; at one thread RNN +15-19 %, LSTM -1..+18 %, GRU +2..+8 %; but S3 (B = 32, 16 rows a thread
     * at two threads) RNN 6.31/6.76 -> 6.81/7.35 ms: a step product of 16 rows x 256 columns costs more than
     * its share of one whole-sequence GEMM. Not final, so that a test can run both ways in one JVM
     * ({@code -Dlanegrad.rnn.stepProjectionMinRows} sets it).
     */
    static int minRows = Integer.getInteger("lanegrad.rnn.stepProjectionMinRows", 64);

    /**
     * Only a W_ih of at most this many floats (1 MB, a Zen 5 core's L2) is multiplied step by step: every
     * step reads all of it, where the whole-sequence GEMM reads each packed block once for all T*B rows. S4
     * (W_ih 4096 x 512 = 8 MB, B = 64, one thread) ran 7-12 % slower step by step (LSTM 487/475 -> 546/508
     * ms, GRU 369/358 -> 396/392).
     */
    static final long MAX_WEIGHT_FLOATS = 1L << 18;

    /** Whether a forward over `batch` rows with W_ih (gateRows, inputSize) projects step by step. */
    static boolean pays(int batch, int gateRows, int inputSize) {
        return batch >= minRows && fits(gateRows, inputSize);
    }

    /** Whether W_ih (gateRows, inputSize) is small enough to keep packed in a workspace (MAX_WEIGHT_FLOATS). */
    static boolean fits(int gateRows, int inputSize) {
        return (long) gateRows * inputSize <= MAX_WEIGHT_FLOATS;
    }

    /** W_ih^T, whole, or in two halves for a {@link StepPair} (of the columns, or of the hidden units). */
    private final PackedWeight weight = new PackedWeight();
    /** W_ih^T in halves of the hidden units: its own panels, for the reason of Cell.HiddenWeights' unitPanels. */
    private final PackedWeight unitWeight = new PackedWeight();
    /** The panels of the running loop: {@link #weight} or {@link #unitWeight}. */
    private PackedWeight current = weight;
    private float[] input;
    private int inputOff;
    private int inputSize;
    private int gateRows;
    private boolean byUnits;

    /**
     * Packs W_ih (G*H, In) at (w, wOff) unless it already is, as of the current parameter-update count,
     * whole or (halves) in the two halves of a StepPair's threads: of the hidden units when byUnits (as
     * W_hh, see PackedWeight#packByUnits), else of the columns.
     */
    void set(PrepackedGemm gemm, float[] w, int wOff, int gateRows, int hidden, float[] input, int inputOff,
             int inputSize, boolean halves, boolean byUnits) {
        this.byUnits = halves && byUnits;
        if (this.byUnits) {
            unitWeight.packByUnits(gemm, inputSize, gateRows, hidden, w, wOff);
            current = unitWeight;
        } else {
            weight.pack(gemm, true, inputSize, gateRows, w, wOff, halves);
            current = weight;
        }
        this.gateRows = gateRows;
        this.input = input;
        this.inputOff = inputOff;
        this.inputSize = inputSize;
    }

    void clear() {
        input = null;
    }

    /** Whether the running loop projects its steps (set and not cleared). */
    boolean active() {
        return input != null;
    }

    /**
     * Whether the running loop is a StepPair's packed by hidden units (set so, and not cleared): its W_hh is
     * packed the same way (Layer), and each part steps its own units (TimeLoop).
     */
    boolean byUnits() {
        return input != null && byUnits;
    }

    /** gates (rows, G*H) at g = the input rows of packed token `token` on (rows of it) times W_ih^T. */
    void project(int rows, int token, float[] gates, int g) {
        current.multiply(PackedWeight.ALL, rows, input, inputOff + token * inputSize, inputSize, 0f, gates, g, gateRows);
    }

    /** gates (tokens, G*H) = every packed input row times W_ih^T, in one product (then {@link #clear}). */
    void projectAll(int tokens, float[] gates) {
        current.multiply(PackedWeight.ALL, tokens, input, inputOff, inputSize, 0f, gates, 0, gateRows);
    }

    /**
     * The columns of one part of a StepPair (PackedWeight.FIRST or SECOND) for packed tokens [from, to): each
     * thread projects, before its steps, the columns its own steps will add into (the hidden product and the
     * biases of a part write those columns only), so no meeting is needed for it, and a batch-1 forward needs
     * no GEMM split over the pool before the pair starts.
     */
    void projectPart(int part, int from, int to, float[] gates) {
        current.multiply(part, to - from, input, inputOff + from * inputSize, inputSize, 0f, gates, from * gateRows, gateRows);
    }

    long floatsHeld() {
        return weight.floatsHeld() + unitWeight.floatsHeld();
    }
}
