package dev.lanegrad.tasks.charlm;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.tasks.data.CharVocabulary;
import dev.lanegrad.tasks.data.LmBatcher;
import dev.lanegrad.tasks.data.TokenBatch;
import dev.lanegrad.tasks.data.TokenSplit;
import dev.lanegrad.models.nn.State;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.models.optim.Adam;
import dev.lanegrad.models.optim.GradClip;
import dev.lanegrad.io.NamedTensor;
import dev.lanegrad.io.SafeTensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The char-LM end to end on a short text: training, checkpoints, evaluation, sampling. */
class CharLmTest {

    /** ~4,000 characters of repetitive text: a tiny model learns it in a few dozen steps. */
    static final String TEXT = text();

    static String text() {
        String[] lines = {"the cat sat on the mat.", "a dog ran in the fog.", "to be or not to be.",
                "the rain in spain stays mainly in the plain.", "ROMEO: what light through yonder window breaks?"};
        StringBuilder sb = new StringBuilder();
        long x = 7;
        while (sb.length() < 4000) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            sb.append(lines[(int) ((x >>> 33) % lines.length)]).append('\n');
        }
        return sb.toString();
    }

    static TrainingConfig tiny() {
        return TrainingConfig.defaults().toBuilder().hidden(24).layers(2).embed(8).seqLen(16).batch(8)
                .lr(1e-2f).minLr(1e-3f).warmupSteps(5).steps(120).seconds(0).valEvery(20).valTokens(200).valFrac(0.1)
                .seed(3).build();
    }

    static CharLmTrainer.Result trained;
    static CharLmTrainer trainer;
    static Path out;
    static double initialLoss;

    @BeforeAll
    static void train(@TempDir Path tmp) throws IOException {
        out = tmp.resolve("run");
        trainer = new CharLmTrainer(tiny(), TEXT);
        initialLoss = trainer.validateAll().loss();
        trained = trainer.fit(out, null);
    }

    @Test
    void aTinyRunLowersTheLossAndWritesItsCheckpoint() {
        double uniform = Math.log(trainer.vocabulary().size());
        assertTrue(initialLoss > 0.8 * uniform, "initial " + initialLoss + " vs uniform " + uniform);
        assertTrue(trained.validationLoss() < 0.75 * initialLoss, "final " + trained.validationLoss() + ", initial " + initialLoss);
        assertEquals(120, trained.steps());
        assertTrue(Files.isRegularFile(out.resolve(CharLmCheckpoint.WEIGHTS)));
        assertTrue(Files.isRegularFile(out.resolve(CharLmCheckpoint.CONFIG)));
    }

    @Test
    void theCheckpointReloadsBitwiseAndEvaluatesToTheTrainersFinalLoss() throws IOException {
        CharLmCheckpoint.Loaded loaded = CharLmCheckpoint.load(out);
        Map<String, Tensor> a = trainer.model().namedParameters();
        Map<String, Tensor> b = loaded.model().namedParameters();
        assertEquals(a.keySet(), b.keySet());
        a.forEach((name, t) -> assertArrayEquals(t.toArray(), b.get(name).toArray(), name));
        assertEquals(trainer.vocabulary(), loaded.vocabulary());
        assertEquals(tiny().seqLen(), loaded.training().seqLen());
        double reloaded = loaded.model().evaluate(trainer.validationTokens()).loss();
        assertEquals(trained.validationLoss(), reloaded, 0.0, "bit for bit");
        assertEquals(trained.validationLoss(), loaded.validationLoss(), 0.0);
    }

    @Test
    void theWeightsHavePyTorchNames() throws IOException {
        List<String> names = new ArrayList<>(SafeTensors.read(out.resolve(CharLmCheckpoint.WEIGHTS)).tensors().keySet());
        assertTrue(names.containsAll(List.of("embedding.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0",
                "rnn.bias_hh_l0", "rnn.weight_ih_l1", "decoder.weight", "decoder.bias")), names.toString());
        NamedTensor w = SafeTensors.read(out.resolve(CharLmCheckpoint.WEIGHTS)).get("rnn.weight_hh_l0");
        int gates = CharLanguageModel.parseCell(tiny().cell()).gates(); // the default cell's gate blocks, stacked
        assertArrayEquals(new int[] {gates * 24, 24}, w.shape());
    }

    @Test
    void seededSamplingIsRepeatableAndUsesOnlyVocabularyCharacters() {
        CharVocabulary v = trainer.vocabulary();
        String a = new Sampler(trainer.model(), v, 11).generate("the ", 300, 0.9f, 0);
        String b = new Sampler(trainer.model(), v, 11).generate("the ", 300, 0.9f, 0);
        String c = new Sampler(trainer.model(), v, 12).generate("the ", 300, 0.9f, 0);
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertEquals(300, a.codePointCount(0, a.length()));
        a.codePoints().forEach(cp -> assertTrue(v.contains(cp), "character " + cp));
        String topK = new Sampler(trainer.model(), v, 11).generate("the ", 200, 1.5f, 3);
        topK.codePoints().forEach(cp -> assertTrue(v.contains(cp)));
    }

    @Test
    void nucleusSamplingKeepsOnlyTheMostLikelyMass() {
        CharVocabulary v = trainer.vocabulary();
        StringBuilder all = new StringBuilder();
        StringBuilder greedy = new StringBuilder();
        StringBuilder tiny = new StringBuilder();
        new Sampler(trainer.model(), v, 11).generate("the ", 200, 0.9f, 0, 1f, all::appendCodePoint);
        new Sampler(trainer.model(), v, 11).generate("the ", 200, 0f, 0, 1f, greedy::appendCodePoint);
        new Sampler(trainer.model(), v, 11).generate("the ", 200, 0.9f, 0, 1e-6f, tiny::appendCodePoint);
        assertEquals(new Sampler(trainer.model(), v, 11).generate("the ", 200, 0.9f, 0), all.toString(),
                "top-p 1 draws exactly as without it");
        assertEquals(greedy.toString(), tiny.toString(), "a nucleus of almost no mass is the most likely character");
        Sampler s = new Sampler(trainer.model(), v, 3);
        s.prime("the ca");
        float[] logits = s.logits().clone();
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) best = i;
        }
        double max = logits[best];
        double sum = 0;
        for (float l : logits) sum += Math.exp(l - max);
        double pBest = 1 / sum;
        // with top-p below the most likely character's probability, only it can be drawn
        for (int i = 0; i < 50; i++) {
            assertEquals(best, s.draw(1f, 0, (float) (0.9 * pBest)));
        }
        assertEquals("top-p 0.0: expected a probability in (0, 1], 1 for all characters",
                assertThrows(IllegalArgumentException.class, () -> s.draw(1f, 0, 0f)).getMessage());
    }

    @Test
    void theStreamingSamplerGivesTheLogitsOfTheFullSequenceForward() {
        CharLanguageModel model = trainer.model();
        int[] ids = trainer.vocabulary().encode("ROMEO: what light through");
        int t = ids.length;
        int vocab = trainer.vocabulary().size();
        float[] full;
        model.eval();
        try (Tape tape = new Tape(); Tape.NoGrad ng = tape.noGrad()) {
            full = model.forward(ids, t, 1, null).logits().toArray();   // [T, 1, V]
        } finally {
            model.train(true);
        }
        Sampler s = new Sampler(model, trainer.vocabulary(), 0);
        for (int i = 0; i < t; i++) {
            s.feed(ids[i]);
            float[] step = s.logits();
            for (int v = 0; v < vocab; v++) {
                float expected = full[i * vocab + v];
                assertEquals(expected, step[v], 1e-4f + 1e-4f * Math.abs(expected), "step " + i + " logit " + v);
            }
        }
    }

    @Test
    void aPrimeCharacterOutsideTheVocabularyIsNamed() {
        Sampler s = new Sampler(trainer.model(), trainer.vocabulary(), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.prime("thé cat"));
        assertEquals("character 'é' (U+00E9) at position 2 of the prime is not in the vocabulary of "
                + trainer.vocabulary().size() + " characters", e.getMessage());
    }

    @Test
    void aDamagedOrMissingCheckpointIsRefusedWithItsReason(@TempDir Path tmp) throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> CharLmCheckpoint.load(tmp));
        assertTrue(missing.getMessage().contains("model.safetensors is missing"), missing.getMessage());
        byte[] bytes = Files.readAllBytes(out.resolve(CharLmCheckpoint.WEIGHTS));
        Files.write(tmp.resolve(CharLmCheckpoint.WEIGHTS), java.util.Arrays.copyOf(bytes, bytes.length - 100));
        Exception cut = assertThrows(Exception.class, () -> CharLmCheckpoint.load(tmp));
        assertTrue(cut.getMessage().contains(CharLmCheckpoint.WEIGHTS), cut.getMessage());
    }

    @Test
    void aResumedRunContinuesTheStepCountAndKeepsItsVocabulary(@TempDir Path tmp) throws IOException {
        CharLmCheckpoint.Loaded loaded = CharLmCheckpoint.load(out);
        long before = loaded.step();
        CharLmTrainer resumed = CharLmTrainer.resume(loaded, tiny().toBuilder().steps(10).hidden(99).build(), TEXT);
        assertEquals(24, resumed.config().hidden(), "the architecture comes from the checkpoint");
        CharLmTrainer.Result r = resumed.fit(tmp, null);
        assertEquals(before + 10, r.steps());
        assertTrue(r.validationLoss() <= loaded.validationLoss() + 1e-9, r.validationLoss() + " vs " + loaded.validationLoss());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CharLmTrainer.resume(loaded, tiny(), TEXT + "é"));
        assertTrue(e.getMessage().contains("'é' (U+00E9)"), e.getMessage());
    }

    @Test
    void impossibleSettingsNameTheOption() {
        assertEquals("--val-frac 1.5: expected a fraction strictly between 0 and 1", assertThrows(IllegalArgumentException.class,
                () -> tiny().toBuilder().valFrac(1.5).build()).getMessage());
        assertEquals("--hidden -5: expected a whole number >= 1", assertThrows(IllegalArgumentException.class,
                () -> tiny().toBuilder().hidden(-5).build()).getMessage());
        IllegalArgumentException longWindow = assertThrows(IllegalArgumentException.class,
                () -> new CharLmTrainer(tiny().toBuilder().seqLen(5000).build(), TEXT));
        assertTrue(longWindow.getMessage().startsWith("--seq-len 5000 and --batch 8 need a training text of at least"),
                longWindow.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CharLmTrainer(tiny(), ""));
    }

    @Test
    void theHandWrittenLoopOfTheReadmeTrains() {
        CharVocabulary vocab = CharVocabulary.of(TEXT);
        int[] ids = vocab.encode(TEXT);
        TokenSplit split = TokenSplit.tail(ids, 0.1);
        CharLanguageModel model = new CharLanguageModel(
                new CharLanguageModel.Config(RnnMode.LSTM, vocab.size(), 8, 32, 1, 0f), 1234);
        LmBatcher batcher = new LmBatcher(split.train(), 16, 8, LmBatcher.Mode.SEQUENTIAL, 1234);
        Adam adam = new Adam(model.parameters(), 1e-2f);
        double before = model.evaluate(split.validation()).loss();
        State state = model.zeroState(8);
        try (Tape tape = new Tape()) {
            for (int step = 0; step < 100; step++) {
                TokenBatch b = batcher.next();
                if (b.startOfPass()) state.reset();
                CharLanguageModel.Output out = model.forward(b.inputs(), 16, 8, state);
                Tensor loss = CharLanguageModel.loss(out.logits(), b.targets());
                tape.backward(loss);
                GradClip.byGlobalNorm(model.parameters(), 5);
                adam.step();
                adam.zeroGrad();
                out.recurrent().detachedState(state);
                tape.reset();
            }
        }
        double after = model.evaluate(split.validation()).loss();
        assertTrue(after < 0.75 * before, before + " -> " + after);
    }

    @Test
    void theValidationSubsetIsSpreadOverTheHeldOutText() {
        int[] v = new int[10_000];
        for (int i = 0; i < v.length; i++) v[i] = i;
        int[] s = CharLmTrainer.subset(v, 1600);
        assertEquals(1601, s.length);
        assertEquals(0, s[0]);
        for (int p = 1; p < 16; p++) {
            assertTrue(s[p * 100] > s[p * 100 - 1] + 500, "piece " + p + " starts further on");
        }
        assertTrue(s[1600] > 0.99 * v.length, "the last piece reaches the end: " + s[1600]);
        assertArrayEquals(v, CharLmTrainer.subset(v, 20_000));
    }

    @Test
    void theConfigurationSurvivesJson() {
        TrainingConfig c = tiny();
        assertEquals(c, TrainingConfig.fromJson(c.toJson()));
    }
}
