package dev.lanegrad.models.optim;

/**
 * A learning rate as a function of the step (counted from 0) and, for runs with a time budget, of the
 * training time so far. Apply with {@code optimizer.setLearningRate(schedule.rate(step, elapsedSeconds))}
 * (or {@code rate(step)} for a schedule over steps only) before each step. A schedule is a pure
 * function: resuming a run at step s and time t needs nothing but (s, t).
 */
@FunctionalInterface
public interface LrSchedule {

    /** The rate at {@code step} (from 0) after {@code elapsedSeconds} of training. */
    float rate(long step, double elapsedSeconds);

    /** The rate at {@code step}, for schedules that do not depend on time. */
    default float rate(long step) {
        return rate(step, 0);
    }

    static LrSchedule constant(float lr) {
        return (step, seconds) -> lr;
    }

    /** lr * gamma^(step / every), as torch.optim.lr_scheduler.StepLR. */
    static LrSchedule step(float lr, long every, float gamma) {
        if (every < 1) {
            throw new IllegalArgumentException("schedule: step size " + every + ", expected >= 1");
        }
        return (step, seconds) -> (float) (lr * Math.pow(gamma, step / every));
    }

    /** Cosine from lr down to minLr over totalSteps, then minLr (CosineAnnealingLR without restarts). */
    static LrSchedule cosine(float lr, long totalSteps, float minLr) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("schedule: total steps " + totalSteps + ", expected >= 1");
        }
        return (step, seconds) -> step >= totalSteps ? minLr
                : (float) (minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * step / totalSteps)));
    }

    /**
     * Cosine from lr down to minLr over a run that ends at {@code totalSteps} or after {@code totalSeconds},
     * whichever comes first (0 = no such limit; at least one is needed): the run's progress is the larger
     * of step / totalSteps and elapsed / totalSeconds, so a time-limited run ({@code train --minutes})
     * reaches minLr when its time is up, however fast the machine is.
     */
    static LrSchedule cosine(float lr, long totalSteps, double totalSeconds, float minLr) {
        if (totalSteps < 0 || !(totalSeconds >= 0) || totalSteps == 0 && totalSeconds == 0) {
            throw new IllegalArgumentException("schedule: total steps " + totalSteps + " and seconds " + totalSeconds
                    + ", expected a step limit >= 1 or a time > 0 (0 for none)");
        }
        return (step, seconds) -> {
            double p = 0;
            if (totalSteps > 0) p = Math.max(p, (double) step / totalSteps);
            if (totalSeconds > 0) p = Math.max(p, seconds / totalSeconds);
            p = Math.min(1, p);
            return (float) (minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * p)));
        };
    }

    /** Linear warm-up from lr/warmupSteps to this schedule's rate over the first warmupSteps steps. */
    default LrSchedule withWarmup(long warmupSteps) {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("schedule: warm-up steps " + warmupSteps + ", expected >= 0");
        }
        LrSchedule after = this;
        return (step, seconds) -> step < warmupSteps ? after.rate(step, seconds) * (step + 1) / (float) warmupSteps
                : after.rate(step, seconds);
    }

    /**
     * This schedule seen from a run that starts at {@code step0} and {@code seconds0} of an earlier run
     * (a resumed run counts its steps and time from 0; the schedule sees the whole run's).
     */
    default LrSchedule from(long step0, double seconds0) {
        if (step0 == 0 && seconds0 == 0) {
            return this;
        }
        LrSchedule whole = this;
        return (step, seconds) -> whole.rate(step0 + step, seconds0 + seconds);
    }
}
