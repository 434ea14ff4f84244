package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.ArrayOps;

/**
 * Variable lengths as packed sequences: rows sorted by decreasing length, so that the rows still running
 * at step t are always the first batchSizes[t]; states are gathered into that order before a forward and
 * scattered back after it.
 */
final class RowOrder {

    private RowOrder() {
    }

    /** Fills ws.order / sortedLen / batchSizes: rows sorted by decreasing length (stable). */
    static void sort(RnnWorkspace ws, int[] lengths, int T, int B) {
        int[] order = ws.order;
        int[] len = ws.sortedLen;
        ws.sorted = lengths != null;
        for (int i = 0; i < B; i++) {
            order[i] = i;
            len[i] = lengths == null ? T : lengths[i];
        }
        if (lengths != null) {
            // insertion sort: stable, allocation-free, and O(B) on already sorted batches
            for (int i = 1; i < B; i++) {
                int o = order[i];
                int l = len[i];
                int j = i - 1;
                while (j >= 0 && len[j] < l) {
                    order[j + 1] = order[j];
                    len[j + 1] = len[j];
                    j--;
                }
                order[j + 1] = o;
                len[j + 1] = l;
            }
        }
        int[] bs = ws.batchSizes;
        int rows = B;
        for (int t = 0; t < T; t++) {
            while (rows > 0 && len[rows - 1] <= t) {
                rows--;
            }
            bs[t] = rows;
        }
        bs[T] = 0;
    }

    /** dst[s, i, :] = src[s, order[i], :] for states [S, B, H]; zeros when src is null. */
    static void gather(ArrayOps ops, FloatView src, float[] dst, int[] order, int S, int B, int H) {
        if (src == null) {
            ops.fill(0f, dst, 0, S * B * H);
            return;
        }
        for (int s = 0; s < S; s++) {
            for (int i = 0; i < B; i++) {
                ops.copy(src.data(), src.offset() + (s * B + order[i]) * H, dst, (s * B + i) * H, H);
            }
        }
    }

    /** dst[s, order[i], :] += src[s, i, :]. */
    static void scatterAdd(ArrayOps ops, float[] src, FloatView dst, int[] order, int S, int B, int H) {
        if (dst == null) {
            return;
        }
        for (int s = 0; s < S; s++) {
            for (int i = 0; i < B; i++) {
                ops.axpy(1f, src, (s * B + i) * H, dst.data(), dst.offset() + (s * B + order[i]) * H, H);
            }
        }
    }

    /** h_n (or c_n): forward direction at index len, reverse direction at index 0 of the history. */
    static void scatterFinal(ArrayOps ops, RnnConfig config, RnnWorkspace ws, float[][] history, FloatView dst) {
        if (dst == null) {
            return;
        }
        int B = ws.batch;
        int H = config.hiddenSize();
        int D = config.directions();
        for (int s = 0; s < config.stateCount(); s++) {
            int d = s % D;
            for (int i = 0; i < B; i++) {
                int at = d == 0 ? ws.sortedLen[i] : 0;
                ops.copy(history[s], (at * B + i) * H, dst.data(), dst.offset() + (s * B + ws.order[i]) * H, H);
            }
        }
    }
}
