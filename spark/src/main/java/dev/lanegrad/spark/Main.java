package dev.lanegrad.spark;

import dev.lanegrad.spark.job.Jobs;

/**
 * {@code spark-submit --class dev.lanegrad.spark.Main lanegrad-spark.jar predict|train ...}, and
 * {@code ./lanegrad spark predict|train ...} in local mode. Exit code 0 on success, 2 on a wrong call.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int code = Jobs.run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }
}
