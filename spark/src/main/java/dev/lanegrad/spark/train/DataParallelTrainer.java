package dev.lanegrad.spark.train;

import dev.lanegrad.models.optim.Adam;
import dev.lanegrad.spark.Cells;
import dev.lanegrad.tasks.data.Scaler;
import dev.lanegrad.tasks.forecast.ForecastConfig;
import dev.lanegrad.tasks.forecast.ForecastModel;
import dev.lanegrad.tasks.forecast.Forecaster;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Synchronous data-parallel training of a forecaster on Spark ({@link SyncSteps}): each of the K partitions holds
 * its b windows of every step ({@link Shards}) and computes their gradient; the driver applies Adam to the sum.
 * K partitions at b windows equal one process at K*b windows in K gradient shards with the same initial weights
 * and data order, bit for bit (docs/spark.md). After each epoch the model is saved as a {@code lanegrad forecast}
 * checkpoint folder.
 */
public final class DataParallelTrainer {

    /** The trained forecaster, its parameters as one vector, and the epochs' losses. */
    public record Result(Forecaster forecaster, float[] parameters, List<Epoch> epochs, long rowsUsed, long rowsDropped) {
    }

    private DataParallelTrainer() {
    }

    /**
     * Trains on rows of (input window, target) arrays in the data's units; scaler maps them to the model's units.
     *
     * @param checkpoint the folder to save after every epoch, or null
     */
    public static Result train(Dataset<Row> data, String inputCol, String targetCol, Scaler scaler, TrainSettings s,
                               Path checkpoint, Consumer<Epoch> onEpoch) {
        Row first = data.select(inputCol, targetCol).first();
        int window = Cells.length(first.get(0), inputCol);
        int horizon = Cells.length(first.get(1), targetCol);
        Shards.Layout layout = Shards.build(data, inputCol, targetCol, scaler, s, window, horizon);
        ForecastShardModel shards = new ForecastShardModel(s.cell(), s.hidden(), s.layers(), window, horizon, s.seed(),
                s.batchPerPartition(), layout.stepsPerEpoch());

        ForecastModel model = shards.build();
        Adam adam = new Adam(model.parameters(), s.lr());
        ForecastConfig config = ForecastConfig.builder().cell(s.cell()).window(window).horizon(horizon).hidden(s.hidden())
                .layers(s.layers()).dropout(0f).epochs(s.epochs()).lr(s.lr()).batch(s.globalBatch()).seed(s.seed())
                .scaler(scaler.kind()).clipNorm(s.clipNorm()).build();
        Forecaster forecaster = new Forecaster(model, config, scaler);
        SyncSteps<Shard, Serializable> steps = new SyncSteps<>(layout.shards(), shards, model, adam, s.clipNorm(),
                s.failStep() < 0 ? null : new SyncSteps.Failure(s.failStep(), s.failPartition()));
        List<Epoch> epochs = new ArrayList<>();
        long globalStep = 0;
        try {
            for (int e = 1; e <= s.epochs(); e++) {
                double lossSum = 0;
                for (int step = 0; step < layout.stepsPerEpoch(); step++, globalStep++) {
                    lossSum += steps.step(globalStep, s.lr(), null).loss();
                }
                new Epoch(e, layout.stepsPerEpoch(), lossSum / layout.stepsPerEpoch())
                        .finish(epochs, checkpoint, forecaster::save, onEpoch);
            }
        } finally {
            layout.shards().unpersist(false);
        }
        model.eval();
        return new Result(forecaster, ParameterVector.values(model.parameters()), epochs, layout.rowsUsed(), layout.rowsDropped());
    }

    /** A standard scaler (mean 0, standard deviation 1) over every value of the input windows, computed by Spark. */
    public static Scaler fitStandardScaler(Dataset<Row> data, String inputCol) {
        Row r = data.select(functions.explode(functions.col(inputCol)).as("v"))
                .agg(functions.avg("v"), functions.stddev_pop("v")).first();
        if (r.isNullAt(0)) {
            throw new IllegalArgumentException("no values in column " + inputCol + " to fit a scaler on");
        }
        double sd = r.isNullAt(1) ? 0 : r.getDouble(1);
        return new Scaler(Scaler.Kind.STANDARD, r.getDouble(0), sd > 0 ? sd : 1);
    }
}
