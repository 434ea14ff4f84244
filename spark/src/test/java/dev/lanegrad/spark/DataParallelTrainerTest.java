package dev.lanegrad.spark;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.optim.Adam;
import dev.lanegrad.models.optim.GradClip;
import dev.lanegrad.spark.train.DataParallelTrainer;
import dev.lanegrad.spark.train.ParameterVector;
import dev.lanegrad.spark.train.TrainSettings;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.GradientShards;
import dev.lanegrad.tasks.data.Scaler;
import dev.lanegrad.tasks.forecast.ForecastModel;
import dev.lanegrad.tasks.forecast.Forecaster;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Synchronous data-parallel training in local mode against one process, and with a task failed on purpose. */
class DataParallelTrainerTest {

    private static final int WINDOW = 12;
    private static final int HORIZON = 2;
    private static final Scaler SCALER = new Scaler(Scaler.Kind.STANDARD, 10, 5);

    @TempDir
    Path dir;

    @Test
    void kPartitionsAtBatchBEqualOneProcessAtBatchKTimesBInKGradientShards() throws Exception {
        // K = 4 (a two-level sum tree), b = 4, 2 epochs of 2 steps: 4 steps at a global batch of 16
        TrainSettings s = TrainSettings.of(RnnMode.LSTM, 8, 2, 4, 4, 2, 0.01f, 5L);
        Path checkpoint = dir.resolve("forecaster");
        DataParallelTrainer.Result r = DataParallelTrainer.train(windows(32), "window", "target", SCALER, s, checkpoint, null);

        // bitwise: one process computing each step's gradient as 4 shards of 4 windows (GradientShards)
        assertArrayEquals(oneProcess(s, 32, s.partitions()), r.parameters(), "K x b against one process in K shards");
        // and close to one process computing each step's gradient over the 16 windows at once
        float[] whole = oneProcess(s, 32, 1);
        float worst = 0;
        for (int i = 0; i < whole.length; i++) {
            worst = Math.max(worst, Math.abs(whole[i] - r.parameters()[i]));
        }
        assertTrue(worst <= 1e-5f, "max parameter difference " + worst + " after 4 steps");
        assertEquals(2, r.epochs().size());
        assertEquals(2, r.epochs().get(0).steps());
        assertTrue(r.epochs().get(1).meanLoss() < r.epochs().get(0).meanLoss(), "the loss went down: " + r.epochs());

        // the epoch checkpoint is a `lanegrad forecast` folder holding the final weights
        Forecaster loaded = Forecaster.load(checkpoint);
        assertArrayEquals(r.parameters(), ParameterVector.values(loaded.model().parameters()));
    }

    @Test
    void aTaskFailedOnPurposeIsRetriedAndTheResultIsUnchanged() {
        TrainSettings s = TrainSettings.of(RnnMode.GRU, 6, 1, 2, 8, 1, 0.01f, 9L);
        Dataset<Row> data = windows(48); // 3 steps of 2 x 8
        float[] clean = DataParallelTrainer.train(data, "window", "target", SCALER, s, null, null).parameters();
        float[] retried = DataParallelTrainer.train(data, "window", "target", SCALER, s.failingFirstAttemptAt(1, 1), null, null)
                .parameters();
        assertArrayEquals(clean, retried, "the parameters after a retried task, bit for bit");
    }

    /**
     * The same steps in one process: the same initial weights, the global batch of K*b rows in the data's order,
     * its gradient in {@code shards} gradient shards (1: one backward over the whole batch).
     */
    private static float[] oneProcess(TrainSettings s, int rows, int shards) {
        ForecastModel model = new ForecastModel(s.cell(), s.hidden(), s.layers(), 0f, HORIZON, s.seed());
        List<Tensor> params = model.parameters();
        Adam adam = new Adam(params, s.lr());
        GradientShards gradients = new GradientShards(params, shards);
        int batch = s.globalBatch();
        int b = batch / shards;
        try (Tape tape = new Tape()) {
            for (int e = 0; e < s.epochs(); e++) {
                for (int from = 0; from + batch <= rows; from += batch) {
                    int first = from;
                    gradients.compute(tape, k -> {
                        float[] x = new float[WINDOW * b];
                        float[] y = new float[b * HORIZON];
                        for (int j = 0; j < b; j++) {
                            float[][] w = window(first + k * b + j);
                            for (int t = 0; t < WINDOW; t++) {
                                x[t * b + j] = (float) SCALER.apply(w[0][t]);
                            }
                            for (int h = 0; h < HORIZON; h++) {
                                y[j * HORIZON + h] = (float) SCALER.apply(w[1][h]);
                            }
                        }
                        return Ops.mseLoss(model.forward(Tensor.wrap(x, 0, WINDOW, b, 1)), Tensor.wrap(y, 0, b, HORIZON));
                    });
                    GradClip.byGlobalNorm(params, s.clipNorm());
                    adam.step();
                    adam.zeroGrad();
                }
            }
        }
        return ParameterVector.values(params);
    }

    /** Row i: a noisy sine window and the next HORIZON values, in the data's units (around 10, amplitude 5). */
    static float[][] window(long i) {
        float[] w = new float[WINDOW];
        float[] t = new float[HORIZON];
        java.util.SplittableRandom r = new java.util.SplittableRandom(i * 7919L);
        double phase = i * 0.37;
        for (int k = 0; k < WINDOW + HORIZON; k++) {
            float v = (float) (10 + 5 * Math.sin(phase + 0.3 * k) + 0.1 * (r.nextDouble() - 0.5));
            if (k < WINDOW) {
                w[k] = v;
            } else {
                t[k - WINDOW] = v;
            }
        }
        return new float[][] {w, t};
    }

    static Dataset<Row> windows(int rows) {
        StructType schema = new StructType()
                .add("window", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("target", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        MapFunction<Long, Row> row = id -> {
            float[][] w = window(id);
            return RowFactory.create(w[0], w[1]);
        };
        return LocalSpark.session().range(0, rows, 1, 3).map(row, Encoders.row(schema));
    }
}
