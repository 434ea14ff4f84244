package dev.lanegrad.spark.job;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.TreeSet;

/** Parses the job name, starts (or joins) the Spark session, runs the job; errors become a message and exit code 2. */
public final class Jobs {

    static final String USAGE = String.join("\n",
            "usage: spark-submit --class dev.lanegrad.spark.Main lanegrad-spark.jar JOB [options]",
            "       ./lanegrad spark JOB [options]          (local mode: --master local[*] unless -Dspark.master is set)",
            "JOB: predict, train (a forecaster), train-charlm, train-classify",
            "",
            "predict --model CHECKPOINT --input TABLE --output TABLE",
            "        [--input-col sequence] [--lengths-col COL] [--output-col prediction]",
            "        [--kind hidden|outputs|forecast|probabilities] [--batch 256] [--partitions N] [--format parquet|csv] [--output-format ...]",
            "train   --input TABLE --out CHECKPOINT_FOLDER [--input-col window] [--target-col target]",
            "        [--cell lstm|gru] [--hidden 32] [--layers 2] [--partitions K] [--batch b per partition] [--epochs 10]",
            "        [--lr 0.003] [--clip 1.0] [--seed 42] [--format parquet|csv]",
            "train-charlm --input TEXT --out CHECKPOINT_FOLDER [--text-col text] [--partitions K] [--batch b streams per partition]",
            "        [--steps 1000] [--cell lstm] [--embed 64] [--hidden 256] [--layers 2] [--seq-len 64] [--lr 0.002] [--min-lr 0.0001]",
            "        [--warmup 50] [--schedule cosine|constant] [--optimizer adam] [--clip 5] [--val-frac 0.05] [--val-every 400] [--seed 1234]",
            "train-classify --input TABLE --out CHECKPOINT_FOLDER [--text-col text] [--label-col label] [--partitions K]",
            "        [--batch b per partition] [--epochs 10] [--cell gru] [--embedding 128] [--hidden 128] [--layers 1]",
            "        [--bidirectional true] [--pooling max|mean|last] [--lr 0.002] [--weight-decay 0] [--clip 1.0]",
            "        [--min-frequency 1] [--max-length 100] [--seed 42]",
            "Training runs without dropout (a partition's masks could not be one process's).",
            "",
            "TEXT: a text file (.txt or --format text), or a TABLE's string column (rows joined by newlines).",
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
                case "train-charlm" -> new Options(args, 1, new TreeSet<>(TrainCharLmJob.OPTIONS));
                case "train-classify" -> new Options(args, 1, new TreeSet<>(TrainClassifyJob.OPTIONS));
                default -> throw new IllegalArgumentException("unknown job " + args[0]
                        + "; expected predict, train, train-charlm or train-classify");
            };
        } catch (IllegalArgumentException e) {
            err.println("lanegrad spark: " + e.getMessage());
            err.println(USAGE);
            return null;
        }
    }

    private static int execute(SparkSession spark, String job, Options options, PrintStream out, PrintStream err) {
        try {
            switch (job) {
                case "predict" -> PredictJob.run(spark, options, out);
                case "train-charlm" -> TrainCharLmJob.run(spark, options, out);
                case "train-classify" -> TrainClassifyJob.run(spark, options, out);
                default -> TrainJob.run(spark, options, out);
            }
            return 0;
        } catch (IllegalArgumentException | java.io.IOException | java.io.UncheckedIOException e) {
            err.println("lanegrad spark " + job + ": " + e.getMessage());
            return 2;
        }
    }
}
