package dev.lanegrad.engine.vector;

import dev.lanegrad.engine.Checks;
import dev.lanegrad.engine.EngineThreads;
import dev.lanegrad.engine.CheckedGemm;
import dev.lanegrad.engine.FusedLstmStep;
import dev.lanegrad.engine.PrepackedGemm;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;

import static dev.lanegrad.engine.vector.GemmMicroKernel.MR;
import static dev.lanegrad.engine.vector.GemmMicroKernel.NR;

/**
 * The SIMD GEMM: C (m,n) = alpha * op(A) (m,k) @ op(B) (k,n) + beta * C, row-major with strides.
 *
 * Every path computes each element of C in the same operation order, the micro-kernel's, so a row's
 * bits do not depend on how many rows are in the call nor on the thread count (batch invariance): k
 * in blocks of KC from 0; within a block one FMA chain per element in increasing k, starting from zero;
 * each block scaled into C as alpha * sum + beta * C, later blocks with beta 1. Splits are over rows or
 * columns of C, never over k.
 *
 * <ul>
 * <li>1 to 5 rows times a stored B: {@link Gemv}, one row or pairs of rows per pass over B, unpacked.</li>
 * <li>1 or 2 rows times B^T (a streaming step x . W^T at batch 1): {@link GemmScalarChains}, scalar FMA
 *     chains along the stored rows of B^T; a vector order would need B^T transposed.</li>
 * <li>otherwise the blocked path: for each (KC, NC) block of op(B), pack it into NR-column panels; for
 *     each (MC, KC) block of op(A), pack it into MR-row slivers; then the {@link GemmMicroKernel}
 *     computes every (MR, NR) tile from one sliver and one panel, a sliver's tiles along its rows of C.
 *     Packing turns every transpose combination into the same unit-stride kernel; a sliver stays in L1
 *     while the panels stream past it in the order they were packed.</li>
 * <li>Large products are split over {@link EngineThreads#pool()} by column panels of C (or by rows
 *     when m is the larger side); each part is an independent sub-GEMM with its own per-thread
 *     packing buffers ({@link GemmWorkspace}).</li>
 * </ul>
 */
final class VectorGemm extends CheckedGemm implements PrepackedGemm, FusedLstmStep {

    /** Cache blocking, chosen with the register tile in {@link KernelShape} (the reasons are there). */
    static final int KC = KernelShape.KC;
    static final int MC = KernelShape.MC;
    static final int NC = KernelShape.NC;
    /** Columns of B packed at once when op(A) is one block (m <= MC), see {@link KernelShape#GROUP}. */
    static final int GROUP = KernelShape.GROUP;
    /**
     * B^T is transposed into panels with gathers when op(A) has at most this many rows, else with a
     * scalar transpose in L1-sized strips. A gather per k step touches NR stored rows, which at large
     * ldb fall into few L1 sets and miss; the strip reads one cache line of a row at a time. Measured
     * by thread CPU time on Zen 5, GFLOP/s gather vs strips: 32x1024x128 94 vs 70, 64x1024x256 116 vs 102,
     * 128x512x256 130 vs 139, 1024^3 164 vs 185. Small m is the case where the transpose is not
     * amortized over many rows (an RNN step h . W_hh^T).
     * Off by default (0): inside a whole recurrent forward, C2 gave up on the gather intrinsic
     * (VectorSupport.loadWithMap "callee is too large") and boxed every vector, 1.1 MB and 5 ms per S1 RNN
     * forward instead of 0.2 ms (JDK 17, AVX-512); the strips never box. -Dlanegrad.gemm.gatherMaxRows=64
     * brings the gathers back for measurement.
     */
    static final int GATHER_MAX_M = Integer.getInteger("lanegrad.gemm.gatherMaxRows", 0);
    /**
     * Fewer rows than this times a stored B go through {@link Gemv#axpys2}, two rows per pass over
     * B, unpacked. Measured (thread CPU time, GFLOP/s): 2x1024x256 87 vs 25 packed, 4x1024x256 74 vs
     * 61, 7x1024x256 70 by pairs, while 8x1024x256 packed (two full slivers) makes 91.
     */
    static final int FEW_ROWS = 6;
    /**
     * Below this many multiply-adds a product stays on the calling thread: handing work to the pool
     * and waking a worker costs ~10-20 us, the time of ~1 M multiply-adds at ~100 GFLOP/s.
     */
    static final long PARALLEL_MIN_MACS = 1L << 21;

