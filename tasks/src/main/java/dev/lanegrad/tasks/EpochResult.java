package dev.lanegrad.tasks;

/**
 * One finished epoch: the mean training loss, the validation loss, the task's validation score (forecast:
 * RMSE in the data's units, lower is better; classify: accuracy, higher is better), whether this epoch is
 * the best so far (its weights are the ones kept), and its wall time.
 */
public record EpochResult(int epoch, int epochs, double trainLoss, double validationLoss, double validationScore,
        boolean best, double seconds) {
}
