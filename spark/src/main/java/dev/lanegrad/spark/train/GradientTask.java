package dev.lanegrad.spark.train;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.Module;
import dev.lanegrad.tasks.GradientShards;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;

/**
 * One partition's part of one synchronous step, on an executor: the broadcast weights into a replica, the
 * forward and backward of its shard on the normal tape, and its gradient times 1/K as {@link GradientShards}
 * scales a shard. A pure function of the weights, the shard and the step's input, so Spark may run it again
 * after a lost task and get the same partial.
 */
final class GradientTask<S, I extends Serializable> implements PairFlatMapFunction<Iterator<S>, Integer, Partial> {

    private static final long serialVersionUID = 1L;

    private final Broadcast<float[]> weights;
    private final ShardModel<S, I> model;
    private final int partitions;
    private final long step;
    private final List<I> inputs;
    private final SyncSteps.Failure failure;

    GradientTask(Broadcast<float[]> weights, ShardModel<S, I> model, int partitions, long step, List<I> inputs,
                 SyncSteps.Failure failure) {
        this.weights = weights;
        this.model = model;
        this.partitions = partitions;
        this.step = step;
        this.inputs = inputs;
        this.failure = failure;
    }

    @Override
    public Iterator<Tuple2<Integer, Partial>> call(Iterator<S> shards) {
        TaskContext task = TaskContext.get();
        int partition = task.partitionId();
        if (failure != null && failure.step() == step && failure.partition() == partition && task.attemptNumber() == 0) {
            throw new IllegalStateException("failure injected on purpose: step " + step + ", partition " + partition
                    + ", attempt 0 (Spark retries the task)");
        }
        if (!shards.hasNext()) {
            throw new IllegalStateException("partition " + partition + " holds no shard");
        }
        S shard = shards.next();
        Module replica = Replicas.borrow(model);
        try {
            List<Tensor> params = replica.parameters();
            ParameterVector.setValues(params, weights.value());
            replica.zeroGrad();
            replica.train(true);
            float loss;
            float[] output;
            try (Tape tape = new Tape()) {
                ShardModel.Forward f = model.forward(replica, shard, step, inputs == null ? null : inputs.get(partition));
                loss = f.loss().item();
                tape.backward(f.loss());
                output = f.output();
            }
            float[] g = new float[GradientShards.size(params)];
            GradientShards.gradientInto(params, GradientShards.scale(partitions), g);
            Partial p = new Partial(partition, partition, g, GradientShards.scaledLoss(loss, partitions),
                    output == null ? null : new float[][] {output});
            return List.of(new Tuple2<>(partition, p)).iterator();
        } finally {
            Replicas.giveBack(model, replica);
        }
    }
}
