package dev.lanegrad.autograd;

/**
 * y = op(a) op(b), op = identity or transpose of the last two dimensions.
 * <pre>
 * a [..., m, k] (or [..., k, m] with transA)  x  b [k, n] (or [n, k] with transB)  ->  [..., m, n]
 *     2-D b: every leading dimension of a folds into m (a Linear layer on [T, B, F] is one GEMM);
 *     transA needs a 2-D or 3-D a.
 * a [B, m, k]  x  b [B, k, n]  ->  [B, m, n]     batched (a 2-D a is shared by every batch entry)
 * </pre>
 * Backward, without materialising a transpose (GEMM takes transposed operands):
 * d op(a) = dy op(b)^T and d op(b) = op(a)^T dy, each accumulated with beta = 1.
 */
final class MatMul extends Node.Binary {

    private final boolean transA;
    private final boolean transB;
    /** batch count, rows of op(a), columns of op(b), inner dimension */
    private final int batch;
    private final int m;
    private final int n;
    private final int k;
    /** elements between consecutive batch entries (0 = shared) */
    private final int aStride;
    private final int bStride;

    private MatMul(Tensor a, Tensor b, Tensor y, boolean transA, boolean transB,
                   int batch, int m, int n, int k, int aStride, int bStride) {
        super(a, b, y);
        this.transA = transA;
        this.transB = transB;
        this.batch = batch;
        this.m = m;
        this.n = n;
        this.k = k;
        this.aStride = aStride;
        this.bStride = bStride;
    }

    static Tensor apply(Tensor a, Tensor b, boolean transA, boolean transB) {
        Tape tape = tapeFor("matmul", a, b);
        int[] as = a.shapeRef(), bs = b.shapeRef();
        if (as.length < 2 || bs.length < 2 || bs.length > 3 || transA && as.length > 3
                || bs.length == 3 && as.length != 2 && as.length != 3) {
            throw new IllegalArgumentException("matmul: " + describe(a, b, transA, transB)
                    + ": expected a [..., m, k] x b [k, n], or [B, m, k] x [B, k, n] (2-D or 3-D operands)");
        }
        int bRows = bs[bs.length - 2], bCols = bs[bs.length - 1];
        int kb = transB ? bCols : bRows;
        int n = transB ? bRows : bCols;
        int aRows = as[as.length - 2], aCols = as[as.length - 1];
        int ka = transA ? aRows : aCols;
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: " + describe(a, b, transA, transB) + ": inner dimensions "
                    + ka + " and " + kb + " differ");
        }
        int k = ka;
        int batch, m, aStride, bStride;
        int[] outShape;
        if (bs.length == 2 && !transA) {
            m = aCols == 0 ? product(as, as.length - 1) : a.size() / aCols;
            batch = 1;
            aStride = 0;
            bStride = 0;
            outShape = Shapes.withLast(as, n);
        } else {
            int ba = as.length == 3 ? as[0] : 1;
            int bb = bs.length == 3 ? bs[0] : 1;
            if (as.length == 3 && bs.length == 3 && ba != bb) {
                throw new IllegalArgumentException("matmul: " + describe(a, b, transA, transB) + ": batch sizes "
                        + ba + " and " + bb + " differ");
            }
            batch = Math.max(ba, bb);
            m = transA ? aCols : aRows;
            aStride = as.length == 3 ? aRows * aCols : 0;
            bStride = bs.length == 3 ? bRows * bCols : 0;
            outShape = as.length == 3 || bs.length == 3 ? new int[] {batch, m, n} : new int[] {m, n};
        }
        Tensor y = tape.newTensor(outShape, tape.needsGrad(a, b));
        int lda = Math.max(1, aCols), ldb = Math.max(1, bCols), ldy = Math.max(1, n);
        for (int i = 0; i < batch; i++) {
            GEMM.sgemm(transA, transB, m, n, k, 1f, a.dataRef(), a.offset() + i * aStride, lda,
                    b.dataRef(), b.offset() + i * bStride, ldb, 0f, y.dataRef(), y.offset() + i * m * n, ldy);
        }
        tape.record(new MatMul(a, b, y, transA, transB, batch, m, n, k, aStride, bStride), y);
        return y;
    }

    private static int product(int[] s, int end) {
        int p = 1;
        for (int i = 0; i < end; i++) {
            p *= s[i];
        }
        return p;
    }

    private static String describe(Tensor a, Tensor b, boolean transA, boolean transB) {
        return Shapes.str(a.shapeRef()) + (transA ? "^T" : "") + " x " + Shapes.str(b.shapeRef()) + (transB ? "^T" : "");
    }

    @Override
    void backward() {
        int lda = Math.max(1, a.dim(-1)), ldb = Math.max(1, b.dim(-1)), ldy = Math.max(1, n);
        float[] dy = y.grad();
        for (int i = 0; i < batch; i++) {
            int dyOff = y.gradOffset() + i * m * n;
            int aOff = a.offset() + i * aStride, bOff = b.offset() + i * bStride;
            if (a.requiresGrad()) {
                float[] da = a.grad();
                int daOff = a.gradOffset() + i * aStride;
                if (!transA) {
                    // da (m,k) += dy (m,n) op(b)^T
                    GEMM.sgemm(false, !transB, m, k, n, 1f, dy, dyOff, ldy, b.dataRef(), bOff, ldb, 1f, da, daOff, lda);
                } else {
                    // da (k,m) += op(b) (k,n) dy^T
                    GEMM.sgemm(transB, true, k, m, n, 1f, b.dataRef(), bOff, ldb, dy, dyOff, ldy, 1f, da, daOff, lda);
                }
            }
            if (b.requiresGrad()) {
                float[] db = b.grad();
                int dbOff = b.gradOffset() + i * bStride;
                if (!transB) {
                    // db (k,n) += op(a)^T (k,m) dy (m,n)
                    GEMM.sgemm(!transA, false, k, n, m, 1f, a.dataRef(), aOff, lda, dy, dyOff, ldy, 1f, db, dbOff, ldb);
                } else {
                    // db (n,k) += dy^T (n,m) op(a) (m,k)
                    GEMM.sgemm(true, transA, n, k, m, 1f, dy, dyOff, ldy, a.dataRef(), aOff, lda, 1f, db, dbOff, ldb);
                }
            }
        }
    }

    @Override
    String name() {
        return "matmul";
    }
}
