package dev.lanegrad.engine.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import static dev.lanegrad.engine.vector.KernelShape.MR;
import static dev.lanegrad.engine.vector.GemmMicroKernel.NR;

/**
 * Copies blocks of op(A) and op(B) into the micro-kernel's layout. This is the only place where a
 * transposed operand is rearranged: the kernel then reads both operands with unit stride whatever
 * the transposes, and edges are zero-padded so the kernel never needs a mask.
 */
final class GemmPacking {

    private static final VectorSpecies<Float> S = KernelShape.SPECIES;
    private static final int L = KernelShape.LANES;
    /**
     * Later k steps of an A^T sliver whose places a vector store of one k step's MR values runs into (its last lane
     * lands L - 1 places on); packATransposed copies those steps after it, so they overwrite what ran over.
     */
    private static final int SPILL = (L - 1) / MR;
    /**
     * k steps of B copied per strip, see packB. 8, not 16: rows of B whose stride is a multiple of 4 KB (n =
     * 1024, 4096: the usual sizes) all fall in the same sets of L1d, and a 16-row strip kept 16 lines per set
     * alive (a row's 64-byte panel segment straddles two lines, the second read again for the next panel)
     * where L1d has 8 ways. Four alternating rounds of `bench gemm` (AMD EPYC family 25 model 17, Zen 4, JDK
     * 17.0.15, one thread), medians 16 -> 8: 32 x 1024 x 128 at AVX2 width 71.1 -> 81.8 GFLOP/s, 64 x 4096 x 512
     * 82.1 -> 85.8; at 512 bits 90.6 -> 92.0 and 94.4 -> 94.9; 256^3 level at both (docs/kernels.md).
     */
    private static final int ROWS_PER_STRIP = 8;

    private GemmPacking() {
    }

