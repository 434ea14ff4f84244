package dev.lanegrad.spark;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.GRU;
import dev.lanegrad.models.nn.LSTM;
import dev.lanegrad.models.nn.RNN;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.nn.RecurrentOutput;
import dev.lanegrad.spark.score.Output;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transformer on 10,000 sequences in local[2] writes what the single-machine forward computes: bit for bit
 * for the same batches (the rows each partition put through one forward), and bit for bit against one forward over
 * all 10,000 at once with deterministic kernels (without them, with lengths, a row's last bits depend on which rows
 * share its batch: the vector kernels leave the last elements of a step to their scalar twin, whose SVML-free
 * tanh/sigmoid rounds differently; within 1e-6).
 */
class SequenceTransformerTest {

    private static final int ROWS = 10_000;
    private static final int FEATURES = 3;
    private static final int MAX_STEPS = 9;
    private static final int BATCH = 128;
    /** The module's tests run with deterministic kernels (spark/pom.xml); -Dtest.jvm.extra may turn them off. */
    private static final boolean DETERMINISTIC = Boolean.parseBoolean(System.getProperty("lanegrad.deterministic", "false"));

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, lengths {1}")
    @CsvSource({"lstm, false", "lstm, true", "gru, false", "gru, true", "rnn, false", "rnn, true"})
    void hiddenStatesAndOutputsAreTheSingleMachineForward(String cell, boolean withLengths) throws Exception {
        RecurrentLayer layer = stack(cell);
        Path file = dir.resolve(cell + ".safetensors");
        layer.save(file);
        int loadsBefore = ExecutorModels.loads();

        SequenceTransformer hidden = SequenceTransformer.fromCheckpoint(file).setInputCol("seq").setOutputCol("h")
                .setBatchSize(BATCH);
        SequenceTransformer steps = SequenceTransformer.fromCheckpoint(file).setInputCol("seq").setOutputCol("out")
                .setOutput(Output.OUTPUTS).setBatchSize(BATCH);
        if (withLengths) {
            hidden.setLengthsCol("len");
            steps.setLengthsCol("len");
        }
        Dataset<Row> in = sequences(withLengths).withColumn("pos", functions.monotonically_increasing_id());
        List<Row> scored = steps.transform(hidden.transform(in)).select("id", "pos", "h", "out").collectAsList();
        assertEquals(ROWS, scored.size());

        // the same batches on one machine: each partition's rows in order, BATCH at a time
        TreeMap<Long, List<Row>> partitions = new TreeMap<>();
        for (Row r : scored) {
            partitions.computeIfAbsent(r.getLong(1) >>> 33, k -> new ArrayList<>()).add(r);
        }
        assertTrue(partitions.size() > 1, "the rows were spread over more than one partition");
        int d = layer.bidirectional() ? 2 : 1;
        int width = d * layer.hiddenSize();
        float[][] allAtOnce = forward(layer, ids(0, ROWS), withLengths).hidden;
        double worst = 0;
        for (List<Row> part : partitions.values()) {
            part.sort(Comparator.comparingLong(r -> r.getLong(1)));
            for (int from = 0; from < part.size(); from += BATCH) {
                List<Row> batch = part.subList(from, Math.min(part.size(), from + BATCH));
                int[] ids = batch.stream().mapToInt(r -> r.getInt(0)).toArray();
                Forward f = forward(layer, ids, withLengths);
                for (int j = 0; j < ids.length; j++) {
                    Row r = batch.get(j);
                    assertArrayEquals(f.hidden[j], floats(r.getList(2)), "hidden state of row " + ids[j]);
                    List<?> out = r.getList(3);
                    assertEquals(f.lengths[j], out.size(), "steps of row " + ids[j]);
                    for (int s = 0; s < out.size(); s++) {
                        assertArrayEquals(f.outputs[j][s], floats(asList(out.get(s))), "output of row " + ids[j] + " step " + s);
                    }
                    for (int k = 0; k < width; k++) {
                        worst = Math.max(worst, Math.abs(f.hidden[j][k] - allAtOnce[ids[j]][k]));
                    }
                }
            }
        }
        if (!withLengths || DETERMINISTIC) {
            assertEquals(0.0, worst, "a row's result does not depend on its batch (without lengths, or deterministic kernels)");
        }
        assertTrue(worst <= 1e-6, "against one forward over all rows: max abs difference " + worst);
        // at most once: a case whose stack has the same bytes as an earlier case's finds it cached (same SHA-256)
        assertTrue(ExecutorModels.loads() - loadsBefore <= 1, "the checkpoint is loaded once in this JVM, not per task or row");
    }

