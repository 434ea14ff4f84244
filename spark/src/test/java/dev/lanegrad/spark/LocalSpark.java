package dev.lanegrad.spark;

import org.apache.spark.sql.SparkSession;

/**
 * One local-mode Spark for every test class of this JVM: 2 worker threads, and up to 4 attempts per task
 * ({@code local[2,4]}) so a task failed on purpose is retried as on a cluster.
 */
public final class LocalSpark {

    private static SparkSession session;

    private LocalSpark() {
    }

    public static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2,4]")
                    .appName("lanegrad-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }
}
