package dev.lanegrad.models.optim;

/**
 * A learning rate as a function of the step (counted from 0). Apply with
 * {@code optimizer.setLearningRate(schedule.rate(step))} before each step.
 */
@FunctionalInterface
public interface LrSchedule {

    float rate(long step);

    static LrSchedule constant(float lr) {
        return step -> lr;
    }

    /** lr * gamma^(step / every), as torch.optim.lr_scheduler.StepLR. */
    static LrSchedule step(float lr, long every, float gamma) {
        if (every < 1) {
            throw new IllegalArgumentException("schedule: step size " + every + ", expected >= 1");
        }
        return step -> (float) (lr * Math.pow(gamma, step / every));
    }

    /** Cosine from lr down to minLr over totalSteps, then minLr (CosineAnnealingLR without restarts). */
    static LrSchedule cosine(float lr, long totalSteps, float minLr) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("schedule: total steps " + totalSteps + ", expected >= 1");
        }
        return step -> step >= totalSteps ? minLr
                : (float) (minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * step / totalSteps)));
    }

    /** Linear warm-up from lr/warmupSteps to this schedule's rate over the first warmupSteps steps. */
    default LrSchedule withWarmup(long warmupSteps) {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("schedule: warm-up steps " + warmupSteps + ", expected >= 0");
        }
        LrSchedule after = this;
        return step -> step < warmupSteps ? after.rate(step) * (step + 1) / (float) warmupSteps : after.rate(step);
    }
}
