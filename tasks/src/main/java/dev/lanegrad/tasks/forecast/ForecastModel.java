package dev.lanegrad.tasks.forecast;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.Linear;
import dev.lanegrad.models.nn.Module;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.Cells;

/**
 * The sequence regressor: a recurrent stack over the window (one input feature), its output at the last
 * step through a Linear head to the horizon's values. State-dict names {@code rnn.*} and {@code head.*}.
 */
public final class ForecastModel extends Module {

    private final RecurrentLayer rnn;
    private final Linear head;

    public ForecastModel(RnnMode cell, int hidden, int layers, float dropout, int horizon, long seed) {
        rnn = register("rnn", Cells.stack(cell, 1, hidden, layers, false, layers > 1 ? dropout : 0f, seed));
        head = register("head", new Linear(hidden, horizon, true, seed + 1));
    }

    /** x [T, B, 1] (scaled values, time-major) -> [B, horizon]. */
    public Tensor forward(Tensor x) {
        Tensor out = rnn.forward(x).output(); // [T, B, H]
        return head.forward(Ops.select(out, x.dim(0) - 1));
    }

    public int horizon() {
        return head.outFeatures();
    }
}