    /**
     * Smallest chunk of a split, in columns (or rows) of C. Each chunk re-packs the operand that is not
     * split, a copy worth ~30 multiply-adds per element, so chunks of 512 keep that under ~6%.
     */
    static final int CHUNK_MIN = 512;

    @Override
    protected void product(boolean transA, boolean transB, int m, int n, int k,
                           float alpha, float[] a, int aOff, int lda,
                           float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc) {
        int threads = EngineThreads.threads();
        long macs = (long) m * n * k;
        if (threads > 1 && macs >= PARALLEL_MIN_MACS && !EngineThreads.inPool()) {
            if (parallel(threads, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc)) {
                return;
            }
        }
        serial(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public int packedSize(int k, int n) {
        return GemmPrepacked.packedSize(k, n);
    }

    @Override
    public void pack(boolean transB, int k, int n, float[] b, int bOff, int ldb, float[] packed, int packedOff) {
        GemmPrepacked.pack(transB, k, n, b, bOff, ldb, packed, packedOff);
    }

    @Override
    public void multiply(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                         float[] packed, int packedOff, float beta, float[] c, int cOff, int ldc) {
        GemmPrepacked.multiply(m, n, k, alpha, a, aOff, lda, packed, packedOff, beta, c, cOff, ldc, false);
    }

    @Override
    public void multiply(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                         float[] packed, int packedOff, float beta, float[] c, int cOff, int ldc, boolean backwards) {
        GemmPrepacked.multiply(m, n, k, alpha, a, aOff, lda, packed, packedOff, beta, c, cOff, ldc, backwards);
    }

    @Override
    public int rowMultiple() {
        return KernelShape.ROW_MULTIPLE;
    }

    @Override
    public boolean fusesLstm(int inputSize, int hidden) {
        return GemmLstmStep.fits(inputSize, hidden);
    }

    @Override
    public int lstmPackedSize(int k, int hidden) {
        return GemmLstmStep.packedSize(k, hidden);
    }

    @Override
    public void packLstm(int k, int hidden, float[] w, int wOff, float[] packed, int packedOff) {
        GemmLstmStep.pack(k, hidden, w, wOff, packed, packedOff);
    }

    @Override
    public void lstmStep(int rows, int inputSize, int hidden, float[] x, int xOff, float[] hPrev, int hPrevOff,
                         float[] packedIh, int packedIhOff, float[] packedHh, int packedHhOff,
                         float[] bih, int bihOff, float[] bhh, int bhhOff,
                         float[] cPrev, int cPrevOff, float[] h, int hOff, float[] c, int cOff) {
        GemmLstmStep.step(rows, inputSize, hidden, x, xOff, hPrev, hPrevOff, packedIh, packedIhOff, packedHh, packedHhOff,
                bih, bihOff, bhh, bhhOff, cPrev, cPrevOff, h, hOff, c, cOff);
    }

    /** One thread's share, already checked and non-empty. */
    static void serial(boolean transA, boolean transB, int m, int n, int k,
                       float alpha, float[] a, int aOff, int lda,
                       float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc) {
        GemmWorkspace ws = GemmWorkspace.get();
        int kb = KernelShape.depth(transA, k);
        if (!transB && m < FEW_ROWS) {
            // pairs of rows straight from B (packing B would not be amortized), then a GEMV for an odd row
            int aRow = transA ? 1 : lda;
            int aCol = transA ? lda : 1;
            int i = 0;
            for (; i + 2 <= m; i += 2) {
                Gemv.axpys2(n, k, kb, alpha, a, aOff + i * aRow, aRow, aCol, b, bOff, ldb, beta, c, cOff + i * ldc, ldc,
                        ws.acc(2 * n));
            }
            if (i < m) {
                Gemv.gemv(transA, n, k, kb, alpha, a, aOff + i * aRow, lda, b, bOff, ldb, beta, c, cOff + i * ldc, ws);
            }
            return;
        }
        if (transB && m <= GemmScalarChains.MAX_ROWS) {
            // B^T with one or two rows: scalar FMA chains in the micro-kernel's order, no transpose
            GemmScalarChains.gemm(m, n, k, kb, alpha, a, aOff, transA ? 1 : lda, transA ? lda : 1,
                    b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        blocked(transA, transB, m, n, k, kb, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, ws);
    }

    private static void blocked(boolean transA, boolean transB, int m, int n, int k, int kb,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc, GemmWorkspace ws) {
        if (m <= MC) {
            fewRows(transA, transB, m, n, k, kb, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, ws);
            return;
        }
        // blocks of KC are packed and walked; chains of kb (KC_LONG in the weight-gradient form) are summed
        // within a block's tiles (GemmMicroKernel.tileChained), so C is passed over once per KC steps
        int span = Math.max(kb, KernelShape.KC);
        int kcMax = Math.min(span, k);
        int ncMax = Math.min(NC, n);
        float[] pb = ws.packB(kcMax * roundUp(ncMax, NR));
        float[] pa = ws.packA(kcMax * (MC + KernelShape.MR_SMALL));
        float[] edge = ws.tile;
        int[] gather = transB && m <= GATHER_MAX_M ? ws.gather(ldb) : null;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += span) {
                int kc = Math.min(span, k - pc);
                // later k blocks accumulate onto what the first one wrote
                float betaBlock = pc == 0 ? beta : 1f;
                GemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc, nc, pb, gather);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    // On 32-register targets the slivers of a stored A (not A^T) are read where they lie, as
                    // GemmPrepacked does (A_IN_PLACE, the reason there); only 1-3 rows left over are packed. Packing
                    // costs about a cycle per element of A, which is then used for n multiply-adds: at n = 128 that
                    // was a fifth of the time (5.7 % of the char-LM training step's samples, JFR). One thread, 512 bits, four alternating rounds (AMD EPYC
                    // family 25 model 17, Zen 4, JDK 17.0.15, `bench gemm`, GFLOP/s): 2048 x 128 x 2048 64.7-75.6
                    // -> 83.7-94.6, 3200 x 1024 x 128 86.4-91.1 -> 92.4-99.6, 2048 x 2048 x 128 85.9-91.1 -> 91.7-95.5,
                    // 1024^3 88.0-91.5 -> 94.0-99.3; the same bits (the same kernel and sums).
                    int inPlace = GemmPrepacked.A_IN_PLACE && !transA ? KernelShape.inPlaceRows(mc) : 0;
                    if (inPlace < mc) {
                        GemmPacking.packA(transA, a, aOff, lda, ic + inPlace, mc - inPlace, pc, kc, pa);
                    }
                    // A sliver's tiles are walked along its rows of C (BLIS walks down the column of
                    // slivers for each panel instead). C is row-major: along a row each tile's lines
                    // follow the last tile's, which the hardware prefetchers follow, where a step down
                    // the column jumps MR rows (MR pages at n = 1024), and every tile's update into C
                    // waited for its lines from L3. The panels stream past the sliver, sequential too.
                    // 1024^3, one thread, AMD EPYC family 25 model 17 (Zen 4), JDK 17.0.15, three rounds:
                    // AVX2 width 77.7-87.5 -> 94.6-96.2 GFLOP/s, 512 bits 95.8-100.0 -> 101.2-103.8
                    // (docs/kernels.md); with C's lines always in L1 (ldc 0) the old order made 97.5-98.1.
                    GemmPrepacked.blockTimesPanels(kc, kb, mc, inPlace, a, aOff + ic * lda + pc, lda, pa, pb, 0, nc,
                            alpha, betaBlock, c, cOff + ic * ldc + jc, ldc, edge);
                }
            }
        }
    }

