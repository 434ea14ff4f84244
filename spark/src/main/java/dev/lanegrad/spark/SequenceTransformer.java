package dev.lanegrad.spark;

import dev.lanegrad.spark.score.Output;
import dev.lanegrad.spark.score.PartitionScorer;
import dev.lanegrad.spark.score.ScoringSpec;
import dev.lanegrad.spark.score.SequenceModel;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Batch inference as a Spark ML {@link Transformer}: appends the model's output for each row's sequence.
 *
 * <pre>{@code
 * SequenceTransformer t = SequenceTransformer.fromCheckpoint(Path.of("runs/forecast"))
 *         .setInputCol("series").setOutputCol("forecast");
 * Dataset<Row> scored = t.transform(df);
 * }</pre>
 *
 * The checkpoint's bytes are broadcast once per transform (per executor, not per task); each executor JVM loads
 * the model once and caches it by the bytes' SHA-256 ({@link ExecutorModels}); each partition goes through it
 * {@code batchSize} rows at a time on the layers' packed (lengths) path. Spark ML persistence saves the params and
 * the checkpoint's files ({@link TransformerFiles}), so a Pipeline holding it saves and loads.
 */
public final class SequenceTransformer extends Transformer implements MLWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final ModelBytes model;
    private final Param<String> inputCol;
    private final Param<String> lengthsCol;
    private final Param<String> outputCol;
    private final Param<String> output;
    private final IntParam batchSize;
    private transient Broadcast<ModelBytes> broadcast;

    public SequenceTransformer(ModelBytes model) {
        this(Identifiable$.MODULE$.randomUID("lanegradSequence"), model);
    }

    private SequenceTransformer(String uid, ModelBytes model) {
        // params are made here, after uid: a Param names its parent by uid when it is constructed
        this.uid = uid;
        this.model = model;
        inputCol = new Param<>(this, "inputCol", "the sequence column: array<float>, array<array<float>> or string");
        lengthsCol = new Param<>(this, "lengthsCol", "an int column of valid steps per row (empty: the arrays' lengths)");
        outputCol = new Param<>(this, "outputCol", "the column to write");
        output = new Param<>(this, "output", "hidden, outputs, forecast or probabilities (empty: the model's default)");
        batchSize = new IntParam(this, "batchSize", "rows per forward within a partition");
        setDefault(inputCol, "sequence");
        setDefault(lengthsCol, "");
        setDefault(outputCol, "prediction");
        setDefault(output, "");
        setDefault(batchSize, 256);
    }

    /** Reads a checkpoint file or folder on the driver (see {@link CheckpointAdapter} for what it may be). */
    public static SequenceTransformer fromCheckpoint(Path fileOrFolder) throws IOException {
        return new SequenceTransformer(ModelBytes.read(fileOrFolder));
    }

    /** A stage loaded by Spark ML persistence: its saved uid and checkpoint (its params are set by the reader). */
    static SequenceTransformer restored(String uid, ModelBytes model) {
        return new SequenceTransformer(uid, model);
    }

    /** Spark ML persistence: {@code t.write().save(path)}, or {@code pipeline.save(path)} with t among its stages. */
    @Override
    public MLWriter write() {
        return new TransformerFiles.Writer(this);
    }

    /** What {@code Pipeline.load} and {@code PipelineModel.load} call (by reflection) to read a saved stage. */
    public static MLReader<SequenceTransformer> read() {
        return new TransformerFiles.Reader();
    }

    public static SequenceTransformer load(String path) {
        return read().load(path);
    }

    public Param<String> inputCol() { return inputCol; }
    public Param<String> lengthsCol() { return lengthsCol; }
    public Param<String> outputCol() { return outputCol; }
    public Param<String> output() { return output; }
    public IntParam batchSize() { return batchSize; }

    public SequenceTransformer setInputCol(String v) { set(inputCol, v); return this; }
    public SequenceTransformer setLengthsCol(String v) { set(lengthsCol, v == null ? "" : v); return this; }
    public SequenceTransformer setOutputCol(String v) { set(outputCol, v); return this; }
    public SequenceTransformer setOutput(Output v) { set(output, v.id()); return this; }
    public SequenceTransformer setBatchSize(int v) { set(batchSize, v); return this; }

    public ModelBytes modelBytes() {
        return model;
    }

    /** The model as this JVM loaded it (the driver loads it too, to check the schema before any task runs). */
    public SequenceModel loadedModel() {
        return ExecutorModels.get(model);
    }

    /** The output to write: the one set, or the model's default. */
    public Output resolvedOutput() {
        String o = getOrDefault(output);
        return o.isEmpty() ? loadedModel().outputs().get(0) : Output.parse(o);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType outSchema = transformSchema(dataset.schema());
        StructType in = dataset.schema();
        String lengths = getOrDefault(lengthsCol);
        ScoringSpec spec = new ScoringSpec(in.fieldIndex(getOrDefault(inputCol)), lengths.isEmpty() ? -1 : in.fieldIndex(lengths),
                resolvedOutput(), (Integer) getOrDefault(batchSize));
        SparkSession spark = dataset.sparkSession();
        if (broadcast == null) {
            broadcast = spark.sparkContext().broadcast(model, scala.reflect.ClassTag$.MODULE$.apply(ModelBytes.class));
        }
        return dataset.toDF().mapPartitions(new PartitionScorer(broadcast, spec), Encoders.row(outSchema));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        SequenceModel m = loadedModel();
        Output out = resolvedOutput();
        m.checkOutput(out);
        String in = getOrDefault(inputCol);
        DataType t = field(schema, in, "input").dataType();
        boolean ok = m.input() == SequenceModel.Input.TEXT ? t instanceof StringType
                : (m.features() == 1 && isNumericArray(t)) || (t instanceof ArrayType a && isNumericArray(a.elementType()));
        if (!ok) {
            throw new IllegalArgumentException("input column " + in + " is " + t.simpleString() + ", expected "
                    + m.columnType() + " for " + m.describe());
        }
        String lengths = getOrDefault(lengthsCol);
        if (!lengths.isEmpty()) {
            DataType lt = field(schema, lengths, "lengths").dataType();
            if (!(lt instanceof IntegerType || lt instanceof LongType || lt instanceof ShortType)) {
                throw new IllegalArgumentException("lengths column " + lengths + " is " + lt.simpleString() + ", expected int");
            }
        }
        String o = getOrDefault(outputCol);
        if (Arrays.asList(schema.fieldNames()).contains(o)) {
            throw new IllegalArgumentException("output column " + o + " already exists in " + schema.simpleString());
        }
        return schema.add(new StructField(o, out.sparkType(), false, org.apache.spark.sql.types.Metadata.empty()));
    }

    private static StructField field(StructType schema, String name, String what) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException(what + " column " + name + " is not in " + schema.simpleString());
        }
        return schema.apply(name);
    }

    private static boolean isNumericArray(DataType t) {
        return t instanceof ArrayType a && a.elementType() instanceof NumericType;
    }

    @Override
    public SequenceTransformer copy(ParamMap extra) {
        SequenceTransformer c = new SequenceTransformer(uid, model);
        return copyValues(c, extra);
    }

    @Override
    public String uid() {
        return uid;
    }
}
