package dev.lanegrad.spark.train;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.Module;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.forecast.ForecastModel;

import java.io.Serializable;

/**
 * The forecaster's shard of a step: rows {@code [s*b, (s+1)*b)} of the partition's {@link Shard}, s the step
 * within the epoch, through the forecaster (MSE against the targets). Its fields build the replica.
 */
public record ForecastShardModel(RnnMode cell, int hidden, int layers, int window, int horizon, long seed, int batchPerPartition,
                                 int stepsPerEpoch) implements ShardModel<Shard, Serializable> {

    @Override
    public ForecastModel build() {
        return new ForecastModel(cell, hidden, layers, 0f, horizon, seed);
    }

    @Override
    public Forward forward(Module replica, Shard shard, long step, Serializable input) {
        int b = batchPerPartition;
        int from = (int) (step % stepsPerEpoch) * b;
        Tensor x = Tensor.wrap(shard.inputsTimeMajor(from, b), 0, window, b, 1);
        Tensor y = Tensor.wrap(shard.targets(from, b), 0, b, horizon);
        Tensor loss = Ops.mseLoss(((ForecastModel) replica).forward(x), y);
        return () -> loss;
    }
}
