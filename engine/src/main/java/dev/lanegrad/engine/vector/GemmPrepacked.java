package dev.lanegrad.engine.vector;

import dev.lanegrad.engine.CheckedGemm;
import dev.lanegrad.engine.Checks;

import static dev.lanegrad.engine.vector.GemmMicroKernel.MR;
import static dev.lanegrad.engine.vector.GemmMicroKernel.NR;
import static dev.lanegrad.engine.vector.VectorGemm.KC;
import static dev.lanegrad.engine.vector.VectorGemm.MC;

/**
 * The blocked GEMM with op(B) packed once, ahead of many products (see {@link dev.lanegrad.engine.PrepackedGemm}).
 *
 * <pre>
 * P: for each k block pc (KC deep, kc = min(KC, k - pc)), for each NR-column panel j0:
 *    P[pOff + pc * nPad + j0 * kc + p * NR + j] = op(B)[pc + p, j0 + j]   (zero past column n)
 * nPad = n rounded up to NR; size k * nPad
 * </pre>
 * The same panels {@link VectorGemm}'s blocked path packs on every call, laid end to end: a product then
 * only packs its A block (m x kc, small) and runs the micro-kernel over the stored panels.
 */
final class GemmPrepacked {

    /**
     * Whether full MR-row slivers of A are read in place (row stride lda) instead of packed: the MR x 4-vector
     * tiles of 32-register targets, which have issue slots to spare for the A streams (with operands in L1 they
     * ran at the FMA peak on 256-bit and on 512-bit FMA units, docs/kernels.md). A is a step's h
     * (or x), changed at every call, so its packing was never amortized: in a JFR profile of S5 LSTM at one
     * thread it was 2.7 % of the samples. Measured with the 4 x 4 tile (AMD EPYC family 25 model 17, Zen 4, AVX-512, 2 cores,
     * JDK 17.0.15, one thread, the same bits): 64 x 1024 x 256 107.5 -> 110 GFLOP/s, 64 x 1024 x 128 104 ->
     * 108; S5 (`bench --case S5 --threads 1`, four alternating rounds) LSTM 2,326-2,354 -> 2,372-2,426 seq/s,
     * RNN 8,719-8,872 -> 9,411-9,516, GRU 3,079-3,111 -> 3,180-3,258; S3 (training, B = 32) 3-4 % less per
     * step. The MR x 2-vector tile of 16-register targets has no register or issue slot to spare for the
     * strides' arithmetic and keeps the packed sliver (docs/kernels.md).
     */
    static final boolean A_IN_PLACE = !KernelShape.SIXTEEN_REGISTERS;

    private GemmPrepacked() {
    }

