package dev.lanegrad.engine.vector;

import dev.lanegrad.engine.Checks;
import jdk.incubator.vector.FloatVector;

import static dev.lanegrad.engine.vector.GemmMicroKernel.MR;
import static dev.lanegrad.engine.vector.GemmMicroKernel.NR;
import static dev.lanegrad.engine.vector.KernelShape.LANES;

/**
 * The fused LSTM inference step ({@link dev.lanegrad.engine.FusedLstmStep}) on the prepacked GEMM's tiles.
 *
 * <pre>
 * packed W (4H, k): W^T packed as GemmPrepacked packs it, its columns interleaved by units of L lanes:
 *   column q*4L + v*L + l  =  W row v*H + q*L + l      (gate v = i, f, g, o; unit block q = units [qL, qL + L))
 * </pre>
 * So the 4L columns of unit block q hold the four gates of the same L hidden units: one MR x 4-vector tile
 * (32 registers) or two MR x 2-vector tiles (16 registers) of them. The step walks the unit blocks; for each, every
 * sliver of rows sums its x W_ih^T and hPrev W_hh^T tiles (the GEMM kernels, into two scratch tiles), adds the
 * biases and the two sums in the unfused order into a small gate scratch (rows x 4L, in L1), and the block's
 * activations and cell update then run over that scratch. The unfused step wrote the rows x 4H gates (256 KB
 * for S5: B = 64, H = 256) and passed over them five times (the products' two stores, two bias adds, the
 * activations); here they stay in L1. Measured (AMD EPYC family 25 model 17, Zen 4, AVX-512, 2 cores,
 * JDK 17.0.15, `bench --case S5 --cell lstm --threads 1`, three alternating rounds): 512 bits 2,415-2,452 ->
 * 2,462-2,506 seq/s, AVX2 width (-XX:UseAVX=2, 6x2 tiles) 1,998-2,025 -> 2,011-2,086. Walking the tiles of one
 * block's two weight panels for all the rows of an input product (panel-major, so a panel stays in L1 at AVX2
 * width) instead gave the same figures within the noise at both widths.
 * <p>
 * One k block per product (inputSize, hidden <= KC), hidden a multiple of L: other shapes run unfused.
 */
final class GemmLstmStep {

    private static final int L = LANES;
    /** Rows per pass over the unit blocks: the gate scratch is (CHUNK, 4L), 24 KB at 16 lanes. */
    private static final int CHUNK = KernelShape.MC;
    /** Where gate v (i, f, g, o) goes in the gate scratch: i, f, o first (one sigmoid loop), then g (tanh). */
    private static final int[] SLOT = {0, 1, 3, 2};

    private GemmLstmStep() {
    }

    static boolean fits(int inputSize, int hidden) {
        return inputSize >= 1 && hidden >= 1 && hidden % L == 0 && inputSize <= KernelShape.KC && hidden <= KernelShape.KC;
    }

    static int packedSize(int k, int hidden) {
        return GemmPrepacked.packedSize(k, 4 * hidden);
    }

    static void pack(int k, int hidden, float[] w, int wOff, float[] packed, int packedOff) {
        requireFits(hidden);
        if (k < 1 || k > KernelShape.KC) {
            throw new IllegalArgumentException("lstm pack: depth " + k + " is not fused here (expected 1.." + KernelShape.KC + ")");
        }
        int gateRows = 4 * hidden;
        Checks.matrix("lstm pack", "W", w, wOff, gateRows, k, k);
        Checks.range("lstm pack", "packed", packed, packedOff, packedSize(k, hidden));
        // unit block by unit block: its four gates' L rows of W side by side in a per-thread scratch, then packed
        // as B^T into the block's 4L columns (one k block, so at packedOff + column * k); nothing allocated
        float[] rows = GemmWorkspace.get().vec(4 * L * k);
        for (int q = 0; q < hidden / L; q++) {
            for (int v = 0; v < 4; v++) {
                System.arraycopy(w, wOff + (v * hidden + q * L) * k, rows, v * L * k, L * k);
            }
            GemmPacking.packB(true, rows, 0, k, 0, k, 0, 4 * L, packed, packedOff + q * 4 * L * k, null);
        }
    }

