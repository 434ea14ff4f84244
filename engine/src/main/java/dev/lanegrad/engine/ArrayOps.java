package dev.lanegrad.engine;

/**
 * Elementwise kernels, reductions and activations on contiguous {@code float[]} ranges of length n.
 *
 * Conventions: outputs may alias inputs exactly (same array, same offset), never partially.
 * Every backward kernel ACCUMULATES into its gradient output ({@code dx += ...}), because gradients
 * of a value used twice add up. Activation backwards are written from the saved output y where that
 * is cheaper (tanh' = 1 - y^2, sigmoid' = y (1 - y), exp' = y, relu' = [y > 0]).
 */
public interface ArrayOps {

    /**
     * The checked entry in front of an implementation that only computes: every argument check of a
     * call happens once, here, whichever implementation runs (the providers hand out only this).
     */
    static ArrayOps checked(ArrayOps computeOnly) {
        return computeOnly instanceof CheckedArrayOps ? computeOnly : new CheckedArrayOps(computeOnly);
    }

    // ---- elementwise: out[i] = a[i] op b[i] ----
    void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n);
    void sub(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n);
    void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n);
    /** y[i] += alpha * x[i] */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);
    /** x[i] *= alpha (in place) */
    void scale(float alpha, float[] x, int xOff, int n);
    void fill(float value, float[] x, int xOff, int n);
    void copy(float[] src, int srcOff, float[] dst, int dstOff, int n);

    // ---- reductions ----
    float sum(float[] x, int xOff, int n);
    float dot(float[] a, int aOff, float[] b, int bOff, int n);
    /** the largest element; -Infinity when n == 0; NaN if any element is NaN */
    float max(float[] x, int xOff, int n);

    // ---- matrices (rows, cols) with row stride ld ----
    /** x[r, j] += bias[j] for every row r */
    void addRowBias(float[] x, int xOff, int rows, int cols, int ldx, float[] bias, int biasOff);
    /**
     * x[r, j] = (x[r, j] + first[j]) + second[j] for every row r: {@link #addRowBias} with first, then with
     * second, the same bits, which a kernel may give in one pass over x (an LSTM's b_ih and b_hh).
     */
    default void addRowBiases(float[] x, int xOff, int rows, int cols, int ldx,
                              float[] first, int firstOff, float[] second, int secondOff) {
        addRowBias(x, xOff, rows, cols, ldx, first, firstOff);
        addRowBias(x, xOff, rows, cols, ldx, second, secondOff);
    }
    /**
     * out[j] += sum over r of x[r, j] (the gradient of a row-broadcast bias), summed in blocks of
     * {@link #COLUMN_SUM_BLOCK} rows: a running sum within each block, the block sums added in row order,
     * the total added to out[j] last. Every implementation adds in this order, so the bits do not depend
     * on the kernels' vector width or on how a caller splits other work across threads.
     */
    void addColumnSums(float[] x, int xOff, int rows, int cols, int ldx, float[] out, int outOff);

    /** the rows of one block of {@link #addColumnSums} */
    int COLUMN_SUM_BLOCK = 32;

    /**
     * The sum of one column x[0..rows) at x[xOff + r * ldx] in {@link #addColumnSums}'s order: a running
     * sum within each block of COLUMN_SUM_BLOCK rows, the block sums added in row order. Error growth
     * (32 + rows / 32) eps instead of rows eps for one running sum.
     */
    static float columnSum(float[] x, int xOff, int rows, int ldx) {
        float total = 0f;
        for (int r0 = 0; r0 < rows; r0 += COLUMN_SUM_BLOCK) {
            float block = 0f;
            for (int r = r0, end = Math.min(rows, r0 + COLUMN_SUM_BLOCK); r < end; r++) {
                block += x[xOff + r * ldx];
            }
            total += block;
        }
        return total;
    }

    // ---- optimizer steps ----
    /**
     * One Adam step over n parameters p (from pOff) with gradients g (from gOff) and moments m, v (from 0), the
     * operations of torch.optim.Adam in its order, each rounded to float:
     * g' = g + l2 p; m = beta1 m + (1 - beta1) g'; v = beta2 v + ((1 - beta2) g') g';
     * p = p shrink - (stepSize m) / (sqrt(v) / vCorrection + eps). Every implementation gives the same bits.
     */
    void adamStep(float[] p, int pOff, float[] g, int gOff, float[] m, float[] v, int n,
                  float beta1, float beta2, float eps, float l2, float shrink, float stepSize, float vCorrection);

    /** {@link #adamStep} for elements [from, to), one at a time: the specification, and the vector kernels' tail. */
    static void adamStepRange(float[] p, int pOff, float[] g, int gOff, float[] m, float[] v, int from, int to,
                              float beta1, float beta2, float eps, float l2, float shrink, float stepSize, float vCorrection) {
        for (int i = from; i < to; i++) {
            float w = p[pOff + i];
            float grad = g[gOff + i] + l2 * w;
            float mNew = beta1 * m[i] + (1f - beta1) * grad;
            float vNew = beta2 * v[i] + (1f - beta2) * grad * grad;
            m[i] = mNew;
            v[i] = vNew;
            p[pOff + i] = w * shrink - stepSize * mNew / ((float) Math.sqrt(vNew) / vCorrection + eps);
        }
    }

    // ---- activations: y = f(x); backward dx += dy * f'(.) ----
    void tanh(float[] x, int xOff, float[] y, int yOff, int n);
    void tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);
    void sigmoid(float[] x, int xOff, float[] y, int yOff, int n);
    void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);
    void relu(float[] x, int xOff, float[] y, int yOff, int n);
    void reluBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);
    void exp(float[] x, int xOff, float[] y, int yOff, int n);
    void expBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);
    void log(float[] x, int xOff, float[] y, int yOff, int n);
    /** dx += dy / x (log's derivative needs the input, not the output) */
    void logBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    // ---- row-wise softmax over contiguous rows (rows, cols), max-subtracted ----
    void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols);
    /** dx += y * (dy - sum_j(dy_j * y_j)) per row */
    void softmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols);
    void logSoftmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols);
    /** dx += dy - exp(y) * sum_j(dy_j) per row, where y is the saved log-softmax */
    void logSoftmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols);

    /**
     * Fused softmax cross-entropy over rows of logits (rows, cols), max-subtracted so that logits of
     * magnitude 100 do not overflow.
     *
     * Row r has class target[tOff + r]; a row whose target equals ignoreIndex contributes nothing.
     * weight (nullable) scales row r's loss by weight[wOff + r]; a row of weight 0 is skipped like an
     * ignored one (no exp work; zero loss and gradient even where its logits are not finite).
     * If dLogits is not null, row r of dLogits is OVERWRITTEN with
     * gradScale * weight_r * (softmax(logits_r) - onehot(target_r)) (zeros for skipped rows).
     *
     * @return the sum over rows of weight_r * -log softmax(logits_r)[target_r], accumulated in double
     * @throws IllegalArgumentException naming the row, the target and cols when a target is outside [0, cols)
     */
    double softmaxCrossEntropy(float[] logits, int lOff, int rows, int cols,
                               int[] target, int tOff, int ignoreIndex,
                               float[] weight, int wOff,
                               float[] dLogits, int dOff, float gradScale);

    /**
     * Whether {@link #softmaxCrossEntropy} skips a row (target t == ignoreIndex, or weight[w] == 0 with
     * weight not null); if so, its cols gradients from dLogits[dRow] (when dLogits is not null) are zeroed.
     */
    static boolean skipsRow(int t, int ignoreIndex, float[] weight, int w, float[] dLogits, int dRow, int cols) {
        if (t != ignoreIndex && (weight == null || weight[w] != 0f)) {
            return false;
        }
        if (dLogits != null) {
            java.util.Arrays.fill(dLogits, dRow, dRow + cols, 0f);
        }
        return true;
    }
}
