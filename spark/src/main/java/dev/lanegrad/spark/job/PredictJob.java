package dev.lanegrad.spark.job;

import dev.lanegrad.spark.SequenceTransformer;
import dev.lanegrad.spark.score.Output;
import dev.lanegrad.spark.score.SequenceModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** {@code predict}: scores a table with a checkpoint and writes the table with the output column added. */
final class PredictJob {

    static final Set<String> OPTIONS = Set.of("model", "input", "output", "format", "output-format", "input-col", "lengths-col",
            "output-col", "kind", "batch", "partitions");

    private PredictJob() {
    }

    static void run(SparkSession spark, Options o, PrintStream out) throws IOException {
        String input = o.required("input");
        String output = o.required("output");
        SequenceTransformer t = SequenceTransformer.fromCheckpoint(Path.of(o.required("model")))
                .setInputCol(o.get("input-col", "sequence"))
                .setLengthsCol(o.get("lengths-col", ""))
                .setOutputCol(o.get("output-col", "prediction"))
                .setBatchSize(o.integer("batch", 256));
        if (o.get("kind", null) != null) {
            t.setOutput(Output.parse(o.get("kind", null)));
        }
        SequenceModel m = t.loadedModel();
        String inFormat = Tables.format(input, o.get("format", null));
        Dataset<Row> df = Tables.read(spark, input, inFormat);
        if (m.input() == SequenceModel.Input.SERIES) {
            df = Tables.numericArrays(df, t.getOrDefault(t.inputCol()), m.features());
        }
        if (!t.getOrDefault(t.lengthsCol()).isEmpty()) {
            df = df.withColumn(t.getOrDefault(t.lengthsCol()), df.col(t.getOrDefault(t.lengthsCol())).cast("int"));
        }
        int partitions = o.integer("partitions", 0);
        if (partitions > 0) {
            df = df.repartition(partitions);
        }
        out.println("model: " + m.describe() + ", " + t.modelBytes());
        out.println("scoring " + input + " (" + inFormat + ") -> " + output + ", writing " + t.resolvedOutput().id() + " to column "
                + t.getOrDefault(t.outputCol()));
        long t0 = System.nanoTime();
        Dataset<Row> scored = t.transform(df);
        Tables.write(scored, output, Tables.format(output, o.get("output-format", null)));
        out.printf("done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
}