    static void step(int rows, int inputSize, int hidden, float[] x, int xOff, float[] hPrev, int hPrevOff,
                     float[] packedIh, int packedIhOff, float[] packedHh, int packedHhOff,
                     float[] bih, int bihOff, float[] bhh, int bhhOff,
                     float[] cPrev, int cPrevOff, float[] h, int hOff, float[] c, int cOff) {
        final int In = inputSize;
        final int H = hidden;
        Checks.nonNegative("lstm step", "rows", rows);
        if (!fits(In, H)) {
            throw new IllegalArgumentException("lstm step: input size " + In + " and hidden size " + H
                    + " are not fused here (expected both in 1.." + KernelShape.KC + ", hidden a multiple of " + L + ")");
        }
        Checks.matrix("lstm step", "x", x, xOff, rows, In, In);
        Checks.matrix("lstm step", "hPrev", hPrev, hPrevOff, rows, H, H);
        Checks.matrix("lstm step", "cPrev", cPrev, cPrevOff, rows, H, H);
        Checks.matrix("lstm step", "h", h, hOff, rows, H, H);
        Checks.matrix("lstm step", "c", c, cOff, rows, H, H);
        Checks.range("lstm step", "packedIh", packedIh, packedIhOff, packedSize(In, H));
        Checks.range("lstm step", "packedHh", packedHh, packedHhOff, packedSize(H, H));
        if ((bih == null) != (bhh == null)) {
            throw new IllegalArgumentException("lstm step: bih and bhh must both be given or both be null");
        }
        if (bih != null) {
            Checks.range("lstm step", "bih", bih, bihOff, 4L * H);
            Checks.range("lstm step", "bhh", bhh, bhhOff, 4L * H);
        }
        if (rows == 0) {
            return;
        }
        GemmWorkspace ws = GemmWorkspace.get();
        int chunk = Math.min(CHUNK, rows);
        // the slivers that are not read in place: x's, then hPrev's, each as GemmPrepacked pads them
        int padded = GemmPrepacked.roundUp(chunk, MR) + KernelShape.MR_SMALL;
        float[] pa = ws.packA(padded * (In + H));
        int hSlivers = padded * In;
        float[] gates = ws.gates(4 * chunk * L);
        for (int r0 = 0; r0 < rows; r0 += CHUNK) {
            int R = Math.min(CHUNK, rows - r0);
            int inPlace = GemmPrepacked.A_IN_PLACE ? KernelShape.inPlaceRows(R) : 0;
            if (inPlace < R) {
                GemmPacking.packA(false, x, xOff, In, r0 + inPlace, R - inPlace, 0, In, pa, 0);
                GemmPacking.packA(false, hPrev, hPrevOff, H, r0 + inPlace, R - inPlace, 0, H, pa, hSlivers);
            }
            for (int q = 0; q < H / L; q++) {
                int u = q * L;
                for (int ir = 0, rh; ir < R; ir += rh) {
                    rh = KernelShape.sliverRows((ir < inPlace ? inPlace : R) - ir);
                    for (int j = 0; j < 4 * L; j += NR) {
                        int bx = packedIhOff + (q * 4 * L + j) * In;
                        int bh = packedHhOff + (q * 4 * L + j) * H;
                        if (ir < inPlace) {
                            GemmMicroKernel.sumInPlace(In, rh, x, xOff + (r0 + ir) * In, In, packedIh, bx, ws.tile);
                            GemmMicroKernel.sumInPlace(H, rh, hPrev, hPrevOff + (r0 + ir) * H, H, packedHh, bh, ws.tile2);
                        } else {
                            GemmMicroKernel.kernel(In, rh, pa, (ir - inPlace) * In, packedIh, bx, ws.tile);
                            GemmMicroKernel.kernel(H, rh, pa, hSlivers + (ir - inPlace) * H, packedHh, bh, ws.tile2);
                        }
                        preActivations(Math.min(rh, R - ir), j / L, ws.tile, ws.tile2, bih, bihOff, bhh, bhhOff,
                                H, u, gates, R, ir);
                    }
                }
                cell(R, gates, cPrev, cPrevOff + r0 * H + u, c, cOff + r0 * H + u, h, hOff + r0 * H + u, H);
            }
        }
    }

