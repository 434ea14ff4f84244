package dev.lanegrad.spark.job;

import dev.lanegrad.spark.train.DataParallelTrainer;
import dev.lanegrad.spark.train.TrainSettings;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.Cells;
import dev.lanegrad.tasks.data.Scaler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * {@code train}: synchronous data-parallel training of a forecaster on a table of (window, target) rows, saved
 * after every epoch as a {@code lanegrad forecast} checkpoint folder.
 */
final class TrainJob {

    static final Set<String> OPTIONS = Set.of("input", "out", "format", "input-col", "target-col", "cell", "hidden", "layers",
            "partitions", "batch", "epochs", "lr", "clip", "seed");

    private TrainJob() {
    }

    static void run(SparkSession spark, Options o, PrintStream out) {
        Options.Training job = o.training(spark);
        String input = job.input();
        Path dir = job.out();
        String in = o.get("input-col", "window");
        String target = o.get("target-col", "target");
        TrainSettings s = TrainSettings.of(Cells.parseTaskCell(o.get("cell", "lstm")), o.integer("hidden", 32), o.integer("layers", 2),
                job.partitions(), job.batch(), o.integer("epochs", 10),
                (float) o.number("lr", 3e-3), (long) o.number("seed", 42)).withClipNorm(o.number("clip", 1.0));
        Dataset<Row> df = Tables.read(spark, input, Tables.format(input, o.get("format", null)));
        df = Tables.numericArrays(Tables.numericArrays(df, in, 1), target, 1);
        Scaler scaler = DataParallelTrainer.fitStandardScaler(df, in);
        out.printf(Locale.ROOT, "training a %s %d x %d forecaster on %s: %d partitions x %d windows per step (global batch %d), "
                        + "%d epochs, adam lr %.4g, clip %.3g; scaler %s%n", Cells.name(s.cell()), s.layers(), s.hidden(), input,
                s.partitions(), s.batchPerPartition(), s.globalBatch(), s.epochs(), s.lr(), s.clipNorm(), scaler.encode());
        long t0 = System.nanoTime();
        DataParallelTrainer.Result r = DataParallelTrainer.train(df, in, target, scaler, s, dir, e -> out.printf(Locale.ROOT,
                "epoch %d: %d steps, mean training loss %.6f (scaled units), %.1f s%n", e.epoch(), e.steps(), e.meanLoss(),
                (System.nanoTime() - t0) / 1e9));
        out.printf(Locale.ROOT, "trained on %,d windows (%,d past the last full global batch left out); saved %s%n", r.rowsUsed(),
                r.rowsDropped(), dir);
        out.println("more: ./lanegrad forecast --checkpoint " + dir + " ...");
    }
}
