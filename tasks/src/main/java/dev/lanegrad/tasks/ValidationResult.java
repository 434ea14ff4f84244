package dev.lanegrad.tasks;

/**
 * One validation of a training run: after {@code step} optimizer steps (counted from 1 over resumes), in
 * {@code epoch} of {@code epochs} (0 when the run is not counted in epochs), the mean training loss since
 * the previous validation (weighted by examples), the validation loss, the task's validation score
 * (forecast: RMSE in the data's units; classify: accuracy; char-LM: the loss again), whether these weights
 * are the best so far (and were kept), and the wall time since the previous validation.
 */
public record ValidationResult(long step, int epoch, int epochs, double trainLoss, double validationLoss,
        double validationScore, boolean best, double seconds) {
}
