package dev.lanegrad.engine.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner kernel of the SIMD GEMM: one (MR, NR) tile of C from a packed A sliver
 * and a packed B panel. The tile is {@link KernelShape}'s choice for the register count:
 *
 * <pre>
 * Ap (kc, MR) packed, Ap[p*MR + r] = op(A)[i0 + r, p0 + p]
 * Bp (kc, NR) packed, Bp[p*NR + j] = op(B)[p0 + p, j0 + j]
 * C[i0 + r, j0 + j] = alpha * sum_p Ap[p, r] * Bp[p, j] + beta * C[i0 + r, j0 + j]   (r < rows, j < cols)
 * </pre>
 *
 * 32 registers (AVX-512, NEON): 6 rows x 4 vectors, 24 accumulators + 4 B vectors + 1 broadcast = 29; each k
 * step does 4 vector loads and 6 scalar broadcasts for 24 FMAs (KernelShape says why 6 rows and not 4). The
 * 4 x 4 tile serves the bottom edge of an A block, and every full sliver when -Dlanegrad.vector.tileRows=4.
 * 16 registers (AVX2, SSE): 6 or 5 rows x 2 vectors (KernelShape says which JDK gets which), 12 or 10
 * accumulators + 2 B vectors + the broadcasts; 10-12 FMA chains still cover a 4-cycle latency at two FMAs per
 * cycle.
 * The packed operands are read with unit or constant stride, so C2 removes B's bounds checks from the k loop.
 * On a 32-register target the slivers of a stored A (all its rows but 1-3, KernelShape.inPlaceRows) are read
 * where they lie instead ({@link #tileInPlace}), in the blocked GEMM, the prepacked products and the fused LSTM step.
 */
final class GemmMicroKernel {

    static final VectorSpecies<Float> S = KernelShape.SPECIES;
    static final int L = KernelShape.LANES;
    /** Rows of the register tile. */
    static final int MR = KernelShape.MR;
    /** Columns of the register tile: KernelShape.NV vectors. */
    static final int NR = KernelShape.NR;

    /**
     * Zeros the accumulators start from, one load per accumulator. Starting all of them from one
     * FloatVector.zero(S) made every accumulator's loop phi share one input, and C2's register allocator
     * then sometimes (about one JVM in two, depending on the profile it compiled with) copied and spilled
     * two of the twelve 6x2 accumulators to the stack inside the k loop: 256^3 at 256 bits with 16 registers
     * (-XX:UseAVX=2, Zen 5) ran at 39-42 GFLOP/s in those JVMs and 88-96 in the others. Distinct loads
     * gave the clean 44-instruction loop (12 FMAs, no stack access) in every JVM inspected (28 of 28).
     */
    private static final float[] ZEROS = new float[24 * L];

    private GemmMicroKernel() {
    }

    /**
     * One tile: C (rows, cols) at cIdx with row stride ldc, rows <= MR, cols <= NR. The packed slivers
     * are zero-padded, so the k loop always computes the full tile; only the store looks at the edge.
     * beta == 0 overwrites C without reading it. edge: per-thread scratch of MR * NR floats.
     */
    static void tile(int kc, int h, float[] ap, int aIdx, float[] bp, int bIdx,
                     float alpha, float beta, float[] c, int cIdx, int ldc, int rows, int cols, float[] edge) {
        kernel(kc, h, ap, aIdx, bp, bIdx, edge);
        update(edge, alpha, beta, c, cIdx, ldc, rows, cols, h);
    }

    /**
     * One tile over a packed block of kc steps summed as separate FMA chains of {@code chain} steps each
     * (chain < kc): exactly the operations of kc / chain calls of {@link #tile}, later chains at beta 1, run
     * one after another on the same tile, so its lines of C stay in L1 between chains and C is passed over
     * once per packed block instead of once per chain. For the weight gradients' 64-deep chains
     * (KernelShape.KC_LONG) in 256-deep blocks that is a quarter of the passes over C; the passes over a
     * 4096 x 1024 gradient (16 MB, sixteen times L2) had taken 17 % of an S4 LSTM training step at AVX2 width
     * (AMD EPYC family 25 model 17, Zen 4, 2 cores, JDK 17.0.15; docs/kernels.md). The tile used to run in a
     * scratch sum copied from and back to C with System.arraycopy, 12 short copies per tile at AVX2 width:
     * 8 % of the samples of 4096 x 1024 x 2048 A^T.
     */
    static void tileChained(int kc, int chain, int h, float[] ap, int aIdx, float[] bp, int bIdx,
                            float alpha, float beta, float[] c, int cIdx, int ldc, int rows, int cols, float[] edge) {
        for (int s = 0; s < kc; s += chain) {
            kernel(Math.min(chain, kc - s), h, ap, aIdx + s * h, bp, bIdx + s * NR, edge);
            update(edge, alpha, s == 0 ? beta : 1f, c, cIdx, ldc, rows, cols, h);
        }
    }

    /** The register tile's k loop for a sliver of h rows, into edge (h, NR). */
    static void kernel(int kc, int h, float[] ap, int aIdx, float[] bp, int bIdx, float[] edge) {
        if (!KernelShape.SIXTEEN_REGISTERS) { // static finals: C2 compiles one branch
            if (MR == 6 && h == 6) {
                tile6x4(kc, ap, aIdx, 1, 6, bp, bIdx, edge);
            } else {
                tile4x4(kc, ap, aIdx, 1, 4, bp, bIdx, edge);
            }
        } else if (h == MR && MR == 6) {
            tile6x2(kc, ap, aIdx, bp, bIdx, edge);
        } else if (h == MR) {
            tile5x2(kc, ap, aIdx, bp, bIdx, edge);
        } else {
            tile4x2(kc, ap, aIdx, bp, bIdx, edge);
        }
    }

    /** 4 rows x 2 vectors into edge (4, NR), the bottom-edge tile of 16-register targets: 11 live vectors. */
    private static void tile4x2(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float[] edge) {
        FloatVector c00 = FloatVector.fromArray(S, ZEROS, 0), c01 = FloatVector.fromArray(S, ZEROS, L);
        FloatVector c10 = FloatVector.fromArray(S, ZEROS, 2 * L), c11 = FloatVector.fromArray(S, ZEROS, 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, ZEROS, 4 * L), c21 = FloatVector.fromArray(S, ZEROS, 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, ZEROS, 6 * L), c31 = FloatVector.fromArray(S, ZEROS, 7 * L);
        for (int bo = bIdx, ao = aIdx, end = bIdx + kc * NR; bo < end; bo += NR, ao += 4) { // counted as tile6x2's
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a = FloatVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
        }
        c00.intoArray(edge, 0);
        c01.intoArray(edge, L);
        c10.intoArray(edge, NR);
        c11.intoArray(edge, NR + L);
        c20.intoArray(edge, 2 * NR);
        c21.intoArray(edge, 2 * NR + L);
        c30.intoArray(edge, 3 * NR);
        c31.intoArray(edge, 3 * NR + L);
    }

    /**
     * 6 rows x 2 vectors into edge (6, NR): 15 live vectors, for 16-register targets on JDK 17 (KernelShape
     * says why). One method per tile, each small: a larger body hit NodeCountInliningCutoff, and a vector
     * passed to a method that was not inlined is boxed on the heap.
     * <p>
     * The loop counts with B's index itself (bo up to bIdx + kc * NR) and advances ao by MR beside it: two
     * induction variables, not three. C2 removes the range checks of an index that is linear in the loop's own
     * counter, so B's two vector loads run unchecked (A's two checks stay); with a separate step counter p it
     * kept B's checks and the counter's arithmetic in the loop, and from {@code aIdx + p * 6} (two shifts
     * recomputed every k step) A's checks as well. Alone, operands in L1 (AMD EPYC family 25 model 17, Zen 4,
     * -XX:UseAVX=2, JDK 17.0.15, a scratch harness, k = 256): 110-116 GFLOP/s against 108-109 with the counter
     * and 83-96 with {@code p * 6}, of a ymm FMA peak of 117; in the GEMM (docs/kernels.md, sixteenth session)
     * 256^3 96 -> 100 GFLOP/s and 1024^3 99 -> 105. A core that dispatches 6 operations per cycle (Zen 3 and 4)
     * must issue this loop's 12 FMAs and ~20 other instructions in 6 cycles, so every one of them counts. Their
     * bytes count too: C2 emits 162 bytes per k step, and a front end delivering 16 bytes per cycle (the model
     * that fits this loop's slow state on a Zen 3 host, 52-56 GFLOP/s against ~90 from the op cache: AMD EPYC
     * family 25 model 1, AVX2, JDK 17.0.15; docs/kernels.md) needs ~10 cycles for them.
     */
    private static void tile6x2(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float[] edge) {
        FloatVector c00 = FloatVector.fromArray(S, ZEROS, 0), c01 = FloatVector.fromArray(S, ZEROS, L);
        FloatVector c10 = FloatVector.fromArray(S, ZEROS, 2 * L), c11 = FloatVector.fromArray(S, ZEROS, 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, ZEROS, 4 * L), c21 = FloatVector.fromArray(S, ZEROS, 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, ZEROS, 6 * L), c31 = FloatVector.fromArray(S, ZEROS, 7 * L);
        FloatVector c40 = FloatVector.fromArray(S, ZEROS, 8 * L), c41 = FloatVector.fromArray(S, ZEROS, 9 * L);
        FloatVector c50 = FloatVector.fromArray(S, ZEROS, 10 * L), c51 = FloatVector.fromArray(S, ZEROS, 11 * L);
        for (int bo = bIdx, ao = aIdx, end = bIdx + kc * NR; bo < end; bo += NR, ao += 6) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a = FloatVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
        }
        // the accumulators go to the per-thread scratch tile; update() scales/adds them into C
        c00.intoArray(edge, 0);
        c01.intoArray(edge, L);
        c10.intoArray(edge, NR);
        c11.intoArray(edge, NR + L);
        c20.intoArray(edge, 2 * NR);
        c21.intoArray(edge, 2 * NR + L);
        c30.intoArray(edge, 3 * NR);
        c31.intoArray(edge, 3 * NR + L);
        c40.intoArray(edge, 4 * NR);
        c41.intoArray(edge, 4 * NR + L);
        c50.intoArray(edge, 5 * NR);
        c51.intoArray(edge, 5 * NR + L);
    }

    /**
     * 5 rows x 2 vectors into edge (5, NR): 10 accumulators, for 16-register targets on JDKs after 17, as
     * {@link #tile6x2} without its last row. Its own method, not tile6x2 with the sixth row under a static-final
     * condition: C2 drops that row's FMAs, but its two accumulators are still live locals of the bytecode, so the
     * loop's safepoint kept them (one in a register, one loaded and stored every k step): on Temurin 25 at two
     * threads 1024^3 ran at 107 GFLOP/s that way and at 186-188 as this method (AMD EPYC family 25 model 17,
     * -XX:UseAVX=2, docs/kernels.md).
     */
    private static void tile5x2(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float[] edge) {
        FloatVector c00 = FloatVector.fromArray(S, ZEROS, 0), c01 = FloatVector.fromArray(S, ZEROS, L);
        FloatVector c10 = FloatVector.fromArray(S, ZEROS, 2 * L), c11 = FloatVector.fromArray(S, ZEROS, 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, ZEROS, 4 * L), c21 = FloatVector.fromArray(S, ZEROS, 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, ZEROS, 6 * L), c31 = FloatVector.fromArray(S, ZEROS, 7 * L);
        FloatVector c40 = FloatVector.fromArray(S, ZEROS, 8 * L), c41 = FloatVector.fromArray(S, ZEROS, 9 * L);
        for (int bo = bIdx, ao = aIdx, end = bIdx + kc * NR; bo < end; bo += NR, ao += 5) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a = FloatVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
        }
        c00.intoArray(edge, 0);
        c01.intoArray(edge, L);
        c10.intoArray(edge, NR);
        c11.intoArray(edge, NR + L);
        c20.intoArray(edge, 2 * NR);
        c21.intoArray(edge, 2 * NR + L);
        c30.intoArray(edge, 3 * NR);
        c31.intoArray(edge, 3 * NR + L);
        c40.intoArray(edge, 4 * NR);
        c41.intoArray(edge, 4 * NR + L);
    }

    /**
     * One tile of a 32-register target with A read in place: rows i0..i0+h-1 (h = MR or MR_SMALL) of a stored A
     * (row stride lda) from aIdx = A[i0, p0] instead of a packed sliver; the same operations as {@link #tile}.
     */
    static void tileInPlace(int kc, int h, float[] a, int aIdx, int lda, float[] bp, int bIdx,
                            float alpha, float beta, float[] c, int cIdx, int ldc, int cols, float[] edge) {
        sumInPlace(kc, h, a, aIdx, lda, bp, bIdx, edge);
        update(edge, alpha, beta, c, cIdx, ldc, h, cols, h);
    }

    /** The sums of {@link #tileInPlace} into edge (h, NR), for a caller that adds them into C itself. */
    static void sumInPlace(int kc, int h, float[] a, int aIdx, int lda, float[] bp, int bIdx, float[] edge) {
        if (MR == 6 && h == 6) {
            tile6x4(kc, a, aIdx, lda, 1, bp, bIdx, edge);
        } else {
            tile4x4(kc, a, aIdx, lda, 1, bp, bIdx, edge);
        }
    }

    /**
     * 4 rows x 4 vectors into edge (4, NR): 21 live vectors, the bottom-edge tile of 32-register targets (and the
     * full one under -Dlanegrad.vector.tileRows=4). Row r's value of k step p is ap[aIdx + p * aStep + r * aRow]: a
     * packed sliver (aRow 1, aStep 4) or A in place (aRow lda, aStep 1). Too large to inline (822 bytecodes), so
     * the strides stay arguments; the loop has issue slots to spare for their arithmetic (with its operands in L1
     * it ran at the FMA peak on a Zen 5 core's 512-bit units, docs/kernels.md).
     */
    private static void tile4x4(int kc, float[] ap, int aIdx, int aRow, int aStep, float[] bp, int bIdx, float[] edge) {
        FloatVector c00 = FloatVector.fromArray(S, ZEROS, 0), c01 = FloatVector.fromArray(S, ZEROS, L), c02 = FloatVector.fromArray(S, ZEROS, 2 * L), c03 = FloatVector.fromArray(S, ZEROS, 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, ZEROS, 4 * L), c11 = FloatVector.fromArray(S, ZEROS, 5 * L), c12 = FloatVector.fromArray(S, ZEROS, 6 * L), c13 = FloatVector.fromArray(S, ZEROS, 7 * L);
        FloatVector c20 = FloatVector.fromArray(S, ZEROS, 8 * L), c21 = FloatVector.fromArray(S, ZEROS, 9 * L), c22 = FloatVector.fromArray(S, ZEROS, 10 * L), c23 = FloatVector.fromArray(S, ZEROS, 11 * L);
        FloatVector c30 = FloatVector.fromArray(S, ZEROS, 12 * L), c31 = FloatVector.fromArray(S, ZEROS, 13 * L), c32 = FloatVector.fromArray(S, ZEROS, 14 * L), c33 = FloatVector.fromArray(S, ZEROS, 15 * L);
        for (int bo = bIdx, ao = aIdx, end = bIdx + kc * NR; bo < end; bo += NR, ao += aStep) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, bo + 3 * L);
            FloatVector a = FloatVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            c02 = a.fma(b2, c02);
            c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(S, ap[ao + aRow]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            c12 = a.fma(b2, c12);
            c13 = a.fma(b3, c13);
            a = FloatVector.broadcast(S, ap[ao + 2 * aRow]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            c22 = a.fma(b2, c22);
            c23 = a.fma(b3, c23);
            a = FloatVector.broadcast(S, ap[ao + 3 * aRow]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            c32 = a.fma(b2, c32);
            c33 = a.fma(b3, c33);
        }
        // Spill the accumulators to the per-thread scratch tile and scale/add into C from there: 32
        // extra memory operations per 16 * kc FMAs, and it keeps this method small enough for C2 to
        // inline every vector operation (a larger body hit NodeCountInliningCutoff, and a vector passed
        // to a method that was not inlined is boxed on the heap).
        c00.intoArray(edge, 0);
        c01.intoArray(edge, L);
        c02.intoArray(edge, 2 * L);
        c03.intoArray(edge, 3 * L);
        c10.intoArray(edge, NR);
        c11.intoArray(edge, NR + L);
        c12.intoArray(edge, NR + 2 * L);
        c13.intoArray(edge, NR + 3 * L);
        c20.intoArray(edge, 2 * NR);
        c21.intoArray(edge, 2 * NR + L);
        c22.intoArray(edge, 2 * NR + 2 * L);
        c23.intoArray(edge, 2 * NR + 3 * L);
        c30.intoArray(edge, 3 * NR);
        c31.intoArray(edge, 3 * NR + L);
        c32.intoArray(edge, 3 * NR + 2 * L);
        c33.intoArray(edge, 3 * NR + 3 * L);
    }

    /**
     * 6 rows x 4 vectors into edge (6, NR): 29 live vectors, the full tile of 32-register targets; A as in
     * {@link #tile4x4} (packed: aRow 1, aStep 6). Its own method beside tile4x4, not tile4x4 with two more rows under
     * a static-final condition, for the reason at {@link #tile5x2}: the unused rows' accumulators would stay live.
     */
    private static void tile6x4(int kc, float[] ap, int aIdx, int aRow, int aStep, float[] bp, int bIdx, float[] edge) {
        FloatVector c00 = FloatVector.fromArray(S, ZEROS, 0), c01 = FloatVector.fromArray(S, ZEROS, L), c02 = FloatVector.fromArray(S, ZEROS, 2 * L), c03 = FloatVector.fromArray(S, ZEROS, 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, ZEROS, 4 * L), c11 = FloatVector.fromArray(S, ZEROS, 5 * L), c12 = FloatVector.fromArray(S, ZEROS, 6 * L), c13 = FloatVector.fromArray(S, ZEROS, 7 * L);
        FloatVector c20 = FloatVector.fromArray(S, ZEROS, 8 * L), c21 = FloatVector.fromArray(S, ZEROS, 9 * L), c22 = FloatVector.fromArray(S, ZEROS, 10 * L), c23 = FloatVector.fromArray(S, ZEROS, 11 * L);
        FloatVector c30 = FloatVector.fromArray(S, ZEROS, 12 * L), c31 = FloatVector.fromArray(S, ZEROS, 13 * L), c32 = FloatVector.fromArray(S, ZEROS, 14 * L), c33 = FloatVector.fromArray(S, ZEROS, 15 * L);
        FloatVector c40 = FloatVector.fromArray(S, ZEROS, 16 * L), c41 = FloatVector.fromArray(S, ZEROS, 17 * L), c42 = FloatVector.fromArray(S, ZEROS, 18 * L), c43 = FloatVector.fromArray(S, ZEROS, 19 * L);
        FloatVector c50 = FloatVector.fromArray(S, ZEROS, 20 * L), c51 = FloatVector.fromArray(S, ZEROS, 21 * L), c52 = FloatVector.fromArray(S, ZEROS, 22 * L), c53 = FloatVector.fromArray(S, ZEROS, 23 * L);
        for (int bo = bIdx, ao = aIdx, end = bIdx + kc * NR; bo < end; bo += NR, ao += aStep) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, bo + 3 * L);
            FloatVector a = FloatVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            c02 = a.fma(b2, c02);
            c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(S, ap[ao + aRow]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            c12 = a.fma(b2, c12);
            c13 = a.fma(b3, c13);
            a = FloatVector.broadcast(S, ap[ao + 2 * aRow]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            c22 = a.fma(b2, c22);
            c23 = a.fma(b3, c23);
            a = FloatVector.broadcast(S, ap[ao + 3 * aRow]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            c32 = a.fma(b2, c32);
            c33 = a.fma(b3, c33);
            a = FloatVector.broadcast(S, ap[ao + 4 * aRow]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            c42 = a.fma(b2, c42);
            c43 = a.fma(b3, c43);
            a = FloatVector.broadcast(S, ap[ao + 5 * aRow]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            c52 = a.fma(b2, c52);
            c53 = a.fma(b3, c53);
        }
        c00.intoArray(edge, 0);
        c01.intoArray(edge, L);
        c02.intoArray(edge, 2 * L);
        c03.intoArray(edge, 3 * L);
        c10.intoArray(edge, NR);
        c11.intoArray(edge, NR + L);
        c12.intoArray(edge, NR + 2 * L);
        c13.intoArray(edge, NR + 3 * L);
        c20.intoArray(edge, 2 * NR);
        c21.intoArray(edge, 2 * NR + L);
        c22.intoArray(edge, 2 * NR + 2 * L);
        c23.intoArray(edge, 2 * NR + 3 * L);
        c30.intoArray(edge, 3 * NR);
        c31.intoArray(edge, 3 * NR + L);
        c32.intoArray(edge, 3 * NR + 2 * L);
        c33.intoArray(edge, 3 * NR + 3 * L);
        c40.intoArray(edge, 4 * NR);
        c41.intoArray(edge, 4 * NR + L);
        c42.intoArray(edge, 4 * NR + 2 * L);
        c43.intoArray(edge, 4 * NR + 3 * L);
        c50.intoArray(edge, 5 * NR);
        c51.intoArray(edge, 5 * NR + L);
        c52.intoArray(edge, 5 * NR + 2 * L);
        c53.intoArray(edge, 5 * NR + 3 * L);
    }

    /** C (rows, cols) = alpha * tile + beta * C, vectorized for a full tile, scalar at the edges of C. */
    private static void update(float[] edge, float alpha, float beta, float[] c, int cIdx, int ldc, int rows, int cols,
                               int h) {
        if (rows == h && cols == NR && alpha == 1f && (beta == 1f || beta == 0f)) {
            // C + tile, or the tile: the products of a layer (alpha 1, beta 0 or 1) and every chain of the weight
            // gradients after the first, without multiplying by 1 (exact: the same bits). Those two multiplications
            // sat between each chain's tile and C: 4096 x 1024 x 2048 A^T, 64-deep chains, 138.5-145.1 ->
            // 151.5-158.4 GFLOP/s (AMD EPYC family 26 model 2, Zen 5, AVX-512, JDK 17.0.15, one thread, three
            // alternating rounds of `bench gemm --trans-a`).
            for (int r = 0; r < h; r++) {
                int ci = cIdx + r * ldc;
                int ei = r * NR;
                for (int v = 0; v < NR; v += L) {
                    FloatVector t = FloatVector.fromArray(S, edge, ei + v);
                    if (beta != 0f) {
                        t = FloatVector.fromArray(S, c, ci + v).add(t);
                    }
                    t.intoArray(c, ci + v);
                }
            }
            return;
        }
        if (rows == h && cols == NR) {
            for (int r = 0; r < h; r++) {
                int ci = cIdx + r * ldc;
                int ei = r * NR;
                for (int v = 0; v < NR; v += L) {
                    FloatVector t = FloatVector.fromArray(S, edge, ei + v).mul(alpha);
                    if (beta != 0f) {
                        t = FloatVector.fromArray(S, c, ci + v).mul(beta).add(t);
                    }
                    t.intoArray(c, ci + v);
                }
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            int ci = cIdx + r * ldc;
            int ei = r * NR;
            if (beta == 0f) {
                for (int j = 0; j < cols; j++) {
                    c[ci + j] = alpha * edge[ei + j];
                }
            } else {
                for (int j = 0; j < cols; j++) {
                    c[ci + j] = alpha * edge[ei + j] + beta * c[ci + j];
                }
            }
        }
    }
}
