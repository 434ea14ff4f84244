package dev.lanegrad.tasks.charlm;

import dev.lanegrad.tasks.TrainingListener;
import dev.lanegrad.tasks.TrainingLoop;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a char-LM run's checkpoints go ({@link CharLmCheckpoint} folders, each with the state to resume
 * from): the best weights into the run folder, {@code step-<N>/} every saveEvery steps, {@code last/} at
 * the end. Nothing when the run has no folder.
 */
final class CharLmCheckpoints implements TrainingLoop.Checkpoints {

    private final CharLmTrainer trainer;
    private final Path out;
    private final TrainingListener l;

    CharLmCheckpoints(CharLmTrainer trainer, Path out, TrainingListener listener) {
        this.trainer = trainer;
        this.out = out;
        this.l = listener;
    }

    @Override
    public void best(long at, TrainingLoop.Score score) throws IOException {
        if (out != null) {
            trainer.bestState = trainer.trainingState();
            CharLmCheckpoint.save(out, trainer.model(), trainer.vocabulary(), trainer.config(), at, score.loss(),
                    trainer.bestState);
            l.saved(out, at);
        }
    }

    @Override
    public void periodic(long at) throws IOException {
        saveState(out == null ? null : out.resolve("step-" + at), at);
    }

    @Override
    public void last(long at) throws IOException {
        saveState(out == null ? null : out.resolve(CharLmCheckpoint.LAST), at);
    }

    private void saveState(Path dir, long at) throws IOException {
        if (dir != null) {
            CharLmCheckpoint.save(dir, trainer.model(), trainer.vocabulary(), trainer.config(), at, Double.NaN,
                    trainer.trainingState());
            l.saved(dir, at);
        }
    }
}
