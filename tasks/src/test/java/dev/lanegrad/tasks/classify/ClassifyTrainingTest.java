package dev.lanegrad.tasks.classify;

import dev.lanegrad.tasks.data.LabelledText;
import dev.lanegrad.tasks.data.WordVocabulary;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifyTrainingTest {

    static final String[] FILLER = {"the", "movie", "food", "was", "really", "quite", "a", "phone", "service", "and",
            "it", "this", "place", "plot", "battery", "very", "so", "staff", "i", "think"};

    /** Sentences of 3-14 filler words with one keyword that decides the label (good/bad/okay). */
    static String tinyTsv(int n, long seed) {
        Random r = new Random(seed);
        String[][] keys = {{"good", "pos"}, {"bad", "neg"}, {"okay", "mid"}};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String[] k = keys[i % 3];
            int len = 3 + r.nextInt(12);
            int at = r.nextInt(len);
            List<String> words = new ArrayList<>();
            for (int j = 0; j < len; j++) {
                words.add(j == at ? k[0] : FILLER[r.nextInt(FILLER.length)]);
            }
            sb.append(String.join(" ", words)).append('\t').append(k[1]).append('\n');
        }
        return sb.toString();
    }

    static LabelledText tiny(int n, long seed) throws IOException {
        return LabelledText.readTsv(new StringReader(tinyTsv(n, seed)), "tiny.tsv");
    }

    static ClassifyConfig small() {
        return ClassifyConfig.builder().embedding(16).hidden(16).dropout(0.1f).epochs(6).lr(1e-2f).batch(16).seed(3).build();
    }

    @Test
    void aSmallRunOnTinySyntheticTextReachesHighAccuracy() throws IOException {
        ClassifyResult r = ClassifyTraining.train(tiny(450, 1), small(), TrainingListener.NONE);
        assertTrue(r.testAccuracy() >= 0.9, "accuracy " + r.testAccuracy() + "\n" + r.confusion().format());
        assertEquals(List.of("mid", "neg", "pos"), r.classifier().labels());
        assertEquals(360 + 45 + 45, r.trainSize() + r.validationSize() + r.testSize());
        assertEquals(45, r.testSize());
        assertEquals(r.testAccuracy(), r.confusion().accuracy(), 1e-12);
        assertEquals(45, r.confusion().total());
        assertTrue(r.majorityAccuracy() < 0.5);
        assertEquals("good", r.classifier().vocabulary().word(r.classifier().vocabulary().id("good")));
        Prediction p = r.classifier().predict("the staff was good");
        assertEquals("pos", p.label());
        assertEquals(1.0, p.probabilities()[0] + p.probabilities()[1] + p.probabilities()[2], 1e-5);
    }

    @Test
    void majorityBaselineAndConfusionMatrixByHand() {
        // training part: 3 x class 1, 2 x class 0 -> majority is class 1
        int majority = ClassifyTraining.majorityClass(new int[] {1, 0, 1, 1, 0}, 3);
        assertEquals(1, majority);
        assertEquals(0, ClassifyTraining.majorityClass(new int[] {2, 0, 2, 0}, 3)); // a tie goes to the first label
        int[] actual = {0, 0, 1, 1, 1, 2};
        int[] predicted = {0, 1, 1, 1, 2, 2};
        assertEquals(0.5, ClassifyTraining.majorityAccuracy(actual, majority), 1e-12);
        ConfusionMatrix m = ConfusionMatrix.of(List.of("a", "b", "c"), actual, predicted);
        assertEquals(1, m.count(0, 0));
        assertEquals(1, m.count(0, 1));
        assertEquals(2, m.count(1, 1));
        assertEquals(1, m.count(1, 2));
        assertEquals(1, m.count(2, 2));
        assertEquals(0, m.count(2, 0));
        assertEquals(4.0 / 6, m.accuracy(), 1e-12);
        assertEquals("""
                actual \\ predicted      a      b      c
                a                       1      1      0
                b                       0      2      1
                c                       0      0      1
                """, m.format());
    }

    @Test
    void aSentenceGetsTheSameProbabilitiesAloneAndInAPaddedBatch() {
        String sentence = "the food was good";
        List<String> batch = List.of("a very long sentence about the phone and the battery and the staff and the plot",
                sentence, "bad", "okay okay okay okay okay okay okay okay okay");
        for (RnnMode cell : new RnnMode[] {RnnMode.LSTM, RnnMode.GRU}) {
            for (Pooling pooling : Pooling.values()) {
                ClassifyConfig cfg = small().toBuilder().cell(cell).pooling(pooling).layers(2).build();
                List<List<String>> words = new ArrayList<>();
                batch.forEach(s -> words.add(dev.lanegrad.tasks.data.WordTokenizer.tokenize(s)));
                WordVocabulary vocab = WordVocabulary.build(words, 1, 0);
                ClassifierModel model = new ClassifierModel(cfg, vocab.size(), 3);
                model.eval();
                TextClassifier c = new TextClassifier(model, cfg, vocab, List.of("x", "y", "z"));
                double[] alone = c.probabilities(List.of(sentence))[0];
                double[] padded = c.probabilities(batch)[1];
                assertArrayEquals(alone, padded, 1e-6, cell + " " + pooling);
            }
        }
    }

    @Test
    void aReloadedCheckpointGivesIdenticalPredictions(@TempDir Path dir) throws IOException {
        ClassifyResult r = ClassifyTraining.train(tiny(150, 2), small().toBuilder().epochs(2).cell(RnnMode.LSTM)
                .pooling(Pooling.MEAN).build(), TrainingListener.NONE);
        r.classifier().save(dir);
        TextClassifier loaded = TextClassifier.load(dir);
        List<String> texts = List.of("the food was good", "bad phone", "okay", "words never seen before", "");
        double[][] before = r.classifier().probabilities(texts);
        double[][] after = loaded.probabilities(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(before[i], after[i], 0.0, texts.get(i));
        }
        assertEquals(r.classifier().labels(), loaded.labels());
        assertEquals(r.classifier().vocabulary().words(), loaded.vocabulary().words());
        assertEquals(r.classifier().config(), loaded.config());
    }

    @Test
    void aMissingOrDamagedCheckpointFileIsNamed(@TempDir Path dir) throws IOException {
        ClassifyResult r = ClassifyTraining.train(tiny(60, 3), small().toBuilder().epochs(1).build(), TrainingListener.NONE);
        r.classifier().save(dir);
        Path vocab = dir.resolve("vocab.txt");
        String words = Files.readString(vocab);
        Files.writeString(vocab, words.substring(words.indexOf('\n') + 1)); // <pad> line lost
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(dir));
        assertTrue(e.getMessage().contains("vocab.txt is damaged"), e.getMessage());
        Files.writeString(vocab, words + "\nextra");
        e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(dir));
        assertTrue(e.getMessage().contains("vocab.txt holds"), e.getMessage());
        Files.delete(vocab);
        e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(dir));
        assertTrue(e.getMessage().contains("vocab.txt is missing"), e.getMessage());
        Files.writeString(vocab, words);
        // weights from another run of the same shapes: refused by the checkpoint id
        Path other = dir.resolveSibling(dir.getFileName() + "-other");
        r.classifier().save(other);
        Files.copy(other.resolve("model.safetensors"), dir.resolve("model.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(dir));
        assertTrue(e.getMessage().contains("come from different runs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void dataThatCannotBeSplitOrHasOneLabelIsRefused() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassifyTraining.check(
                LabelledText.readTsv(new StringReader("good movie\tpos\nbad movie\tpos\n"), "one.tsv"), small()));
        assertTrue(e.getMessage().contains("only the label \"pos\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClassifyTraining.check(
                LabelledText.readTsv(new StringReader(""), "empty.tsv"), small()));
        assertTrue(e.getMessage().contains("empty.tsv holds no labelled lines"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClassifyTraining.check(
                LabelledText.readTsv(new StringReader("a\tx\nb\ty\nc\tx\n"), "three.tsv"), small()));
        assertTrue(e.getMessage().contains("3 examples are too few"), e.getMessage());
    }
}
