package dev.lanegrad.engine.vector;

/**
 * Per-thread packing buffers of the SIMD GEMM: allocated on a thread's first call, grown when a
 * larger block is needed, then reused, so a steady stream of GEMM calls allocates nothing.
 * One instance per thread (a ThreadLocal in {@link VectorGemm}), so many threads may call sgemm at once.
 */
final class GemmWorkspace {

    private static final ThreadLocal<GemmWorkspace> LOCAL = ThreadLocal.withInitial(GemmWorkspace::new);

    /** Packed A block: MR-row slivers, each (kc, MR) with the MR values of one k step side by side. */
    float[] packA = new float[0];
    /** Packed B block: NR-column panels, each (kc, NR) with the NR values of one k step side by side. */
    float[] packB = new float[0];
    /** A contiguous copy of a strided GEMV vector, or one unit block's rows of W being packed for the fused LSTM step. */
    float[] vec = new float[0];
    /** One spilled register tile (MR, NR) of the GEMM, or the 8 vectors of a GemmRowKernel row, scaled into C from here. */
    final float[] tile = new float[KernelShape.TILE_SCRATCH];
    /** A second register tile: the hidden product's sums beside the input product's in the fused LSTM step. */
    final float[] tile2 = new float[KernelShape.TILE_SCRATCH];
    /** The fused LSTM step's pre-activations and activations of one unit block (GemmLstmStep). */
    private float[] gates = new float[0];

    /** Gather index map {0, ldb, 2*ldb, ...} for transposing NR rows of a stored B^T; rebuilt when ldb changes. */
    private final int[] gather = new int[GemmMicroKernel.NR];
    private int gatherLd = -1;

    static GemmWorkspace get() {
        return LOCAL.get();
    }

    float[] packA(int size) {
        if (packA.length < size) {
            packA = new float[size];
        }
        return packA;
    }

    float[] packB(int size) {
        if (packB.length < size) {
            packB = new float[size];
        }
        return packB;
    }

    int[] gather(int ldb) {
        if (gatherLd != ldb) {
            for (int j = 0; j < gather.length; j++) {
                gather[j] = j * ldb;
            }
            gatherLd = ldb;
        }
        return gather;
    }

    /** A scratch row: a GEMV's n accumulators, or addColumnSums' block and total rows (VectorArrayOps). */
    float[] acc = new float[0];

    float[] acc(int size) {
        if (acc.length < size) {
            acc = new float[size];
        }
        return acc;
    }

    float[] gates(int size) {
        if (gates.length < size) {
            gates = new float[size];
        }
        return gates;
    }

    float[] vec(int size) {
        if (vec.length < size) {
            vec = new float[size];
        }
        return vec;
    }
}
