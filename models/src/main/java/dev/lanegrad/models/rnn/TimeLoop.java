package dev.lanegrad.models.rnn;

import dev.lanegrad.engine.ArrayOps;

/**
 * The time loop of one direction of one layer over packed rows, forward and backward: at step t only the
 * rows still running (a prefix, see {@link RnnWorkspace}) take one {@link Cell} step. The loops run on
 * batch rows [r0, r1) of the sorted order; rows are independent, so two ranges may run on two threads at
 * once ({@link BatchSplit}). Shared and immutable; everything a pass reads and writes is in the workspace.
 */
final class TimeLoop {

    private final Cell cell;
    private final ArrayOps ops;
    private final int hidden;
    private final int gateRows;
    private final int outputSize;

    TimeLoop(RnnConfig cfg, Cell cell, ArrayOps ops) {
        this.cell = cell;
        this.ops = ops;
        this.hidden = cfg.hiddenSize();
        this.gateRows = cfg.gateRows();
        this.outputSize = cfg.outputSize();
    }

    /**
     * Forward over all steps of direction d (slot s), rows [r0, r1). Needs the gates of every step filled
     * with the input projection, unless ws.projection is active (then each step projects its own rows first,
     * or each part of a pair its columns for all its steps; see StepProjection); the biases are added here,
     * step by step. Also ws.weights set and (forward direction) h0 at the history's first rows. When
     * ws.fusedLstm is active, each step is the engine's fused LSTM step instead (no gates, no ws.weights).
     */
    void forward(RnnWorkspace ws, int s, int d, int r0, int r1) {
        forward(ws, s, d, r0, r1, 0, ws.steps, null, 0);
    }

