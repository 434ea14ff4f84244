package dev.lanegrad.spark;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.optim.Adam;
import dev.lanegrad.models.optim.GradClip;
import dev.lanegrad.spark.train.DataParallelTrainer;
import dev.lanegrad.spark.train.ModelShape;
import dev.lanegrad.spark.train.ParameterVector;
import dev.lanegrad.spark.train.TrainSettings;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.Cells;
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
    void kPartitionsAtBatchBEqualOneProcessAtBatchKTimesB() throws Exception {
        // K = 4 (a two-level sum tree), b = 4, 2 epochs of 4 steps: 8 steps at a global batch of 16
        TrainSettings s = TrainSettings.of(RnnMode.LSTM, 8, 2, 4, 4, 2, 0.01f, 5L);
        Path checkpoint = dir.resolve("forecaster");
        DataParallelTrainer.Result r = DataParallelTrainer.train(windows(64), "window", "target", SCALER, s, checkpoint, null);

        float[] single = oneProcess(s, 64);
        float worst = 0;
        for (int i = 0; i < single.length; i++) {
            worst = Math.max(worst, Math.abs(single[i] - r.parameters()[i]));
        }
        assertTrue(worst <= 1e-5f, "max parameter difference " + worst + " after 8 steps");
        assertEquals(2, r.epochs().size());
        assertEquals(4, r.epochs().get(0).steps());
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

    /** The same steps in one process: the same initial weights, the global batch of K*b rows in the data's order. */
    private static float[] oneProcess(TrainSettings s, int rows) {
        ModelShape shape = new ModelShape(s.cell(), s.hidden(), s.layers(), WINDOW, HORIZON, s.seed());
        ForecastModel model = shape.build();
        List<Tensor> params = model.parameters();
        Adam adam = new Adam(params, s.lr());
        int batch = s.globalBatch();
        try (Tape tape = new Tape()) {
            for (int e = 0; e < s.epochs(); e++) {
                for (int from = 0; from + batch <= rows; from += batch) {
                    float[] x = new float[WINDOW * batch];
                    float[] y = new float[batch * HORIZON];
                    for (int j = 0; j < batch; j++) {
                        float[][] w = window(from + j);
                        for (int t = 0; t < WINDOW; t++) {
                            x[t * batch + j] = (float) SCALER.apply(w[0][t]);
                        }
                        for (int k = 0; k < HORIZON; k++) {
                            y[j * HORIZON + k] = (float) SCALER.apply(w[1][k]);
                        }
                    }
                    Tensor loss = Ops.mseLoss(model.forward(Tensor.wrap(x, 0, WINDOW, batch, 1)), Tensor.wrap(y, 0, batch, HORIZON));
                    tape.backward(loss);
                    GradClip.byGlobalNorm(params, s.clipNorm());
                    adam.step();
                    adam.zeroGrad();
                    tape.reset();
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
