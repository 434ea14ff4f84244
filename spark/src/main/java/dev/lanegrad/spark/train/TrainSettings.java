package dev.lanegrad.spark.train;

import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.Cells;

import java.io.Serializable;

/**
 * A data-parallel forecaster training: the model (as {@code lanegrad forecast} builds it, without dropout: a
 * dropout mask per partition would differ from one process's), K partitions of b windows per step (global batch
 * K*b), Adam at a constant rate, global gradient-norm clipping.
 *
 * @param failStep      a test hook: the first attempt of the task of (failStep, failPartition) throws, so that a
 *                      lost task is seen to be recomputed; -1 for none
 */
public record TrainSettings(RnnMode cell, int hidden, int layers, int partitions, int batchPerPartition, int epochs,
                            float lr, double clipNorm, long seed, int failStep, int failPartition) implements Serializable {

    public TrainSettings {
        if (cell == null) {
            throw new IllegalArgumentException("cell must be given (lstm or gru)");
        }
        positive("hidden", hidden);
        positive("layers", layers);
        positive("partitions", partitions);
        positive("batch per partition", batchPerPartition);
        positive("epochs", epochs);
        if (!(lr > 0) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("lr " + lr + ", expected a positive number");
        }
        if (!(clipNorm > 0)) {
            throw new IllegalArgumentException("clip norm " + clipNorm + ", expected a positive number");
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " " + v + ", expected at least 1");
        }
    }

    public static TrainSettings of(RnnMode cell, int hidden, int layers, int partitions, int batchPerPartition, int epochs,
                                   float lr, long seed) {
        return new TrainSettings(cell, hidden, layers, partitions, batchPerPartition, epochs, lr, 1.0, seed, -1, -1);
    }

    /** The global batch: one step's windows over all partitions. */
    public int globalBatch() {
        return partitions * batchPerPartition;
    }

    public TrainSettings withClipNorm(double c) {
        return new TrainSettings(cell, hidden, layers, partitions, batchPerPartition, epochs, lr, c, seed, failStep, failPartition);
    }

    /** Test hook: the first attempt of partition p's task at global step s throws. */
    public TrainSettings failingFirstAttemptAt(int step, int partition) {
        return new TrainSettings(cell, hidden, layers, partitions, batchPerPartition, epochs, lr, clipNorm, seed, step, partition);
    }
}