    static int packedSize(int k, int n) {
        long size = (long) k * roundUp(n, NR);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("prepacked gemm: (" + k + ", " + n + ") is too large to pack into one array");
        }
        return (int) size;
    }

    static void pack(boolean transB, int k, int n, float[] b, int bOff, int ldb, float[] packed, int packedOff) {
        Checks.nonNegative("gemm pack", "k", k);
        Checks.nonNegative("gemm pack", "n", n);
        if (transB) {
            Checks.matrix("gemm pack", "B^T", b, bOff, n, k, ldb);
        } else {
            Checks.matrix("gemm pack", "B", b, bOff, k, n, ldb);
        }
        int size = packedSize(k, n);
        Checks.range("gemm pack", "packed", packed, packedOff, size);
        int nPad = roundUp(n, NR);
        // B^T with the scalar strip transpose, not gathers: for a one-off pack of a whole matrix it ran
        // 4096x1024: 8.4 -> 5.0 ms, 1024x256: 126 -> 116 us (PrepackedGemmBench.pack)
        int[] gather = null;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            GemmPacking.packB(transB, b, bOff, ldb, pc, kc, 0, n, packed, packedOff + pc * nPad, gather);
        }
    }

    /** See PrepackedGemm#multiply; backwards walks the one-row path's panels last to first. */
    static void multiply(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                         float[] packed, int packedOff, float beta, float[] c, int cOff, int ldc, boolean backwards) {
        Checks.nonNegative("gemm prepacked", "m", m);
        Checks.nonNegative("gemm prepacked", "n", n);
        Checks.nonNegative("gemm prepacked", "k", k);
        Checks.matrix("gemm prepacked", "A", a, aOff, m, k, lda);
        Checks.matrix("gemm prepacked", "C", c, cOff, m, n, ldc);
        Checks.range("gemm prepacked", "packed", packed, packedOff, (long) k * roundUp(n, NR));
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            CheckedGemm.scale(m, n, beta, c, cOff, ldc);
            return;
        }
        GemmWorkspace ws = GemmWorkspace.get();
        int nPad = roundUp(n, NR);
        if (m <= GemmRowKernel.ROWS_ALONE) {
            // the caller turns back every other call (models' PackedWeight): a time loop multiplies the same
            // panels once per step, and when they are about the size of L2 (W_hh of H = 256: 1 MB) a sweep in
            // one direction always evicts what the next sweep reads first; turning back re-reads the
            // last-touched panels from L2. The order of the columns does not change any element's sum.
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float betaBlock = pc == 0 ? beta : 1f; // later k blocks accumulate onto the first
                for (int i = 0; i < m; i++) {
                    GemmRowKernel.row(kc, n, alpha, a, aOff + i * lda + pc, 1, packed, packedOff + pc * nPad,
                            betaBlock, c, cOff + i * ldc, ws.tile, backwards);
                }
            }
            return;
        }
        int mcMax = Math.min(MC, m);
        float[] pa = ws.packA(Math.min(KC, k) * (roundUp(mcMax, MR) + KernelShape.MR_SMALL));
        float[] edge = ws.tile;
        for (int ic = 0; ic < m; ic += MC) {
            int mc = Math.min(MC, m - ic);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float betaBlock = pc == 0 ? beta : 1f;
                // rows [0, inPlace) of the block are read where they are, in slivers of MR and MR_SMALL; the
                // rest (a few rows) is packed
                int inPlace = A_IN_PLACE ? KernelShape.inPlaceRows(mc) : 0;
                if (inPlace < mc) {
                    GemmPacking.packA(false, a, aOff, lda, ic + inPlace, mc - inPlace, pc, kc, pa);
                }
                int block = packedOff + pc * nPad;
                // a sliver's tiles along its rows of C, as in VectorGemm's blocked path (the reason is there):
                // S4's step product 64 x 4096 x 1024 (C 1 MB) one thread, AMD EPYC family 25 model 17 (Zen
                // 4), JDK 17.0.15: AVX2 width 88-90 -> 95-97.5 GFLOP/s, 512 bits 100-103.8 -> 101-105.6; S5's
                // 64 x 1024 x 256 and S3's 32 x 1024 x 256 (C in L2) level at both widths (scratch harness).
                // The columns in passes of L2_COLUMNS, each streamed past every sliver while it stays in L2: a k
                // block of W_hh's panels is 1 MB at n = 1024 and 4 MB at S4's 4096, re-read from L3 by every
                // sliver before. One thread, p50 of 0.2-s windows (a scratch harness, the jars before and after in
                // alternating JVMs, two rounds), AMD EPYC family 26 model 2 (Zen 5, 1 MB L2), AVX-512, JDK 17.0.15,
                // GFLOP/s: 64 x 4096 x 1024 153.3 / 144.1 -> 179.1 / 170.9, 64 x 1024 x 4096 152.5 / 151.1 ->
                // 175.1 / 161.1, 64 x 768 x 256 (S5 GRU) 174.9 / 163.7 -> 190.0 / 183.4; at AVX2 width
                // (-XX:UseAVX=2, passes of 2048) 64 x 4096 x 1024 level, 87.3 / 90.4 -> 87.1 / 87.6.
                blockTimesPanels(kc, kc, mc, inPlace, a, aOff + ic * lda + pc, lda, pa, packed, block, n, alpha,
                        betaBlock, c, cOff + ic * ldc, ldc, edge);
            }
        }
    }

    /**
     * C (mc, nc) at cIdx, row stride ldc, = alpha * (an A block . nc columns of panels) + beta * C: the block's rows
     * [0, inPlace) read where they lie from aIdx = A[i0, p0] (row stride lda), the rest from the packed slivers in
     * pa; the (kc, NR) panels one after another from bIdx. Each sliver's tiles are walked along its rows of C
     * (VectorGemm's blocked path says why), the columns in passes of KernelShape.L2_COLUMNS, each streamed past
     * every sliver while it stays in L2. kb < kc sums chains of kb steps in each tile (GemmMicroKernel.tileChained;
     * only packed slivers, of A^T, take them). The blocked GEMM and the prepacked products both walk their blocks here.
     */
    static void blockTimesPanels(int kc, int kb, int mc, int inPlace, float[] a, int aIdx, int lda, float[] pa,
                                 float[] bp, int bIdx, int nc, float alpha, float beta, float[] c, int cIdx, int ldc,
                                 float[] edge) {
        for (int j0 = 0; j0 < nc; j0 += KernelShape.L2_COLUMNS) {
            int j1 = Math.min(nc, j0 + KernelShape.L2_COLUMNS);
            for (int ir = 0, h; ir < inPlace; ir += h) {
                h = KernelShape.sliverRows(inPlace - ir);
                for (int jr = j0; jr < j1; jr += NR) {
                    GemmMicroKernel.tileInPlace(kc, h, a, aIdx + ir * lda, lda, bp, bIdx + jr * kc, alpha, beta,
                            c, cIdx + ir * ldc + jr, ldc, Math.min(NR, nc - jr), edge);
                }
            }
            for (int ir = inPlace, h; ir < mc; ir += h) {
                h = KernelShape.sliverRows(mc - ir);
                int rows = Math.min(h, mc - ir);
                for (int jr = j0; jr < j1; jr += NR) {
                    int cols = Math.min(NR, nc - jr);
                    if (kb < kc) {
                        GemmMicroKernel.tileChained(kc, kb, h, pa, (ir - inPlace) * kc, bp, bIdx + jr * kc, alpha,
                                beta, c, cIdx + ir * ldc + jr, ldc, rows, cols, edge);
                    } else {
                        GemmMicroKernel.tile(kc, h, pa, (ir - inPlace) * kc, bp, bIdx + jr * kc, alpha, beta,
                                c, cIdx + ir * ldc + jr, ldc, rows, cols, edge);
                    }
                }
            }
        }
    }

    static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }
}
