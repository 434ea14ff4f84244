package dev.lanegrad.spark.job;

import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** {@code --name value} pairs of a job's command line; an unknown or valueless option is an error naming the known ones. */
final class Options {

    private final Map<String, String> values = new LinkedHashMap<>();

    Options(String[] args, int from, Set<String> known) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !known.contains(a.substring(2))) {
                throw new IllegalArgumentException("unknown option " + a + "; expected one of --" + String.join(", --", known));
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            values.put(a.substring(2), args[++i]);
        }
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("option --" + name + " is required");
        }
        return v;
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback) {
        return parsed(name, fallback, Integer::parseInt, "an integer");
    }

    double number(String name, double fallback) {
        return parsed(name, fallback, Double::parseDouble, "a number");
    }

    private <T> T parsed(String name, T fallback, Function<String, T> parse, String expected) {
        String v = values.get(name);
        try {
            return v == null ? fallback : parse.apply(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " " + v + ": expected " + expected);
        }
    }

    /** What every training job is given: --input, --out, --partitions K (default: Spark's parallelism), --batch b per partition. */
    record Training(String input, Path out, int partitions, int batch) {
    }

    Training training(SparkSession spark) {
        return new Training(required("input"), Path.of(required("out")),
                integer("partitions", spark.sparkContext().defaultParallelism()), integer("batch", 16));
    }
}