    /**
     * op(A) is one block (m <= MC): pack all of it once, every k block (m x k padded, up to MC x k), then
     * walk C by groups of GROUP columns, running every k block of a group before the next group. A
     * group's C (m, GROUP) then stays in L1/L2 between k blocks (looping k outside re-read and re-wrote
     * the whole of C per k block: 1 MiB each way per block at 64x4096x512), and each B panel group (KC,
     * GROUP) is packed just before use and used by this block only. Packing the whole (KC, NC) block
     * first would write it out to L3 and read it back.
     */
    private static void fewRows(boolean transA, boolean transB, int m, int n, int k, int kb,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc, GemmWorkspace ws) {
        int mPad = roundUp(m, MR) + KernelShape.MR_SMALL;
        float[] pb = ws.packB(Math.min(kb, k) * GROUP);
        float[] pa = ws.packA(k * mPad);
        float[] edge = ws.tile;
        int[] gather = transB && m <= GATHER_MAX_M ? ws.gather(ldb) : null;
        for (int pc = 0; pc < k; pc += kb) {
            // k block pc at pa[pc * mPad], its sliver of row ir at + ir * kc
            GemmPacking.packA(transA, a, aOff, lda, 0, m, pc, Math.min(kb, k - pc), pa, pc * mPad);
        }
        for (int jg = 0; jg < n; jg += GROUP) {
            int groupCols = Math.min(GROUP, n - jg);
            for (int pc = 0; pc < k; pc += kb) {
                int kc = Math.min(kb, k - pc);
                float betaBlock = pc == 0 ? beta : 1f; // later k blocks accumulate onto the first
                int aBlock = pc * mPad;
                GemmPacking.packB(transB, b, bOff, ldb, pc, kc, jg, groupCols, pb, gather);
                for (int jr = 0; jr < groupCols; jr += NR) {
                    int cols = Math.min(NR, groupCols - jr);
                    int bIdx = (jr / NR) * kc * NR;
                    for (int ir = 0, h; ir < m; ir += h) {
                        h = KernelShape.sliverRows(m - ir);
                        GemmMicroKernel.tile(kc, h, pa, aBlock + ir * kc, pb, bIdx, alpha, betaBlock,
                                c, cOff + ir * ldc + jg + jr, ldc, Math.min(h, m - ir), cols, edge);
                    }
                }
            }
        }
    }