    /**
     * op(A) rows [i0, i0 + mc), columns [p0, p0 + kc) into slivers of h = {@link KernelShape#sliverRows}
     * rows each (MR, or MR_SMALL near the end of the block); the sliver starting at row i of the block
     * holds h values per k step: dst[i*kc + p*h + r] = op(A)[i0 + i + r, p0 + p], zero past row mc.
     * Padded rows never exceed roundUp(mc, MR) + MR_SMALL.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int mc, int p0, int kc, float[] dst) {
        packA(transA, a, aOff, lda, i0, mc, p0, kc, dst, 0);
    }

    /** As above, the slivers written from dst[dstOff] on. */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int mc, int p0, int kc, float[] dst,
                      int dstOff) {
        if (transA) {
            packATransposed(a, aOff, lda, i0, mc, p0, kc, dst, dstOff);
            return;
        }
        for (int i = 0, h; i < mc; i += h) {
            h = KernelShape.sliverRows(mc - i);
            int rows = Math.min(h, mc - i);
            int d = dstOff + i * kc;
            int iBase = i0 + i;
            if (MR >= 5 && rows == MR) {
                // A stored (m, k), the 5- or 6-row sliver of 16-register targets: the rows side by side, one k step
                // at a time, so the sliver is written in order (writing one row at a time with stride h cost ~2
                // cycles per element: 8% of 256^3 at 256 bits, Zen 5). Named row starts and an index that
                // advances by MR: a scratch harness (96 x 256 from 256 x 256, -XX:UseAVX=2, AMD EPYC family 25
                // model 17, JDK 17.0.15) copied a block in 8.1-9.2 us where the loop over r took 10.3-19.0.
                // MR is a static final: C2 drops the sixth row's code for 5-row tiles.
                int s0 = aOff + iBase * lda + p0, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda, s4 = s3 + lda;
                int s5 = s4 + lda;
                for (int p = 0, dp = d; p < kc; p++, dp += MR) {
                    float v0 = a[s0 + p], v1 = a[s1 + p], v2 = a[s2 + p], v3 = a[s3 + p], v4 = a[s4 + p];
                    dst[dp] = v0;
                    dst[dp + 1] = v1;
                    dst[dp + 2] = v2;
                    dst[dp + 3] = v3;
                    dst[dp + 4] = v4;
                    if (MR == 6) {
                        dst[dp + 5] = a[s5 + p];
                    }
                }
            } else if (rows == MR) {
                // A stored (m, k): the MR rows side by side, one k step at a time, so the sliver is written
                // in order
                int src = aOff + iBase * lda + p0;
                for (int p = 0; p < kc; p++) {
                    int dp = d + p * MR;
                    for (int r = 0; r < MR; r++) {
                        dst[dp + r] = a[src + r * lda + p];
                    }
                }
            } else {
                for (int r = 0; r < h; r++) {
                    if (r < rows) {
                        int src = aOff + (iBase + r) * lda + p0;
                        for (int p = 0; p < kc; p++) {
                            dst[d + p * h + r] = a[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            dst[d + p * h + r] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * A^T stored (k, m): each k step's mc values lie side by side in one stored row, so the block is copied row
     * by row, k outside and the slivers inside, each row's segment read once from start to end. Walking one
     * sliver down all kc rows instead (MR values per row) stepped by lda, and at lda = 1024 or 4096 (the gate
     * gradients of H = 256 and 1024) every row fell into the same L1d set of 8 ways, so each of the block's
     * slivers fetched its rows again from L2: that loop took 9 % of the samples of the default char-LM training
     * step at one thread (JFR, AMD EPYC family 25 model 1, Zen 3, AVX2, JDK 17.0.15), the weight gradients'
     * dY^T . X with k = T x B.
     * <p>
     * The full MR-row slivers (found once per block, not per k step) take each k step's MR values as one vector
     * of the kernels' species, stored over the next SPILL steps' places too (those steps then overwrite them; the
     * last SPILL steps, and targets with fewer lanes than MR, copy MR scalars). A 2048 x 4096 A^T packed in the
     * GEMM's 96 x 256 blocks (a scratch harness, one thread, medians; AMD EPYC family 26 model 2, Zen 5, JDK
     * 17.0.15): 0.93-1.00 -> 0.40-0.44 ns per element at 512 bits, 0.89-0.90 -> 0.35 at AVX2 width; finding the
     * slivers once alone made 0.62-0.70. `bench gemm --m 4096 --n 1024 --k 2048 --trans-a` (S4's dW_hh), one
     * thread, alternating: 136.8 / 147.2 -> 153.5 / 151.2 GFLOP/s at 512 bits, level at AVX2 width (88.2 / 86.0
     * -> 87.2 / 86.3). A second species (256-bit vectors beside the kernels' 512-bit ones) was not intrinsified
     * in the GEMM's compile of this method: 54 GB allocated per call of that shape, 3.5 GFLOP/s.
     */
    private static void packATransposed(float[] a, int aOff, int lda, int i0, int mc, int p0, int kc, float[] dst,
                                        int dstOff) {
        int fullRows = 0; // the block's leading slivers of MR rows, the same at every k step
        while (fullRows + MR <= mc && KernelShape.sliverRows(mc - fullRows) == MR) {
            fullRows += MR;
        }
        for (int p = 0; p < kc; p++) {
            int src = aOff + (p0 + p) * lda + i0;
            // two loops, not one with the choice inside it: that form ran 0.90-0.98 ns per element (the harness above)
            if (L >= MR && p + SPILL < kc && src + fullRows - MR + L <= a.length) {
                for (int i = 0, dp = dstOff + p * MR; i < fullRows; i += MR, dp += MR * kc) {
                    FloatVector.fromArray(S, a, src + i).intoArray(dst, dp);
                }
            } else {
                for (int i = 0, dp = dstOff + p * MR; i < fullRows; i += MR, dp += MR * kc) {
                    for (int r = 0; r < MR; r++) { // MR is a constant: C2 unrolls the copy
                        dst[dp + r] = a[src + i + r];
                    }
                }
            }
            for (int i = fullRows, h; i < mc; i += h) {
                h = KernelShape.sliverRows(mc - i);
                int rows = Math.min(h, mc - i);
                int dp = dstOff + i * kc + p * h;
                if (rows == MR) { // MR is a constant: C2 unrolls the copy
                    for (int r = 0; r < MR; r++) {
                        dst[dp + r] = a[src + i + r];
                    }
                } else {
                    for (int r = 0; r < rows; r++) {
                        dst[dp + r] = a[src + i + r];
                    }
                    for (int r = rows; r < h; r++) {
                        dst[dp + r] = 0f;
                    }
                }
            }
        }
    }

    /**
     * op(B) rows [p0, p0 + kc), columns [j0, j0 + nc) into ceil(nc / NR) panels (kc, NR):
     * dst[q*kc*NR + p*NR + j] = op(B)[p0 + p, j0 + q*NR + j], zero past column nc.
     * For B^T, gather (when not null) is the index map {0, ldb, 2*ldb, ...} of NR stored rows.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc, float[] dst,
                      int[] gather) {
        packB(transB, b, bOff, ldb, p0, kc, j0, nc, dst, 0, gather);
    }

    /** As above, the panels written from dst[dstOff] on. */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc, float[] dst,
                      int dstOff, int[] gather) {
        int full = transB ? 0 : nc / NR;
        if (full > 0) {
            // B stored (k, n): each k step of a panel is NR contiguous floats, a vector copy. In strips of
            // ROWS_PER_STRIP k steps, panel by panel: the strip's rows are read as that many sequential
            // streams (the hardware prefetchers follow them; one line from each of KC rows was not) and
            // each panel's part is written as one contiguous run. Row by row across all panels wrote
            // `full` lines kc * NR floats apart (16 KiB at 6x16), all in one L1 set: at 256 bits on Zen 5,
            // 256 x 256 took 21.7 us that way and 5.0 us in strips of 16 (6% of a 256^3 GEMM), 256 x 1024
            // 147 us vs 39, 256 x 64 1.7 us vs 1.3 (PackBench scratch harness, one thread, -XX:UseAVX=2). Strips
            // of 8 since the fourteenth session (ROWS_PER_STRIP).
            for (int ps = 0; ps < kc; ps += ROWS_PER_STRIP) {
                int pe = Math.min(kc, ps + ROWS_PER_STRIP);
                for (int q = 0; q < full; q++) {
                    int dq = dstOff + q * kc * NR;
                    int src = bOff + p0 * ldb + j0 + q * NR;
                    for (int p = ps; p < pe; p++) {
                        for (int v = 0; v < NR; v += L) {
                            FloatVector.fromArray(S, b, src + p * ldb + v).intoArray(dst, dq + p * NR + v);
                        }
                    }
                }
            }
        }
        for (int q = full; q * NR < nc; q++) {
            int cols = Math.min(NR, nc - q * NR);
            int d = dstOff + q * kc * NR;
            int jBase = j0 + q * NR;
            if (!transB) {
                // the edge panel: cols < NR columns, zero-padded
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (p0 + p) * ldb + jBase;
                    int dp = d + p * NR;
                    for (int j = 0; j < cols; j++) {
                        dst[dp + j] = b[src + j];
                    }
                    for (int j = cols; j < NR; j++) {
                        dst[dp + j] = 0f;
                    }
                }
            } else {
                if (cols == NR && gather != null) {
                    // B^T stored (n, k): a transpose. Each k step of the panel is one gather per vector
                    // from NR stored rows (the index map holds j * ldb); the scalar transpose below needs a
                    // load and a store per element and ran at about one element per cycle.
                    int src = bOff + jBase * ldb + p0;
                    for (int p = 0; p < kc; p++) {
                        int dp = d + p * NR;
                        for (int v = 0; v < NR; v += L) {
                            FloatVector.fromArray(S, b, src + p, gather, v).intoArray(dst, dp + v);
                        }
                    }
                    continue;
                }
                // B^T stored (n, k), edge panel: a scalar transpose in strips of 16 k steps (one 64-byte
                // line of each stored row), so the strip being written, 16 * NR floats = 1-4 KiB, stays in
                // L1; writing whole k columns at a time swept the 64 KiB panel through L1 NR times.
                for (int p = 0; p < kc; p += 16) {
                    int pe = Math.min(kc, p + 16);
                    for (int j = 0; j < cols; j++) {
                        int src = bOff + (jBase + j) * ldb + p0;
                        for (int pp = p; pp < pe; pp++) {
                            dst[d + pp * NR + j] = b[src + pp];
                        }
                    }
                    for (int j = cols; j < NR; j++) {
                        for (int pp = p; pp < pe; pp++) {
                            dst[d + pp * NR + j] = 0f;
                        }
                    }
                }
            }
        }
    }
}
