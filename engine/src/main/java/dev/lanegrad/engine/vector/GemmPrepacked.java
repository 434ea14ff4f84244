package dev.lanegrad.engine.vector;

import dev.lanegrad.engine.Checks;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

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

    private static final VectorSpecies<Float> S = KernelShape.SPECIES;
    private static final int L = KernelShape.LANES;

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

    static void multiply(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                         float[] packed, int packedOff, float beta, float[] c, int cOff, int ldc) {
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
            VectorGemm.scale(m, n, beta, c, cOff, ldc);
            return;
        }
        GemmWorkspace ws = GemmWorkspace.get();
        if (m == 1) {
            gemv(n, k, alpha, a, aOff, packed, packedOff, beta, c, cOff, ws.tile);
            return;
        }
        int nPad = roundUp(n, NR);
        int mcMax = Math.min(MC, m);
        float[] pa = ws.packA(Math.min(KC, k) * (roundUp(mcMax, MR) + KernelShape.MR_SMALL));
        float[] edge = ws.tile;
        for (int ic = 0; ic < m; ic += MC) {
            int mc = Math.min(MC, m - ic);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float betaBlock = pc == 0 ? beta : 1f;
                GemmPacking.packA(false, a, aOff, lda, ic, mc, pc, kc, pa);
                int block = packedOff + pc * nPad;
                // each panel (kc, NR) is read once per A block and used by all its slivers, from L1
                for (int jr = 0; jr < n; jr += NR) {
                    int cols = Math.min(NR, n - jr);
                    int bIdx = block + jr * kc;
                    for (int ir = 0, h; ir < mc; ir += h) {
                        h = KernelShape.sliverRows(mc - ir);
                        GemmMicroKernel.tile(kc, h, pa, ir * kc, packed, bIdx, alpha, betaBlock,
                                c, cOff + (ic + ir) * ldc + jr, ldc, Math.min(h, mc - ir), cols, edge);
                    }
                }
            }
        }
    }

    /**
     * One row: c (1, n) = alpha * a (1, k) @ P + beta * c. Each NR-column panel is summed in registers over
     * its whole k block, so every FMA costs one load of P (the unpacked GEMV over a stored B^T row-major
     * reloads and stores its accumulator row per k step). 8 FMA chains in flight (two FMA pipes times a
     * 4-cycle latency): 4-vector panels (32 registers) take 2 k steps at a time, 2-vector panels (16
     * registers) take 4, so both keep 8 accumulators + 2-4 broadcasts, at most 12 live vectors.
     */
    private static void gemv(int n, int k, float alpha, float[] a, int aOff, float[] packed, int packedOff,
                             float beta, float[] c, int cOff, float[] edge) {
        final int nPad = roundUp(n, NR);
        for (int pc = 0; pc < k; pc += KC) {
            final int kc = Math.min(KC, k - pc);
            final float betaBlock = pc == 0 ? beta : 1f;
            final int block = packedOff + pc * nPad;
            final int x0 = aOff + pc;
            for (int jr = 0; jr < n; jr += NR) {
                if (KernelShape.NV == 4) { // a static final: C2 compiles one branch
                    panel4(kc, a, x0, packed, block + jr * kc, edge);
                } else {
                    panel2(kc, a, x0, packed, block + jr * kc, edge);
                }
                int cols = Math.min(NR, n - jr);
                int ci = cOff + jr;
                if (cols == NR) {
                    for (int v = 0; v < NR; v += L) {
                        FloatVector t = FloatVector.fromArray(S, edge, v).mul(alpha);
                        if (betaBlock != 0f) {
                            t = FloatVector.fromArray(S, c, ci + v).mul(betaBlock).add(t);
                        }
                        t.intoArray(c, ci + v);
                    }
                } else {
                    for (int j = 0; j < cols; j++) { // scalar edge of C
                        c[ci + j] = betaBlock == 0f ? alpha * edge[j] : alpha * edge[j] + betaBlock * c[ci + j];
                    }
                }
            }
        }
    }

    /** edge (1, NR) = x (1, kc) from x0 @ one 4-vector panel (kc, NR) at b: even and odd k steps apart. */
    private static void panel4(int kc, float[] a, int x0, float[] packed, int b, float[] edge) {
        FloatVector e0 = FloatVector.zero(S), e1 = e0, e2 = e0, e3 = e0;
        FloatVector o0 = e0, o1 = e0, o2 = e0, o3 = e0;
        int p = 0;
        for (; p + 1 < kc; p += 2) {
            int bo = b + p * NR;
            FloatVector xe = FloatVector.broadcast(S, a[x0 + p]);
            FloatVector xo = FloatVector.broadcast(S, a[x0 + p + 1]);
            e0 = FloatVector.fromArray(S, packed, bo).fma(xe, e0);
            e1 = FloatVector.fromArray(S, packed, bo + L).fma(xe, e1);
            e2 = FloatVector.fromArray(S, packed, bo + 2 * L).fma(xe, e2);
            e3 = FloatVector.fromArray(S, packed, bo + 3 * L).fma(xe, e3);
            o0 = FloatVector.fromArray(S, packed, bo + NR).fma(xo, o0);
            o1 = FloatVector.fromArray(S, packed, bo + NR + L).fma(xo, o1);
            o2 = FloatVector.fromArray(S, packed, bo + NR + 2 * L).fma(xo, o2);
            o3 = FloatVector.fromArray(S, packed, bo + NR + 3 * L).fma(xo, o3);
        }
        if (p < kc) { // odd k block: the last step
            int bo = b + p * NR;
            FloatVector xe = FloatVector.broadcast(S, a[x0 + p]);
            e0 = FloatVector.fromArray(S, packed, bo).fma(xe, e0);
            e1 = FloatVector.fromArray(S, packed, bo + L).fma(xe, e1);
            e2 = FloatVector.fromArray(S, packed, bo + 2 * L).fma(xe, e2);
            e3 = FloatVector.fromArray(S, packed, bo + 3 * L).fma(xe, e3);
        }
        e0.add(o0).intoArray(edge, 0);
        e1.add(o1).intoArray(edge, L);
        e2.add(o2).intoArray(edge, 2 * L);
        e3.add(o3).intoArray(edge, 3 * L);
    }

    /** edge (1, NR) = x (1, kc) from x0 @ one 2-vector panel (kc, NR) at b: four k steps apart. */
    private static void panel2(int kc, float[] a, int x0, float[] packed, int b, float[] edge) {
        FloatVector p0 = FloatVector.zero(S), p1 = p0, q0 = p0, q1 = p0;
        FloatVector r0 = p0, r1 = p0, s0 = p0, s1 = p0;
        int p = 0;
        for (; p + 3 < kc; p += 4) {
            int bo = b + p * NR;
            FloatVector x = FloatVector.broadcast(S, a[x0 + p]);
            p0 = FloatVector.fromArray(S, packed, bo).fma(x, p0);
            p1 = FloatVector.fromArray(S, packed, bo + L).fma(x, p1);
            x = FloatVector.broadcast(S, a[x0 + p + 1]);
            q0 = FloatVector.fromArray(S, packed, bo + NR).fma(x, q0);
            q1 = FloatVector.fromArray(S, packed, bo + NR + L).fma(x, q1);
            x = FloatVector.broadcast(S, a[x0 + p + 2]);
            r0 = FloatVector.fromArray(S, packed, bo + 2 * NR).fma(x, r0);
            r1 = FloatVector.fromArray(S, packed, bo + 2 * NR + L).fma(x, r1);
            x = FloatVector.broadcast(S, a[x0 + p + 3]);
            s0 = FloatVector.fromArray(S, packed, bo + 3 * NR).fma(x, s0);
            s1 = FloatVector.fromArray(S, packed, bo + 3 * NR + L).fma(x, s1);
        }
        for (; p < kc; p++) { // the last kc % 4 steps
            int bo = b + p * NR;
            FloatVector x = FloatVector.broadcast(S, a[x0 + p]);
            p0 = FloatVector.fromArray(S, packed, bo).fma(x, p0);
            p1 = FloatVector.fromArray(S, packed, bo + L).fma(x, p1);
        }
        p0.add(q0).add(r0.add(s0)).intoArray(edge, 0);
        p1.add(q1).add(r1.add(s1)).intoArray(edge, L);
    }

    private static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }
}
