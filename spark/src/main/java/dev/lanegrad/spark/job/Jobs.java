package dev.lanegrad.spark.job;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.TreeSet;

/** Parses the job name, starts (or joins) the Spark session, runs the job; errors become a message and exit code 2. */
public final class Jobs {

    static final String USAGE = String.join("\n",
            "usage: spark-submit --class dev.lanegrad.spark.Main lanegrad-spark.jar predict|train [options]",
            "       ./lanegrad spark predict|train [options]          (local mode: --master local[*] unless -Dspark.master is set)",
            "",
            "predict --model CHECKPOINT --input TABLE --output TABLE",
            "        [--input-col sequence] [--lengths-col COL] [--output-col prediction]",
            "        [--kind hidden|outputs|forecast|probabilities] [--batch 256] [--partitions N] [--format parquet|csv] [--output-format ...]",
            "train   --input TABLE --out CHECKPOINT_FOLDER [--input-col window] [--target-col target]",
            "        [--cell lstm|gru] [--hidden 32] [--layers 2] [--partitions K] [--batch b per partition] [--epochs 10]",
            "        [--lr 0.003] [--clip 1.0] [--seed 42] [--format parquet|csv]",
            "",
            "TABLE: Parquet, or CSV with a header (a .csv path or --format csv; sequences as space-separated numbers,",
            "steps separated by ';' when there are several features). See docs/spark.md.");

    private Jobs() {
    }

    /** Runs a job in a Spark session of its own (spark-submit's master, else local[*]); returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        Options options = parse(args, err);
        if (options == null) {
            return 2;
        }
        SparkSession.Builder b = SparkSession.builder().appName("lanegrad " + args[0]);
        if (!new SparkConf().contains("spark.master")) {
            b.master("local[*]"); // spark-submit sets the master; a plain java start runs local mode
        }
        SparkSession spark = b.getOrCreate();
        try {
            return execute(spark, args[0], options, out, err);
        } finally {
            spark.stop();
        }
    }

    /** Runs a job in the given session (left running); returns the exit code. */
    public static int run(SparkSession spark, String[] args, PrintStream out, PrintStream err) {
        Options options = args.length == 0 ? null : parse(args, err);
        return options == null ? 2 : execute(spark, args[0], options, out, err);
    }

    private static Options parse(String[] args, PrintStream err) {
        try {
            return switch (args[0]) {
                case "predict" -> new Options(args, 1, new TreeSet<>(PredictJob.OPTIONS));
                case "train" -> new Options(args, 1, new TreeSet<>(TrainJob.OPTIONS));
                default -> throw new IllegalArgumentException("unknown job " + args[0] + "; expected predict or train");
            };
        } catch (IllegalArgumentException e) {
            err.println("lanegrad spark: " + e.getMessage());
            err.println(USAGE);
            return null;
        }
    }

    private static int execute(SparkSession spark, String job, Options options, PrintStream out, PrintStream err) {
        try {
            if (job.equals("predict")) {
                PredictJob.run(spark, options, out);
            } else {
                TrainJob.run(spark, options, out);
            }
            return 0;
        } catch (IllegalArgumentException | java.io.IOException | java.io.UncheckedIOException e) {
            err.println("lanegrad spark " + job + ": " + e.getMessage());
            return 2;
        }
    }
}