    /** Small 2-layer stacks (fast); the GRU one bidirectional, so the reverse direction's packed path is covered too. */
    static RecurrentLayer stack(String cell) {
        return switch (cell) {
            case "lstm" -> LSTM.builder(FEATURES, 8).numLayers(2).seed(21).build();
            case "gru" -> GRU.builder(FEATURES, 6).numLayers(2).bidirectional(true).seed(22).build();
            default -> RNN.builder(FEATURES, 7).numLayers(2).seed(23).build();
        };
    }

    /** Row id's length: MAX_STEPS without lengths, else in [1, MAX_STEPS]; the array is MAX_STEPS long either way. */
    static int length(int id, boolean withLengths) {
        return withLengths ? 1 + new SplittableRandom(id * 31L + 7).nextInt(MAX_STEPS) : MAX_STEPS;
    }

    /** Row id's values, MAX_STEPS x FEATURES (zeros past its length). */
    static float[] values(int id, boolean withLengths) {
        SplittableRandom r = new SplittableRandom(id * 1_000_003L + 11);
        float[] v = new float[MAX_STEPS * FEATURES];
        for (int j = 0; j < length(id, withLengths) * FEATURES; j++) {
            v[j] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** ROWS rows (id, seq array<array<float>>, len), made on the executors from the id. */
    static Dataset<Row> sequences(boolean withLengths) {
        StructType schema = new StructType()
                .add("id", DataTypes.IntegerType, false)
                .add("seq", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), false)
                .add("len", DataTypes.IntegerType, false);
        MapFunction<Long, Row> row = id -> {
            int i = id.intValue();
            float[] v = values(i, withLengths);
            float[][] seq = new float[MAX_STEPS][]; // Encoders.row takes Java arrays (or Scala Seqs), not java.util.List
            for (int s = 0; s < MAX_STEPS; s++) {
                seq[s] = Arrays.copyOfRange(v, s * FEATURES, (s + 1) * FEATURES);
            }
            return RowFactory.create(i, seq, length(i, withLengths));
        };
        return LocalSpark.session().range(0, ROWS, 1, 3).map(row, Encoders.row(schema));
    }

    record Forward(int[] lengths, float[][] hidden, float[][][] outputs) {
    }

    /** The layer on this thread over the given rows in one call (lengths when withLengths). */
    static Forward forward(RecurrentLayer layer, int[] ids, boolean withLengths) {
        int b = ids.length;
        int steps = 0;
        int[] lengths = new int[b];
        for (int j = 0; j < b; j++) {
            lengths[j] = length(ids[j], withLengths);
            steps = Math.max(steps, lengths[j]);
        }
        float[] x = new float[steps * b * FEATURES];
        for (int j = 0; j < b; j++) {
            float[] v = values(ids[j], withLengths);
            for (int s = 0; s < lengths[j]; s++) {
                System.arraycopy(v, s * FEATURES, x, (s * b + j) * FEATURES, FEATURES);
            }
        }
        int d = layer.bidirectional() ? 2 : 1;
        int h = layer.hiddenSize();
        layer.eval();
        try (Tape tape = new Tape(); Tape.NoGrad ng = tape.noGrad()) {
            RecurrentOutput r = layer.forward(Tensor.wrap(x, 0, steps, b, FEATURES), withLengths ? lengths : null);
            float[] hn = r.hn().toArray();
            float[] o = r.output().toArray();
            int top = (layer.numLayers() - 1) * d;
            float[][] hidden = new float[b][d * h];
            float[][][] outputs = new float[b][][];
            for (int j = 0; j < b; j++) {
                for (int k = 0; k < d; k++) {
                    System.arraycopy(hn, ((top + k) * b + j) * h, hidden[j], k * h, h);
                }
                outputs[j] = new float[lengths[j]][];
                for (int s = 0; s < lengths[j]; s++) {
                    outputs[j][s] = Arrays.copyOfRange(o, (s * b + j) * d * h, (s * b + j + 1) * d * h);
                }
            }
            return new Forward(lengths, hidden, outputs);
        }
    }

    static int[] ids(int from, int to) {
        int[] ids = new int[to - from];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = from + i;
        }
        return ids;
    }

    static float[] floats(List<?> list) {
        float[] f = new float[list.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) list.get(i)).floatValue();
        }
        return f;
    }

    static List<?> asList(Object o) {
        return o instanceof List<?> l ? l : scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) o);
    }
}
