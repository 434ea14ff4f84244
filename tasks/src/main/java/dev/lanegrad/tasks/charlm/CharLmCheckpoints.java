package dev.lanegrad.tasks.charlm;

import dev.lanegrad.tasks.TrainingListener;
import dev.lanegrad.tasks.TrainingLoop;
import dev.lanegrad.tasks.TrainingState;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a char-LM run's checkpoints go ({@link CharLmCheckpoint} folders, each with the state to resume
 * from): the best weights into the run folder, {@code step-<N>/} every saveEvery steps, {@code last/} at
 * the end. Nothing when the run has no folder ({@code out} null).
 */
record CharLmCheckpoints(CharLmTrainer trainer, Path out, TrainingListener listener) implements TrainingLoop.Checkpoints {

    @Override
    public void best(long at, TrainingLoop.Score score) throws IOException {
        if (out != null) {
            trainer.bestState = trainer.trainingState();
            save(out, at, score.loss(), trainer.bestState);
        }
    }

    @Override
    public void periodic(long at) throws IOException {
        if (out != null) {
            save(out.resolve("step-" + at), at, Double.NaN, trainer.trainingState());
        }
    }

    @Override
    public void last(long at) throws IOException {
        if (out != null) {
            save(out.resolve(CharLmCheckpoint.LAST), at, Double.NaN, trainer.trainingState());
        }
    }

    private void save(Path dir, long at, double loss, TrainingState state) throws IOException {
        CharLmCheckpoint.save(dir, trainer.model(), trainer.vocabulary(), trainer.config(), at, loss, state);
        listener.saved(dir, at);
    }
}
