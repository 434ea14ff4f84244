package dev.lanegrad.spark.train;

import dev.lanegrad.spark.Cells;
import dev.lanegrad.tasks.data.Scaler;
import org.apache.spark.HashPartitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Lays the training windows out for synchronous steps: row i of the data (in the DataFrame's order) belongs to
 * step i / (K*b) and to partition (i mod K*b) / b, so each of the K partitions holds its b windows of every
 * step, in order, as one cached {@link Shard}. Rows past the last full global batch are left out.
 */
public final class Shards {

    private Shards() {
    }

    /** The cached shards (one per partition) and how many steps an epoch has. */
    public record Layout(JavaRDD<Shard> shards, int stepsPerEpoch, long rowsUsed, long rowsDropped) {
    }

    public static Layout build(Dataset<Row> data, String inputCol, String targetCol, Scaler scaler, TrainSettings s,
                               int window, int horizon) {
        int k = s.partitions();
        int b = s.batchPerPartition();
        long global = s.globalBatch();
        long n = data.count();
        long steps = n / global;
        if (steps < 1) {
            throw new IllegalArgumentException(n + " training rows, fewer than one global batch of " + global + " ("
                    + k + " partitions x " + b + "); use fewer partitions or a smaller batch");
        }
        long used = steps * global;
        // Scaler is not Serializable: its three fields travel, and each task makes its own
        Scaler.Kind kind = scaler.kind();
        double shift = scaler.shift();
        double scale = scaler.scale();
        JavaRDD<Shard> shards = data.select(inputCol, targetCol).javaRDD().zipWithIndex()
                .mapPartitionsToPair(it -> {
                    Scaler sc = new Scaler(kind, shift, scale);
                    List<Tuple2<Integer, Tuple2<Long, float[][]>>> keyed = new ArrayList<>();
                    while (it.hasNext()) {
                        Tuple2<Row, Long> t = it.next();
                        if (t._2 < used) {
                            keyed.add(new Tuple2<>((int) ((t._2 % global) / b), new Tuple2<>(t._2, new float[][] {
                                    scaled(t._1, 0, window, sc, inputCol), scaled(t._1, 1, horizon, sc, targetCol)})));
                        }
                    }
                    return keyed.iterator();
                })
                .partitionBy(new HashPartitioner(k)) // key k (an int) goes to partition k
                .mapPartitions(it -> {
                    int partition = TaskContext.getPartitionId();
                    List<Tuple2<Long, float[][]>> rows = new ArrayList<>();
                    while (it.hasNext()) {
                        Tuple2<Integer, Tuple2<Long, float[][]>> r = it.next();
                        if (r._1 != partition) {
                            throw new IllegalStateException("row for partition " + r._1 + " in partition " + partition);
                        }
                        rows.add(r._2);
                    }
                    rows.sort(Comparator.comparingLong(Tuple2::_1));
                    float[] in = new float[rows.size() * window];
                    float[] out = new float[rows.size() * horizon];
                    for (int j = 0; j < rows.size(); j++) {
                        System.arraycopy(rows.get(j)._2[0], 0, in, j * window, window);
                        System.arraycopy(rows.get(j)._2[1], 0, out, j * horizon, horizon);
                    }
                    return List.of(new Shard(rows.size(), window, horizon, in, out)).iterator();
                }, true);
        shards.persist(StorageLevel.MEMORY_ONLY());
        shards.count();
        return new Layout(shards, (int) steps, used, n - used);
    }

    /** A row's array column as scaled floats, its length checked. */
    static float[] scaled(Row r, int index, int expected, Scaler scaler, String column) {
        if (r.isNullAt(index)) {
            throw new IllegalArgumentException("a null " + column + ", expected an array of " + expected + " numbers");
        }
        float[] v = Cells.floats(r.get(index), column);
        if (v.length != expected) {
            throw new IllegalArgumentException("a " + column + " of " + v.length + " values, expected " + expected
                    + " (every row the same length)");
        }
        float[] f = new float[expected];
        for (int i = 0; i < expected; i++) {
            f[i] = (float) scaler.apply(v[i]);
        }
        return f;
    }
}
