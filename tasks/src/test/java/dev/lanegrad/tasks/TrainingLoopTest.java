package dev.lanegrad.tasks;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.Linear;
import dev.lanegrad.models.optim.LrSchedule;
import dev.lanegrad.models.optim.Sgd;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one training loop: order of events, patience, best weights, checkpoints, stop and the finite-loss check. */
class TrainingLoopTest {

    /** y = 2x on one feature; validation scores come from a script, so patience and "best" are known. */
    private static final class Scripted implements TrainingLoop.Task {
        final Linear model = new Linear(1, 1, false, 7);
        final double[] scores;
        final List<float[]> weightsAtValidation = new ArrayList<>();
        int validations;
        float input = 1f;

        Scripted(double... scores) {
            this.scores = scores;
        }

        @Override
        public Tensor forward() {
            Tensor x = Tensor.fromArray(new float[] {input}, 1, 1);
            return Ops.mseLoss(model.forward(x), Tensor.fromArray(new float[] {2 * input}, 1, 1));
        }

        @Override
        public long examples() {
            return 1;
        }

        @Override
        public TrainingLoop.Score validate() {
            weightsAtValidation.add(model.weight().toArray());
            double s = scores[validations++];
            return new TrainingLoop.Score(s, s);
        }
    }

    @Test
    void patienceStopsAfterValidationsWithoutABetterOneAndPutsTheBestWeightsBack() throws IOException {
        Scripted task = new Scripted(3, 2, 2.5, 2.6, 2.7, 1.0);
        List<String> events = new ArrayList<>();
        TrainingLoop.Result r = new TrainingLoop(task.model, new Sgd(task.model.parameters(), 0.01f), task)
                .limits(100, 0).validateEvery(2).keepBest(TrainingLoop.Better.LOWER_LOSS, 3)
                .checkpoints(new TrainingLoop.Checkpoints() {
                    @Override
                    public void best(long step, TrainingLoop.Score score) {
                        events.add("best " + step);
                    }

                    @Override
                    public void last(long step) {
                        events.add("last " + step + " " + task.model.weight().toArray()[0]);
                    }
                }, 0).run(new TrainingListener() {
                    @Override
                    public void validated(ValidationResult v) {
                        events.add("validated " + v.step() + (v.best() ? " best" : ""));
                    }

                    @Override
                    public void ended(long step, boolean stopped) {
                        events.add("ended " + step + " " + stopped);
                    }
                });
        assertTrue(r.earlyStopped());
        assertFalse(r.stopped());
        assertEquals(10, r.steps());
        assertEquals(4, r.bestStep());
        assertEquals(List.of("best 2", "validated 2 best", "best 4", "validated 4 best", "validated 6", "validated 8", "validated 10",
                "ended 10 false", "last 10 " + task.weightsAtValidation.get(4)[0]), events);
        assertArrayEquals(task.weightsAtValidation.get(1), task.model.weight().toArray(), "the weights of step 4 are back");
    }

    @Test
    void aStepLimitEndsWithAValidationOfTheLastStepAndTheScheduleSetsTheRate() throws IOException {
        Scripted task = new Scripted(5, 4, 3);
        List<Float> rates = new ArrayList<>();
        TrainingLoop.Result r = new TrainingLoop(task.model, new Sgd(task.model.parameters(), 1f), task)
                .schedule(LrSchedule.constant(0.1f).withWarmup(2)).limits(5, 0).validateEvery(2)
                .run(new TrainingListener() {
                    @Override
                    public void step(TrainingStep s) {
                        rates.add(s.learningRate());
                    }
                });
        assertEquals(List.of(0.05f, 0.1f, 0.1f, 0.1f, 0.1f), rates);
        assertEquals(3, task.validations, "steps 2 and 4, and the last step 5");
        assertEquals(5, r.bestStep());
    }

    @Test
    void aStopRequestEndsTheRunWithoutPuttingTheBestWeightsBack() throws IOException {
        Scripted task = new Scripted(1, 9, 9);
        int[] steps = {0};
        TrainingLoop.Result r = new TrainingLoop(task.model, new Sgd(task.model.parameters(), 0.01f), task)
                .limits(100, 0).validateEvery(1).stopWhen(() -> steps[0] == 3)
                .run(new TrainingListener() {
                    @Override
                    public void step(TrainingStep s) {
                        steps[0]++;
                    }
                });
        assertTrue(r.stopped());
        assertEquals(3, r.steps());
        assertArrayEquals(task.weightsAtValidation.get(2), task.model.weight().toArray(), "the last weights stay");
    }

    @Test
    void aNonFiniteLossNamesTheStepAndTheOption() {
        Scripted task = new Scripted(1);
        task.input = Float.NaN;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new TrainingLoop(task.model, new Sgd(task.model.parameters(), 0.01f), task).limits(3, 0).clip(1).run(null));
        assertEquals("the training loss became NaN at step 1 (epoch 1); try a smaller --lr (now 0.01)", e.getMessage());
    }
}