    /**
     * The same, with pair != null: this thread is one of two running this loop together ({@link StepPair};
     * part 0 the caller, 1 the worker). At each step each multiplies its half of the hidden product's
     * columns, then, after both are done, steps its half of the rows; every element is computed exactly as
     * alone. Both threads copy h0 rows of the reverse direction (the same values, before either reads them).
     * Only the steps [firstStep, endStep) in the direction's order (step i is t = i forward, t = T - 1 - i
     * reverse): a loop may run its steps in phases of different threading (see Layer).
     */
    void forward(RnnWorkspace ws, int s, int d, int r0, int r1, int firstStep, int endStep, StepPair pair, int part) {
        final int T = ws.steps;
        final int H = hidden;
        final int[] bs = ws.batchSizes;
        final float[] gates = ws.gates[s];
        final float[] gh = ws.gh[s];
        final float[] hs = ws.hs[s];
        final float[] cs = ws.cs[s];
        // a pair's part: its columns of the products (PackedWeight.FIRST or SECOND)
        final int columns = part == 0 ? PackedWeight.FIRST : PackedWeight.SECOND;
        // a pair's pass packed by hidden units (Layer): run alone (its worker never came), it runs both parts
        final boolean byUnits = ws.projection.byUnits();
        final int firstPart = pair == null ? PackedWeight.FIRST : columns;
        final int lastPart = pair == null ? PackedWeight.SECOND : columns;
        if ((pair != null || byUnits) && ws.projection.active()) {
            // this part's columns of the input projection for every token of its steps (all rows: a pair's
            // loop runs the whole batch), before its first step
            int tFirst = d == 0 ? firstStep : T - endStep;
            int tEnd = d == 0 ? endStep : T - firstStep;
            for (int c = firstPart; c <= lastPart; c++) {
                projectPart(ws, c, ws.stepOffset[tFirst], ws.stepOffset[tEnd], gates, gh, byUnits);
            }
        }
        // an inference pass that projects step by step keeps only what the next step reads (RnnWorkspace.stepScratch):
        // every step's gates in step 0's rows, the cell state before step i in block i % 2 of B rows; both stay in L2
        final boolean reuse = ws.stepScratch[s];
        for (int step = firstStep; step < endStep; step++) {
            int t = d == 0 ? step : T - 1 - step;
            int hi = Math.min(bs[t], r1);
            if (hi <= r0) {
                continue;
            }
            int prev = (ws.before(d, t) + r0) * H;
            int next = (ws.after(d, t) + r0) * H;
            int cPrev = reuse ? ((step & 1) * ws.batch + r0) * H : prev;
            int cNext = reuse ? (((step + 1) & 1) * ws.batch + r0) * H : next;
            if (d == 1) {
                // rows whose sequence starts (in reverse) at step t begin from h0
                int from = Math.max(bs[t + 1], r0);
                if (hi > from) {
                    int h0 = (s * ws.batch + from) * H;
                    ops.copy(ws.h0s, h0, hs, (ws.before(d, t) + from) * H, (hi - from) * H);
                    if (cs != null) {
                        ops.copy(ws.c0s, h0, cs, cPrev + (from - r0) * H, (hi - from) * H);
                    }
                }
            }
            int g = ((reuse ? 0 : ws.stepOffset[t]) + r0) * gateRows;
            int rows = hi - r0;
            Cell.HiddenWeights w = ws.weights;
            if (byUnits) {
                // this part's units of every gate, product and pointwise step; the only meeting is for h,
                // which both parts' next products read whole
                for (int c = firstPart; c <= lastPart; c++) {
                    unitsStep(w, c, rows, gates, g, gh, hs, prev, next, cs, cPrev, cNext);
                }
                if (pair != null) {
                    pair.await(part);
                }
                continue;
            }
            if (pair == null) {
                // the states before and after the step: in the history, or in the caller's output (RnnWorkspace.direct)
                float[] hIn = hs;
                float[] hOut = hs;
                int hPrev = prev;
                int hNext = next;
                if (s == ws.directSlot) {
                    hOut = ws.direct;
                    hNext = ws.directRow(t) + r0 * H;
                    if (t > 0) {
                        hIn = ws.direct;
                        hPrev = ws.directRow(t - 1) + r0 * H;
                    }
                }
                if (ws.fusedLstm.active()) {
                    ws.fusedLstm.step(rows, ws.stepOffset[t] + r0, hIn, hPrev, cs, cPrev, hOut, hNext, cs, cNext);
                    continue;
                }
                if (ws.projection.active()) {
                    ws.projection.project(rows, ws.stepOffset[t] + r0, gates, g);
                }
                cell.addBiases(rows, gates, g, gh, g, w.params(), w.slot(), 0, gateRows);
                cell.forward(rows, w, gates, g, gh, hIn, hPrev, hOut, hNext, cs, cPrev, cs, cNext);
                continue;
            }
            cell.addBiases(rows, gates, g, gh, g, w.params(), w.slot(), w.firstColumn(columns), w.endColumn(columns));
            w.addHiddenProduct(rows, hs, prev, cell.productTarget(gates, gh), g, columns);
            pair.await(part);
            int first = (rows + 1) / 2; // the caller's rows: the only one at B = 1
            int lo = part == 0 ? 0 : first;
            int n = part == 0 ? first : rows - first;
            if (n > 0) {
                int o = lo * H;
                cell.pointwise(n, H, gates, g + lo * gateRows, gh, hs, prev + o, hs, next + o, cs, prev + o, cs, next + o);
            }
            pair.await(part);
        }
    }

    /**
     * A pair's part (PackedWeight.FIRST or SECOND) of the input projection of packed tokens [from, to), and,
     * packed by units, its units' biases for all of them while the rows are in its L2.
     */
    private void projectPart(RnnWorkspace ws, int part, int from, int to, float[] gates, float[] gh, boolean byUnits) {
        ws.projection.projectPart(part, from, to, gates);
        Cell.HiddenWeights w = ws.weights;
        if (byUnits) {
            int g = from * gateRows;
            cell.addUnitBiases(to - from, gates, g, gh, g, w.params(), w.slot(), w.firstUnit(part), w.endUnit(part),
                    w.firstColumn(part));
        }
    }