    /**
     * Splits C into chunks, independent sub-GEMMs over the same arrays: by columns when n is the larger
     * side (each chunk packs only its own columns of B and re-packs the smaller A), otherwise by rows.
     * The calling thread and threads - 1 pool workers take chunks from a shared counter until none is
     * left, so a worker that wakes late, or a core shared with another process, does not leave the
     * other thread idle at the end. Chunks are at least CHUNK_MIN wide, because every chunk re-packs
     * the other operand. Returns false when the split side is too small for two chunks.
     */
    private static boolean parallel(int threads, boolean transA, boolean transB, int m, int n, int k,
                                    float alpha, float[] a, int aOff, int lda,
                                    float[] b, int bOff, int ldb,
                                    float beta, float[] c, int cOff, int ldc) {
        boolean byColumns = n >= m;
        int unit = byColumns ? NR : MR;
        int size = byColumns ? n : m;
        int units = (size + unit - 1) / unit;
        int chunks = Math.min(Math.min(units, 4 * threads), Math.max(threads, size / CHUNK_MIN));
        if (chunks < 2) {
            return false;
        }
        GemmSplit split = GemmSplit.get();
        split.start(byColumns, units, chunks, unit, size, transA, transB, m, n, k, alpha, a, aOff, lda,
                b, bOff, ldb, beta, c, cOff, ldc);
        int helpers = Math.min(threads, chunks) - 1;
        ForkJoinPool pool = EngineThreads.pool();
        GemmSplit.Helper[] tasks = split.helpers(helpers);
        for (int t = 0; t < helpers; t++) {
            if (tasks[t].ready) {
                try {
                    pool.execute(tasks[t]);
                    tasks[t].handedOut = true;
                } catch (RejectedExecutionException shutDown) {
                    // setThreads replaced the pool meanwhile: this thread takes those chunks itself
                }
            }
        }
        split.work();
        Throwable failure = split.awaitChunks();
        split.clear();
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        return true;
    }

    /** Columns [lo, hi) (or rows) of C as a sub-GEMM over the same arrays, shifted by offsets. */
    static void runPart(boolean byColumns, int lo, int hi, boolean transA, boolean transB, int m, int n, int k,
                        float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float beta, float[] c, int cOff, int ldc) {
        if (hi <= lo) {
            return;
        }
        if (byColumns) {
            int bShift = transB ? lo * ldb : lo;
            serial(transA, transB, m, hi - lo, k, alpha, a, aOff, lda, b, bOff + bShift, ldb, beta, c, cOff + lo, ldc);
        } else {
            int aShift = transA ? lo : lo * lda;
            serial(transA, transB, hi - lo, n, k, alpha, a, aOff + aShift, lda, b, bOff, ldb, beta, c, cOff + lo * ldc, ldc);
        }
    }

    private static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }
}
