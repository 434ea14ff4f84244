package dev.lanegrad.spark;

import dev.lanegrad.models.nn.GRU;
import dev.lanegrad.models.nn.LSTM;
import dev.lanegrad.models.nn.RNN;
import dev.lanegrad.models.nn.RecurrentLayer;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Scoring throughput of the transformer in local mode at S5's shape (I=128, H=256, T=50, batches of 64), to set
 * beside {@code ./lanegrad bench --case S5 --threads 2}. Not a test (no timing in the suite): the lead runs it,
 * on a quiet machine, after {@code mvn -pl spark -am test-compile}:
 *
 * <pre>
 * cd spark && java [the surefire argLine flags] -cp target/test-classes:target/classes:$(cat target/spark-classpath.txt) \
 *     dev.lanegrad.spark.ScoringThroughput [lstm|gru|rnn] [sequences=20000] [master=local[2]] [repeats=5]
 * </pre>
 *
 * Prints one line per timed repeat and the best, in sequences per second. The input is made and cached first,
 * so the figure is the transformer's: rows to batches, the forward, batches back to rows.
 */
public final class ScoringThroughput {

    private static final int I = 128;
    private static final int H = 256;
    private static final int T = 50;
    private static final int B = 64;

    public static void main(String[] args) throws Exception {
        String cell = args.length > 0 ? args[0] : "lstm";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        String master = args.length > 2 ? args[2] : "local[2]";
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        RecurrentLayer layer = switch (cell) {
            case "gru" -> GRU.builder(I, H).seed(1).build();
            case "rnn" -> RNN.builder(I, H).seed(1).build();
            default -> LSTM.builder(I, H).seed(1).build();
        };
        Path file = Files.createTempFile("s5-" + cell, ".safetensors");
        layer.save(file);
        SparkSession spark = SparkSession.builder().master(master).appName("lanegrad scoring throughput")
                .config("spark.ui.enabled", "false").getOrCreate();
        int partitions = spark.sparkContext().defaultParallelism();
        StructType schema = new StructType().add("seq",
                DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), false);
        MapFunction<Long, Row> row = id -> {
            SplittableRandom r = new SplittableRandom(id);
            float[][] seq = new float[T][I];
            for (float[] step : seq) {
                for (int k = 0; k < I; k++) {
                    step[k] = (float) (r.nextDouble() * 2 - 1);
                }
            }
            return RowFactory.create((Object) seq);
        };
        Dataset<Row> input = spark.range(0, n, 1, partitions).map(row, Encoders.row(schema)).cache();
        input.count();
        SequenceTransformer t = SequenceTransformer.fromCheckpoint(file).setInputCol("seq").setOutputCol("h").setBatchSize(B);
        System.out.printf(Locale.ROOT, "%s I=%d H=%d T=%d, batches of %d, %d sequences in %d partitions, %s, Java %s%n", cell, I, H,
                T, B, n, partitions, master, Runtime.version());
        double best = 0;
        for (int rep = 0; rep <= repeats; rep++) {
            long t0 = System.nanoTime();
            t.transform(input).write().format("noop").mode("overwrite").save();
            double s = (System.nanoTime() - t0) / 1e9;
            double rate = n / s;
            if (rep > 0) { // the first pass warms up the JIT and loads the model
                best = Math.max(best, rate);
            }
            System.out.printf(Locale.ROOT, "%s %d: %.2f s, %.0f seq/s%n", rep == 0 ? "warm-up" : "repeat", rep, s, rate);
        }
        System.out.printf(Locale.ROOT, "best: %.0f seq/s (compare: ./lanegrad bench --case S5 --cell %s --threads 2)%n", best, cell);
        spark.stop();
        Files.deleteIfExists(file);
    }
}
