package dev.lanegrad.tasks;

/**
 * One optimizer step: its number (from 1, counted over resumes), the epoch (from 1), the batch loss, the
 * learning rate used, the gradient norm before clipping (NaN when not clipping), the examples (or
 * tokens) of the batch and the seconds since this run started.
 */
public record TrainingStep(long step, int epoch, double loss, float learningRate, double gradNorm, long examples,
        double elapsedSeconds) {
}
