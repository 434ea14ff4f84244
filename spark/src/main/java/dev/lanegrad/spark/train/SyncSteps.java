package dev.lanegrad.spark.train;

import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.Module;
import dev.lanegrad.models.optim.GradClip;
import dev.lanegrad.models.optim.Optimizer;
import dev.lanegrad.tasks.GradientShards;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.util.List;

/**
 * The driver's side of synchronous data-parallel training, the same for every task: one step broadcasts the
 * weights (one flat float[]), runs one {@link GradientTask} per partition (the K partitions of {@code shards},
 * one shard each), sums their gradients in {@link FixedOrderSum}'s tree, and on the driver puts the sum into the
 * model, clips its global norm and takes the optimizer step. The optimizer's state lives on the driver only.
 * That is, step for step, what one process does with {@link GradientShards} over K shards of the same batch.
 */
public final class SyncSteps<S, I extends Serializable> {

    /** Test hook: the first attempt of {@code partition}'s task at global step {@code step} throws. */
    public record Failure(long step, int partition) implements Serializable {
    }

    private final JavaSparkContext jsc;
    private final JavaRDD<S> shards;
    private final ShardModel<S, I> model;
    private final int partitions;
    private final List<Tensor> params;
    private final Optimizer optimizer;
    private final double clip;
    private final Failure failure;

    /**
     * @param shards    K partitions holding one shard each (cached)
     * @param driver    the model on the driver, which the optimizer updates
     * @param clip      the maximum global gradient norm, 0 for none
     * @param failure   a task to fail on purpose, or null
     */
    public SyncSteps(JavaRDD<S> shards, ShardModel<S, I> model, Module driver, Optimizer optimizer, double clip, Failure failure) {
        this.jsc = JavaSparkContext.fromSparkContext(shards.context());
        this.shards = shards;
        this.model = model;
        this.partitions = shards.getNumPartitions();
        this.params = driver.parameters();
        this.optimizer = optimizer;
        this.clip = clip;
        this.failure = failure;
    }

    public int partitions() {
        return partitions;
    }

    /**
     * One optimizer step at learning rate lr. {@code inputs}: one per partition, or null. Returns the sum: its
     * loss is the global batch's mean loss, its outputs the partitions' in order.
     */
    public Partial step(long step, float lr, List<I> inputs) {
        if (inputs != null && inputs.size() != partitions) {
            throw new IllegalArgumentException(inputs.size() + " step inputs for " + partitions + " partitions");
        }
        Broadcast<float[]> weights = jsc.broadcast(ParameterVector.values(params));
        try {
            JavaPairRDD<Integer, Partial> parts = shards.mapPartitionsToPair(
                    new GradientTask<>(weights, model, partitions, step, inputs, failure), true);
            Partial total = FixedOrderSum.sum(parts, partitions);
            optimizer.setLearningRate(lr);
            GradientShards.setGradients(params, total.gradient());
            if (clip > 0) {
                GradClip.byGlobalNorm(params, clip);
            }
            optimizer.step();
            optimizer.zeroGrad();
            return total;
        } finally {
            weights.destroy();
        }
    }
}