    /**
     * One step of a part of a pair packed by units (PackedWeight#packByUnits) over `rows` rows: the product
     * into its gate columns, which hold its units' gates as a cell of that many units, then their pointwise
     * step, which writes its units of h and c.
     */
    private void unitsStep(Cell.HiddenWeights w, int part, int rows, float[] gates, int g, float[] gh, float[] hs,
                           int prev, int next, float[] cs, int cPrev, int cNext) {
        w.addHiddenProduct(rows, hs, prev, cell.productTarget(gates, gh), g, part);
        int u0 = w.firstUnit(part);
        int units = w.endUnit(part) - u0;
        int block = g + w.firstColumn(part);
        for (int r = 0; r < rows; r++) {
            int o = r * hidden + u0;
            cell.pointwise(1, units, gates, block + r * gateRows, gh, hs, prev + o, hs, next + o, cs, cPrev + o, cs, cNext + o);
        }
    }

    /**
     * Backward over all steps of direction d (slot s), rows [r0, r1), in reverse order of forward: writes
     * dGates (ws.dgx, and ws.dgh for a GRU) of every step and adds the initial states' gradients into
     * ws.dh0s / ws.dc0s. dy (tokens, D*H) is d loss / d output of the layer, packed.
     */
    void backward(RnnWorkspace ws, int s, int d, float[] dy, int r0, int r1) {
        final int T = ws.steps;
        final int H = hidden;
        final int DH = outputSize;
        final int[] bs = ws.batchSizes;
        final float[] gates = ws.gates[s];
        final float[] gh = ws.gh[s];
        final float[] hs = ws.hs[s];
        final float[] cs = ws.cs[s];
        final float[] dc = ws.dc;
        final int stateOff = s * ws.batch * H;
        final int n0 = r0 * H;
        float[] dh = ws.dh;
        float[] spare = ws.dhNext;

        if (d == 1) {
            // the reverse direction's final state is the state after step 0, for every row
            ops.copy(ws.dhn, stateOff + n0, dh, n0, (r1 - r0) * H);
            if (cs != null) {
                ops.copy(ws.dcn, stateOff + n0, dc, n0, (r1 - r0) * H);
            }
        }
        for (int step = 0; step < T; step++) {
            int t = d == 0 ? T - 1 - step : step;
            int hi = Math.min(bs[t], r1);
            int rows = hi - r0;
            if (rows <= 0) {
                continue;
            }
            int from = Math.max(bs[t + 1], r0);
            if (d == 0 && hi > from) {
                // rows whose last valid step is t receive dh_n (and dc_n) here
                ops.copy(ws.dhn, stateOff + from * H, dh, from * H, (hi - from) * H);
                if (cs != null) {
                    ops.copy(ws.dcn, stateOff + from * H, dc, from * H, (hi - from) * H);
                }
            }
            // dh += dOutput[t] for the active rows
            int row = ws.stepOffset[t] + r0;
            int yOff = row * DH + d * H;
            if (DH == H) {
                ops.axpy(1f, dy, yOff, dh, n0, rows * H);
            } else {
                for (int i = 0; i < rows; i++) {
                    ops.axpy(1f, dy, yOff + i * DH, dh, n0 + i * H, H);
                }
            }
            float[] dhPrev = cell.backward(rows, ws.weights, gates, row * gateRows, gh, hs, cs,
                    (ws.before(d, t) + r0) * H, (ws.after(d, t) + r0) * H, dh, spare, dc, n0, ws.dgx, ws.dgh);
            if (dhPrev != dh) {
                spare = dh;
                dh = dhPrev;
            }
            if (d == 1 && hi > from) {
                // rows that started (in reverse) at step t started from h0
                ops.axpy(1f, dh, from * H, ws.dh0s, stateOff + from * H, (hi - from) * H);
                if (cs != null) {
                    ops.axpy(1f, dc, from * H, ws.dc0s, stateOff + from * H, (hi - from) * H);
                }
            }
        }
        if (d == 0) {
            // every row (length >= 1) started from h0 at step 0
            ops.axpy(1f, dh, n0, ws.dh0s, stateOff + n0, (r1 - r0) * H);
            if (cs != null) {
                ops.axpy(1f, dc, n0, ws.dc0s, stateOff + n0, (r1 - r0) * H);
            }
        }
    }
}
