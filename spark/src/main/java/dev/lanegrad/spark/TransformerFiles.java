package dev.lanegrad.spark;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.SparkSession;
import scala.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Spark ML persistence of a {@link SequenceTransformer} (so a Pipeline holding it saves and loads): in the stage's
 * folder, {@code metadata/} as Spark's own stages write it (class, uid, params), and the checkpoint's files as they
 * were, in {@code checkpoint/} (a checkpoint folder: {@code ./lanegrad} loads it from there too) or
 * {@code checkpoint-file/} (a recurrent layer's single {@code .safetensors}). Through Hadoop's file system, so the
 * path may be anywhere Spark writes (HDFS, S3 ...).
 */
final class TransformerFiles {

    static final String FOLDER = "checkpoint";
    static final String FILE = "checkpoint-file";

    private TransformerFiles() {
    }

    static final class Writer extends MLWriter {
        private final SequenceTransformer stage;

        Writer(SequenceTransformer stage) {
            this.stage = stage;
        }

        @Override
        public void saveImpl(String path) {
            SparkSession spark = sparkSession();
            DefaultParamsWriter$.MODULE$.saveMetadata(stage, path, spark);
            ModelBytes model = stage.modelBytes();
            Path dir = new Path(path, model.isFolder() ? FOLDER : FILE);
            try {
                FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
                for (Map.Entry<String, byte[]> f : model.files().entrySet()) {
                    try (FSDataOutputStream out = fs.create(new Path(dir, f.getKey()), false)) {
                        out.write(f.getValue());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("saving the checkpoint of " + stage.uid() + " to " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    static final class Reader extends MLReader<SequenceTransformer> {
        @Override
        public SequenceTransformer load(String path) {
            SparkSession spark = sparkSession();
            DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, spark,
                    SequenceTransformer.class.getName());
            try {
                Path folder = new Path(path, FOLDER);
                FileSystem fs = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
                boolean isFolder = fs.exists(folder);
                Path dir = isFolder ? folder : new Path(path, FILE);
                if (!fs.exists(dir)) {
                    throw new IllegalArgumentException("saved stage " + path + " holds neither " + FOLDER + "/ nor " + FILE
                            + "/ (not written by SequenceTransformer.save)");
                }
                FileStatus[] listed = fs.listStatus(dir);
                Arrays.sort(listed, Comparator.comparing(s -> s.getPath().getName()));
                Map<String, byte[]> files = new LinkedHashMap<>();
                for (FileStatus s : listed) {
                    if (s.isFile()) {
                        files.put(s.getPath().getName(), read(fs, s));
                    }
                }
                SequenceTransformer t = SequenceTransformer.restored(metadata.uid(), ModelBytes.of(isFolder, files));
                metadata.getAndSetParams(t, Option.empty());
                return t;
            } catch (IOException e) {
                throw new UncheckedIOException("loading the checkpoint saved in " + path + ": " + e.getMessage(), e);
            }
        }

        private static byte[] read(FileSystem fs, FileStatus s) throws IOException {
            if (s.getLen() > ModelBytes.MAX_BYTES) {
                throw new IllegalArgumentException("model file " + s.getPath() + " has " + s.getLen() + " bytes, more than the "
                        + ModelBytes.MAX_BYTES + " a broadcast checkpoint may have");
            }
            byte[] b = new byte[(int) s.getLen()];
            try (FSDataInputStream in = fs.open(s.getPath())) {
                in.readFully(0, b);
            }
            return b;
        }
    }
}
