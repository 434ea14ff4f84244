package dev.lanegrad.spark.job;

import dev.lanegrad.spark.train.DataParallelClassifier;
import dev.lanegrad.tasks.Cells;
import dev.lanegrad.tasks.classify.ClassifyConfig;
import dev.lanegrad.tasks.classify.Pooling;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;

/**
 * {@code train-classify}: synchronous data-parallel training of a text classifier on a table's (text, label)
 * columns, saved after every epoch as a {@code lanegrad classify} checkpoint folder.
 */
final class TrainClassifyJob {

    static final Set<String> OPTIONS = Set.of("input", "out", "format", "text-col", "label-col", "cell", "embedding", "hidden",
            "layers", "bidirectional", "pooling", "partitions", "batch", "epochs", "lr", "weight-decay", "clip", "min-frequency",
            "max-length", "seed");

    private TrainClassifyJob() {
    }

    static void run(SparkSession spark, Options o, PrintStream out) {
        Options.Training job = o.training(spark);
        int k = job.partitions();
        int b = job.batch();
        ClassifyConfig d = ClassifyConfig.builder().build();
        String bidirectional = o.get("bidirectional", Boolean.toString(d.bidirectional()));
        if (!bidirectional.equals("true") && !bidirectional.equals("false")) {
            throw new IllegalArgumentException("--bidirectional " + bidirectional + ": expected true or false");
        }
        ClassifyConfig c = d.toBuilder().cell(Cells.parseTaskCell(o.get("cell", Cells.name(d.cell()))))
                .embedding(o.integer("embedding", d.embedding())).hidden(o.integer("hidden", d.hidden()))
                .layers(o.integer("layers", d.layers())).bidirectional(Boolean.parseBoolean(bidirectional))
                .pooling(Pooling.parse(o.get("pooling", d.pooling().id()))).dropout(0f).batch(k * b)
                .epochs(o.integer("epochs", d.epochs())).lr((float) o.number("lr", d.lr()))
                .weightDecay((float) o.number("weight-decay", d.weightDecay())).clipNorm(o.number("clip", d.clipNorm()))
                .minFrequency(o.integer("min-frequency", d.minFrequency())).maxLength(o.integer("max-length", d.maxLength()))
                .seed((long) o.number("seed", d.seed())).build();
        String text = o.get("text-col", "text");
        String label = o.get("label-col", "label");
        out.printf(Locale.ROOT, "training a %s text classifier on %s: %d partitions x %d sentences per step, %d epochs%n",
                Cells.name(c.cell()), job.input(), k, b, c.epochs());
        long t0 = System.nanoTime();
        Dataset<Row> table = Tables.read(spark, job.input(), Tables.format(job.input(), o.get("format", null)));
        DataParallelClassifier.Result r = DataParallelClassifier.train(table, text, label, c, k, job.out(), e -> out.printf(Locale.ROOT,
                "epoch %d: %d steps, mean training loss %.4f, %.1f s%n", e.epoch(), e.steps(), e.meanLoss(),
                (System.nanoTime() - t0) / 1e9));
        out.println("labels " + r.classifier().labels() + ", " + r.classifier().vocabulary().size() + " words; saved " + job.out());
        out.println("more: ./lanegrad classify --checkpoint " + job.out() + " ...");
    }
}
