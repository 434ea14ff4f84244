package dev.lanegrad.spark.job;

import dev.lanegrad.spark.train.DataParallelCharLm;
import dev.lanegrad.tasks.charlm.TrainingConfig;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;

/**
 * {@code train-charlm}: synchronous data-parallel training of a char-LM on a text (a text file, or a table's string
 * column, rows joined by newlines), saved as a {@code lanegrad train} checkpoint folder every --val-every steps.
 */
final class TrainCharLmJob {

    static final Set<String> OPTIONS = Set.of("input", "out", "format", "text-col", "cell", "embed", "hidden", "layers",
            "partitions", "batch", "seq-len", "steps", "lr", "min-lr", "warmup", "schedule", "optimizer", "clip", "val-frac",
            "val-every", "seed");

    private TrainCharLmJob() {
    }

    static void run(SparkSession spark, Options o, PrintStream out) {
        Options.Training job = o.training(spark);
        TrainingConfig d = TrainingConfig.defaults();
        TrainingConfig c = d.toBuilder().cell(o.get("cell", d.cell())).embed(o.integer("embed", d.embed()))
                .hidden(o.integer("hidden", d.hidden())).layers(o.integer("layers", d.layers())).dropout(0f)
                .seqLen(o.integer("seq-len", d.seqLen())).batch(job.partitions() * job.batch())
                .steps(o.integer("steps", 1000)).seconds(0)
                .lr((float) o.number("lr", d.lr())).minLr((float) o.number("min-lr", d.minLr()))
                .warmupSteps(o.integer("warmup", d.warmupSteps())).schedule(o.get("schedule", d.schedule()))
                .optimizer(o.get("optimizer", d.optimizer())).clip((float) o.number("clip", d.clip()))
                .valFrac(o.number("val-frac", d.valFrac())).valEvery(o.integer("val-every", d.valEvery()))
                .seed((long) o.number("seed", d.seed())).build();
        DataParallelCharLm.check(c, job.partitions());
        String format = Tables.format(job.input(), o.get("format", null));
        String column = format.equals("text") ? "value" : o.get("text-col", "text");
        String text = DataParallelCharLm.text(Tables.read(spark, job.input(), format), column);
        out.printf(Locale.ROOT, "training a char-LM on %s (%,d characters): %s; %d partitions x %d streams per step%n",
                job.input(), text.length(), c, job.partitions(), job.batch());
        long t0 = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        DataParallelCharLm.train(jsc, text, c, job.partitions(), job.out(), p -> out.printf(Locale.ROOT,
                "step %d: training loss %.4f, held-out loss %.4f nats per character, %.1f s%n", p.step(), p.trainingLoss(),
                p.validationLoss(), (System.nanoTime() - t0) / 1e9));
        out.println("saved " + job.out() + "; more: ./lanegrad sample --checkpoint " + job.out() + ", ./lanegrad eval --checkpoint "
                + job.out());
    }
}
