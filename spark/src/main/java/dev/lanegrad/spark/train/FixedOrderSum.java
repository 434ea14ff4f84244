package dev.lanegrad.spark.train;

import dev.lanegrad.tasks.GradientShards;
import org.apache.spark.api.java.JavaPairRDD;
import scala.Tuple2;

import java.util.List;

/**
 * Sums the K partitions' gradients on the executors in {@link GradientShards}' tree: at each level, the partials
 * of partitions 2i and 2i+1 (by range) are added, left + right, in one reduceByKey keyed by
 * {@link GradientShards#parent}. ceil(log2 K) levels, each moving at most K/2^level gradients; the driver receives
 * one. Unlike treeAggregate, whose merge order follows task completion, the result is the same float sum on
 * every run and every retry, and the same as one process summing K gradient shards.
 */
public final class FixedOrderSum {

    private FixedOrderSum() {
    }

    /** parts: (partition index, partial of that partition alone), K of them. */
    public static Partial sum(JavaPairRDD<Integer, Partial> parts, int k) {
        JavaPairRDD<Integer, Partial> level = parts;
        int n = k;
        while (n > 1) {
            int next = (n + 1) / 2;
            level = level.mapToPair(p -> new Tuple2<>(GradientShards.parent(p._1), p._2)).reduceByKey(Partial::plus, next);
            n = next;
        }
        List<Tuple2<Integer, Partial>> one = level.collect();
        if (one.size() != 1 || one.get(0)._2.first() != 0 || one.get(0)._2.last() != k - 1) {
            throw new IllegalStateException("the gradient sum over " + k + " partitions ended as " + one.size() + " partials");
        }
        return one.get(0)._2;
    }
}
