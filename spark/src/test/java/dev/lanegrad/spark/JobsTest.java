package dev.lanegrad.spark;

import dev.lanegrad.spark.job.Jobs;
import dev.lanegrad.tasks.charlm.CharLmCheckpoint;
import dev.lanegrad.tasks.classify.TextClassifier;
import dev.lanegrad.tasks.forecast.Forecaster;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The jobs as a user runs them: train on Parquet, a checkpoint folder `lanegrad forecast` loads, predict with it. */
class JobsTest {

    @TempDir
    Path dir;

    @Test
    void trainThenPredictOverParquet() throws Exception {
        String table = dir.resolve("windows.parquet").toString();
        StructType schema = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("window", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("target", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        MapFunction<Long, Row> row = id -> {
            float[][] w = DataParallelTrainerTest.window(id);
            return RowFactory.create(id, w[0], w[1]);
        };
        LocalSpark.session().range(0, 100, 1, 2).map(row, Encoders.row(schema)).write().parquet(table);

        Path checkpoint = dir.resolve("forecaster");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Jobs.run(LocalSpark.session(), new String[] {"train", "--input", table, "--out", checkpoint.toString(),
                "--hidden", "8", "--layers", "1", "--partitions", "2", "--batch", "8", "--epochs", "1", "--lr", "0.01"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("trained on 96 windows (4 past the last full global batch left out)"),
                out.toString(StandardCharsets.UTF_8));

        String scored = dir.resolve("scored.parquet").toString();
        code = Jobs.run(LocalSpark.session(), new String[] {"predict", "--model", checkpoint.toString(), "--input", table,
                "--input-col", "window", "--output", scored, "--batch", "32"}, System.out, System.err);
        assertEquals(0, code);

        Forecaster forecaster = Forecaster.load(checkpoint);
        List<Row> rows = LocalSpark.session().read().parquet(scored).orderBy("id").collectAsList();
        assertEquals(100, rows.size());
        for (Row r : rows) {
            float[] w = Cells.floats(r.get(r.fieldIndex("window")), "window");
            double[] recent = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                recent[i] = w[i];
            }
            double[] got = doubles(r.getList(r.fieldIndex("prediction")));
            // one row alone vs in a batch of 32: the head's product may round the last float bit differently
            // (SequenceTransformerTest checks bit-for-bit equality batch for batch)
            assertArrayEquals(forecaster.predict(recent), got, 1e-6 * forecaster.scaler().scale(), "forecast of row " + r.getLong(0));
        }
    }

    @Test
    void theCharLmAndTheClassifierTrainFromFilesIntoFoldersTheirLoadersRead() throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, DataParallelCharLmTest.text(400));
        Path lm = dir.resolve("charlm");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Jobs.run(LocalSpark.session(), new String[] {"train-charlm", "--input", text.toString(), "--out", lm.toString(),
                "--partitions", "2", "--batch", "2", "--steps", "2", "--embed", "4", "--hidden", "6", "--layers", "1",
                "--seq-len", "8", "--warmup", "0", "--val-every", "2"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
        assertEquals(2, CharLmCheckpoint.load(lm).step(), "what ./lanegrad sample and eval load");

        Path table = dir.resolve("sentences.csv");
        StringBuilder csv = new StringBuilder("text,label\n");
        for (int i = 0; i < 12; i++) {
            csv.append(i % 2 == 0 ? "a good film" : "a bad plot").append(" number ").append(i).append(',')
                    .append(i % 2 == 0 ? "pos" : "neg").append('\n');
        }
        Files.writeString(table, csv);
        Path classifier = dir.resolve("classifier");
        code = Jobs.run(LocalSpark.session(), new String[] {"train-classify", "--input", table.toString(), "--out",
                classifier.toString(), "--partitions", "2", "--batch", "3", "--epochs", "1", "--embedding", "4", "--hidden", "4"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("neg", "pos"), TextClassifier.load(classifier).labels(), "what ./lanegrad classify --checkpoint loads");
    }

    @Test
    void aWrongCallExitsWith2AndSaysWhy() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Jobs.run(LocalSpark.session(), new String[] {"predict", "--modle", "x"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option --modle; expected one of --batch"),
                err.toString(StandardCharsets.UTF_8));
        err.reset();
        code = Jobs.run(LocalSpark.session(), new String[] {"predict", "--model", dir.resolve("nothing").toString(), "--input", "a",
                "--output", "b"}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no such file or folder"), err.toString(StandardCharsets.UTF_8));
        assertTrue(Files.notExists(dir.resolve("b")));
    }

    private static double[] doubles(List<Object> list) {
        double[] d = new double[list.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = ((Number) list.get(i)).doubleValue();
        }
        return d;
    }
}
