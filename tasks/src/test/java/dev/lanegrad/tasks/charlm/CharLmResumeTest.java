package dev.lanegrad.tasks.charlm;

import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.optim.OptimizerState;
import dev.lanegrad.tasks.TrainingListener;
import dev.lanegrad.tasks.TrainingStep;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exact resume: N steps, a stop, a resume from the run's last state and N more steps train the same
 * weights, bit for bit, as 2N steps in one run (same thread count). Run by its own surefire execution on
 * the scalar kernels (tasks/pom.xml): the Vector API kernels round differently in a cold and a warm JVM.
 */
class CharLmResumeTest {

    private static final int HALF = 6;

    private static TrainingConfig config(String batching, String optimizer) {
        return TrainingConfig.defaults().toBuilder().hidden(16).layers(2).embed(8).dropout(0.2f).seqLen(8).batch(4)
                .lr(1e-2f).minLr(1e-3f).warmupSteps(2).steps(2 * HALF).seconds(0).valEvery(3).valTokens(200).valFrac(0.1)
                .batching(batching).optimizer(optimizer).seed(5).build();
    }

    /** Records every step's loss, and asks for a stop after {@code stopAfter} steps (0: never). */
    private static TrainingListener recorder(List<Double> losses, CharLmTrainer trainer, long stopAfter) {
        return new TrainingListener() {
            @Override
            public void step(TrainingStep s) {
                losses.add(s.loss());
                if (s.step() == stopAfter) {
                    trainer.requestStop();
                }
            }
        };
    }

    private static void assertSameWeights(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        a.forEach((name, t) -> assertArrayEquals(t.toArray(), b.get(name).toArray(), name));
    }

    @ParameterizedTest
    @CsvSource({"sequential, adam", "random, adam", "sequential, rmsprop", "random, sgd"})
    void stopAndResumeRepeatsTheUninterruptedRunBitForBit(String batching, String optimizer, @TempDir Path tmp)
            throws IOException {
        TrainingConfig cfg = config(batching, optimizer);
        List<Double> whole = new ArrayList<>();
        CharLmTrainer one = new CharLmTrainer(cfg, CharLmTest.TEXT);
        one.fit(tmp.resolve("whole"), recorder(whole, one, 0));
        assertEquals(2 * HALF, whole.size());

        List<Double> parts = new ArrayList<>();
        CharLmTrainer first = new CharLmTrainer(cfg, CharLmTest.TEXT);
        CharLmTrainer.Result stopped = first.fit(tmp.resolve("parts"), recorder(parts, first, HALF));
        assertTrue(stopped.stopped());
        assertEquals(HALF, stopped.steps());

        Path from = CharLmCheckpoint.latest(tmp.resolve("parts"));
        assertEquals(tmp.resolve("parts").resolve(CharLmCheckpoint.LAST), from);
        CharLmCheckpoint.Loaded loaded = CharLmCheckpoint.load(from);
        assertNotNull(loaded.resumeState(), "the last state can resume exactly");
        CharLmTrainer second = CharLmTrainer.resume(loaded, cfg.toBuilder().steps(HALF).build(), CharLmTest.TEXT);
        assertTrue(second.exactResume());
        CharLmTrainer.Result r = second.fit(tmp.resolve("parts"), recorder(parts, second, 0));
        assertEquals(2 * HALF, r.steps());

        assertEquals(whole, parts, "the loss of every step");
        assertSameWeights(CharLmCheckpoint.load(tmp.resolve("whole").resolve(CharLmCheckpoint.LAST)).model().namedParameters(),
                CharLmCheckpoint.load(tmp.resolve("parts").resolve(CharLmCheckpoint.LAST)).model().namedParameters());
    }

    @ParameterizedTest
    @CsvSource({"adam", "adamw"})
    void resumingRestoresTheOptimizersMoments(String optimizer, @TempDir Path tmp) throws IOException {
        TrainingConfig cfg = config("sequential", optimizer).toBuilder().steps(HALF).build();
        CharLmTrainer first = new CharLmTrainer(cfg, CharLmTest.TEXT);
        first.fit(tmp, null);
        OptimizerState saved = CharLmCheckpoint.load(tmp.resolve(CharLmCheckpoint.LAST)).resumeState().optimizer();
        assertEquals(List.of("exp_avg", "exp_avg_sq"), saved.arrays().keySet().stream().map(k -> k.substring(0, k.indexOf('.')))
                .distinct().toList());
        assertEquals(HALF, saved.number("step"));

        CharLmTrainer resumed = CharLmTrainer.resume(CharLmCheckpoint.load(tmp.resolve(CharLmCheckpoint.LAST)), cfg, CharLmTest.TEXT);
        OptimizerState restored = resumed.trainingState().optimizer();
        assertEquals(saved.type(), restored.type());
        assertEquals(saved.arrays().keySet(), restored.arrays().keySet());
        saved.arrays().forEach((k, v) -> assertArrayEquals(v, restored.arrays().get(k), k));
        assertEquals(saved.numbers(), restored.numbers());
    }
}
