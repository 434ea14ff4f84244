package dev.lanegrad.spark.job;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;

import java.util.Locale;

/**
 * Parquet or CSV in and out. CSV has no arrays, so a sequence cell is text: numbers separated by spaces
 * ("0.5 1.25 2"), and for several features per step, steps separated by ';' ("1 2; 3 4"). Written CSV uses the
 * same form.
 */
final class Tables {

    private Tables() {
    }

    /**
     * "parquet", "csv" or "text" (lines, one string column "value"): the --format option, else the path's extension
     * (.csv, .txt; a folder of part files counts as parquet).
     */
    static String format(String path, String option) {
        String lower = path.toLowerCase(Locale.ROOT);
        String f = option != null ? option : lower.endsWith(".csv") ? "csv" : lower.endsWith(".txt") ? "text" : "parquet";
        if (!f.equals("csv") && !f.equals("parquet") && !f.equals("text")) {
            throw new IllegalArgumentException("format " + f + ", expected parquet, csv or text");
        }
        return f;
    }

    static Dataset<Row> read(SparkSession spark, String path, String format) {
        return switch (format) {
            case "csv" -> spark.read().option("header", "true").csv(path);
            case "text" -> spark.read().text(path);
            default -> spark.read().parquet(path);
        };
    }

    /** A CSV text column as array&lt;float&gt; (features == 1) or array&lt;array&lt;float&gt;&gt;; other columns unchanged. */
    static Dataset<Row> numericArrays(Dataset<Row> df, String column, int features) {
        if (df.schema().apply(column).dataType() instanceof ArrayType) {
            return df;
        }
        Column text = functions.trim(functions.col(column));
        Column parsed = features == 1
                ? functions.split(text, "\\s+").cast("array<float>")
                : functions.transform(functions.split(text, "\\s*;\\s*"),
                        step -> functions.split(functions.trim(step), "\\s+").cast("array<float>"));
        return df.withColumn(column, parsed);
    }

    /** Writes df; for CSV every array column becomes text in the form {@link #numericArrays} reads. */
    static void write(Dataset<Row> df, String path, String format) {
        if (format.equals("csv")) {
            for (StructField f : df.schema().fields()) {
                DataType t = f.dataType();
                if (t instanceof ArrayType a) {
                    Column c = functions.col(f.name());
                    Column text = a.elementType() instanceof ArrayType
                            ? functions.array_join(functions.transform(c, s -> functions.array_join(s.cast("array<string>"), " ")), "; ")
                            : functions.array_join(c.cast("array<string>"), " ");
                    df = df.withColumn(f.name(), text);
                }
            }
            df.write().mode(SaveMode.ErrorIfExists).option("header", "true").csv(path);
        } else {
            df.write().mode(SaveMode.ErrorIfExists).parquet(path);
        }
    }
}
