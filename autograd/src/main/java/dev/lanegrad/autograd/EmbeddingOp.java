package dev.lanegrad.autograd;

/**
 * Rows of a table gathered by index: table [V, E], indices (any shape S) -> [S..., E].
 * Backward scatter-adds each output row's gradient into the table row it came from, so a repeated id
 * gets the sum; the padding index (if >= 0) gets no gradient. The indices array is kept, not copied:
 * do not change it before backward.
 */
final class EmbeddingOp extends Node.Unary {

    private final int[] indices;
    private final int paddingIdx;

    private EmbeddingOp(Tensor table, int[] indices, int paddingIdx, Tensor y) {
        super(table, y);
        this.indices = indices;
        this.paddingIdx = paddingIdx;
    }

    static Tensor apply(Tensor table, int[] indices, int[] indexShape, int paddingIdx) {
        Tape tape = tapeFor("embedding", table);
        if (table.rank() != 2) {
            throw new IllegalArgumentException("embedding: the table must be [V, E], got " + Shapes.str(table.shapeRef()));
        }
        int n = Shapes.size("embedding", indexShape);
        if (n != indices.length) {
            throw new IllegalArgumentException("embedding: " + indices.length + " indices for the index shape "
                    + Shapes.str(indexShape) + " of " + n + " elements");
        }
        int v = table.dim(0), e = table.dim(1);
        for (int i = 0; i < n; i++) {
            if (indices[i] < 0 || indices[i] >= v) {
                throw new IllegalArgumentException("embedding: index " + indices[i] + " at position "
                        + Shapes.position(indexShape, i) + " is outside a table of " + v + " rows [0, " + v + ")");
            }
        }
        int[] outShape = java.util.Arrays.copyOf(indexShape, indexShape.length + 1);
        outShape[indexShape.length] = e;
        Tensor y = tape.newTensor(outShape, n * e, tape.needsGrad(table));
        for (int i = 0; i < n; i++) {
            OPS.copy(table.dataRef(), table.offset() + indices[i] * e, y.dataRef(), y.offset() + i * e, e);
        }
        tape.record(new EmbeddingOp(table, indices, paddingIdx, y), y);
        return y;
    }

    @Override
    void backward() {
        Tensor table = x;
        int e = table.dim(1);
        float[] dy = y.grad(), dt = table.grad();
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] != paddingIdx) {
                OPS.axpy(1f, dy, y.gradOffset() + i * e, dt, table.gradOffset() + indices[i] * e, e);
            }
        }
    }

    @Override
    String name() {
        return "embedding";
    }
}
