package dev.lanegrad.tasks;

import java.nio.file.Path;
import java.util.List;

/**
 * What a training loop ({@link TrainingLoop}) reports, so that a caller can draw progress and write
 * metrics without the loop printing anything. Called on the training thread; every method does nothing
 * by default. One protocol for every task: the char-LM, forecasting and classification.
 */
public interface TrainingListener {

    TrainingListener NONE = new TrainingListener() {
    };

    /** Before the first step: the run's limits. */
    default void started(TrainingPlan plan) {
    }

    /** After each optimizer step. */
    default void step(TrainingStep step) {
    }

    /** After each validation (when {@code result.best()}, the best weights were kept and checkpointed first). */
    default void validated(ValidationResult result) {
    }

    /** A checkpoint folder was written (atomically, file by file): the best weights, a periodic one, or the last. */
    default void saved(Path folder, long step) {
    }

    /** The loop has ended: a limit was reached, patience ran out, or a stop was requested. */
    default void ended(long step, boolean stopped) {
    }

    /** This listener, with each validation also added to {@code history}. */
    default TrainingListener recording(List<ValidationResult> history) {
        TrainingListener self = this;
        return new TrainingListener() {
            @Override
            public void started(TrainingPlan plan) {
                self.started(plan);
            }

            @Override
            public void step(TrainingStep step) {
                self.step(step);
            }

            @Override
            public void validated(ValidationResult result) {
                history.add(result);
                self.validated(result);
            }

            @Override
            public void saved(Path folder, long step) {
                self.saved(folder, step);
            }

            @Override
            public void ended(long step, boolean stopped) {
                self.ended(step, stopped);
            }
        };
    }
}