    /**
     * Gates first..first+NV-1 of `rows` rows from the two sums (tile layout (MR, NR)): ((x part + b_ih) + b_hh)
     * + h part, the unfused step's order (the projection stored, the biases added, the hidden product added
     * last), into the gate scratch at slot SLOT[gate], row `row` on, R rows per slot. Two gates per pass over
     * the rows (NV is 2 or 4), their four bias vectors loaded once: loading the biases for every row, a gate
     * per pass, took 55-69 ns per 6-row call against 31-34 ns this way (S5's 176 calls per step, a scratch loop
     * on AMD EPYC family 26 model 2, Zen 5, AVX-512, JDK 17.0.15), 1-2.5 % of S5 LSTM at one thread.
     */
    private static void preActivations(int rows, int first, float[] xSum, float[] hSum, float[] bih, int bihOff,
                                       float[] bhh, int bhhOff, int H, int u, float[] gates, int R, int row) {
        for (int v = 0; v < NR / L; v += 2) {
            int g0 = first + v;
            int d0 = (SLOT[g0] * R + row) * L;
            int d1 = (SLOT[g0 + 1] * R + row) * L;
            if (bih == null) {
                for (int r = 0, t = v * L, d = 0; r < rows; r++, t += NR, d += L) {
                    load(xSum, t).add(load(hSum, t)).intoArray(gates, d0 + d);
                    load(xSum, t + L).add(load(hSum, t + L)).intoArray(gates, d1 + d);
                }
                continue;
            }
            FloatVector i0 = load(bih, bihOff + g0 * H + u), h0 = load(bhh, bhhOff + g0 * H + u);
            FloatVector i1 = load(bih, bihOff + (g0 + 1) * H + u), h1 = load(bhh, bhhOff + (g0 + 1) * H + u);
            for (int r = 0, t = v * L, d = 0; r < rows; r++, t += NR, d += L) {
                load(xSum, t).add(i0).add(h0).add(load(hSum, t)).intoArray(gates, d0 + d);
                load(xSum, t + L).add(i1).add(h1).add(load(hSum, t + L)).intoArray(gates, d1 + d);
            }
        }
    }

    private static FloatVector load(float[] a, int i) {
        return FloatVector.fromArray(GemmMicroKernel.S, a, i);
    }

    /**
     * One unit block of R rows from its pre-activations (slots i, f, o, g of R x L each): the activations as
     * VectorRecurrentKernels.lstmForward computes them, then c = f cPrev + i g and h = o tanh(c) (tanh(c) in slot i).
     */
    private static void cell(int R, float[] gates, float[] cPrev, int cPrevOff, float[] c, int cOff, float[] h, int hOff,
                             int H) {
        int n = R * L;
        VectorMath.apply(VectorMath.SIGMOID, gates, 0, gates, 0, 3 * n);
        VectorMath.apply(VectorMath.TANH, gates, 3 * n, gates, 3 * n, n);
        for (int r = 0; r < R; r++) {
            int s = r * L;
            FloatVector i = FloatVector.fromArray(GemmMicroKernel.S, gates, s);
            FloatVector f = FloatVector.fromArray(GemmMicroKernel.S, gates, n + s);
            FloatVector g = FloatVector.fromArray(GemmMicroKernel.S, gates, 3 * n + s);
            FloatVector cNew = f.fma(FloatVector.fromArray(GemmMicroKernel.S, cPrev, cPrevOff + r * H), i.mul(g));
            cNew.intoArray(c, cOff + r * H);
            cNew.intoArray(gates, s);
        }
        VectorMath.apply(VectorMath.TANH, gates, 0, gates, 0, n);
        for (int r = 0; r < R; r++) {
            int s = r * L;
            FloatVector.fromArray(GemmMicroKernel.S, gates, 2 * n + s)
                    .mul(FloatVector.fromArray(GemmMicroKernel.S, gates, s)).intoArray(h, hOff + r * H);
        }
    }

    private static void requireFits(int hidden) {
        if (hidden < 1 || hidden % L != 0) {
            throw new IllegalArgumentException("lstm pack: hidden size " + hidden + " is not fused here (expected a positive multiple of " + L + ")");
        }
    }
}
