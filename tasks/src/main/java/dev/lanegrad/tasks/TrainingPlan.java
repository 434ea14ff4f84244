package dev.lanegrad.tasks;

/**
 * The limits of a training run as the loop sees them: the step it starts after ({@code > 0} when
 * resumed), the step limit of this run (0 = none), the time budget in seconds (0 = none), and for runs
 * counted in epochs the epochs and optimizer steps per epoch (0 otherwise).
 */
public record TrainingPlan(long firstStep, long maxSteps, double maxSeconds, int epochs, int stepsPerEpoch) {

    /** The last step number if the step limit ends the run, else 0. */
    public long lastStep() {
        return maxSteps > 0 ? firstStep + maxSteps : 0;
    }
}
