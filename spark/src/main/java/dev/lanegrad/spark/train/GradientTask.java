package dev.lanegrad.spark.train;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.tasks.forecast.ForecastModel;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

import java.util.Iterator;
import java.util.List;

/**
 * One partition's part of one synchronous step, on an executor: the broadcast weights into a replica, the
 * forward and backward of its b windows on the normal tape, and its gradient times 1/K (the global loss is the
 * mean over all K*b windows, i.e. the mean of the K partitions' means). A pure function of the weights and the
 * shard, so Spark may run it again after a lost task and get the same partial.
 */
final class GradientTask implements PairFlatMapFunction<Iterator<Shard>, Integer, Partial> {

    private static final long serialVersionUID = 1L;

    private final Broadcast<float[]> weights;
    private final ModelShape shape;
    private final TrainSettings settings;
    private final int stepInEpoch;
    private final int globalStep;

    GradientTask(Broadcast<float[]> weights, ModelShape shape, TrainSettings settings, int stepInEpoch, int globalStep) {
        this.weights = weights;
        this.shape = shape;
        this.settings = settings;
        this.stepInEpoch = stepInEpoch;
        this.globalStep = globalStep;
    }

    @Override
    public Iterator<Tuple2<Integer, Partial>> call(Iterator<Shard> shards) {
        TaskContext task = TaskContext.get();
        int partition = task.partitionId();
        if (globalStep == settings.failStep() && partition == settings.failPartition() && task.attemptNumber() == 0) {
            throw new IllegalStateException("failure injected on purpose: step " + globalStep + ", partition " + partition
                    + ", attempt 0 (Spark retries the task)");
        }
        if (!shards.hasNext()) {
            throw new IllegalStateException("partition " + partition + " holds no shard");
        }
        Shard shard = shards.next();
        int b = settings.batchPerPartition();
        ForecastModel model = Replicas.borrow(shape);
        try {
            List<Tensor> params = model.parameters();
            ParameterVector.setValues(params, weights.value());
            model.zeroGrad();
            model.train(true);
            float loss;
            try (Tape tape = new Tape()) {
                int from = stepInEpoch * b;
                Tensor x = Tensor.wrap(shard.inputsTimeMajor(from, b), 0, shard.window(), b, 1);
                Tensor y = Tensor.wrap(shard.targets(from, b), 0, b, shard.horizon());
                Tensor l = Ops.mseLoss(model.forward(x), y);
                loss = l.item();
                tape.backward(l);
            }
            float scale = 1f / settings.partitions();
            Partial p = new Partial(partition, partition, ParameterVector.gradients(params, scale), (double) loss * scale);
            return List.of(new Tuple2<>(partition, p)).iterator();
        } finally {
            Replicas.giveBack(shape, model);
        }
    }
}
