package dev.lanegrad.cli;

import dev.lanegrad.engine.EngineThreads;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.lanegrad.cli.CommandRun.capture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `lanegrad train`, `sample` and `eval` end to end on a short text, and their one-line errors. */
class CharLmCommandsTest {

    static Path dir;
    static Path textFile;
    static Path run;
    static CommandRun trained;

    static final String[] TINY = {"--hidden", "32", "--layers", "1", "--embed", "8", "--seq-len", "16", "--batch", "4",
            "--lr", "0.02", "--steps", "60", "--val-every", "20", "--val-frac", "0.1", "--sample-length", "40", "--threads", "1"};

    static String text() {
        String[] lines = {"the cat sat on the mat.", "a dog ran in the fog.", "to be or not to be.", "ROMEO: what light?"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 3000; i++) {
            sb.append(lines[(i * 7 + i / 3) % lines.length]).append('\n');
        }
        return sb.toString();
    }

    /** base followed by more, where an option in more replaces the same option (and its value) in base. */
    static String[] args(String[] base, String... more) {
        List<String> all = new ArrayList<>();
        List<String> override = Arrays.asList(more);
        for (int i = 0; i < base.length; i++) {
            if (base[i].startsWith("--") && override.contains(base[i])) {
                if (i + 1 < base.length && !base[i + 1].startsWith("--")) i++;
                continue;
            }
            all.add(base[i]);
        }
        all.addAll(override);
        return all.toArray(String[]::new);
    }

    @BeforeAll
    static void trainOnce(@TempDir Path tmp) throws IOException {
        dir = tmp;
        textFile = Files.writeString(tmp.resolve("text.txt"), text());
        run = tmp.resolve("run");
        trained = capture(() -> Main.run(args(args(new String[] {"train"}, TINY), "--text", textFile.toString(), "--out", run.toString())));
    }

    @Test
    void trainWritesCheckpointMetricsAndPlotAndPrintsASample() throws IOException {
        assertEquals(0, trained.code(), trained.out() + trained.err());
        for (String f : List.of("model.safetensors", "config.json", "metrics.jsonl", "loss.png")) {
            assertTrue(Files.size(run.resolve(f)) > 0, f);
        }
        List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertTrue(metrics.get(0).startsWith("{\"step\":1,\"epoch\":1,\"train_loss\":"), metrics.get(0));
        assertTrue(metrics.stream().filter(l -> l.contains("\"val_loss\"")).count() >= 3, metrics.toString());
        assertTrue(metrics.get(metrics.size() - 1).contains("\"final_val_loss\""), metrics.get(metrics.size() - 1));
        double first = Double.parseDouble(metrics.get(0).replaceAll(".*\"train_loss\":([0-9.e-]+).*", "$1"));
        double last = finalLoss(trained.out());
        assertTrue(last < first - 0.3, "first train loss " + first + ", final validation " + last);
        assertTrue(trained.out().contains("sample (temperature 0.8, seed 1234):"), trained.out());
    }

    static double finalLoss(String out) {
        Matcher m = Pattern.compile("held-out loss of the saved model: ([0-9.]+) nats").matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void evalOnTheHeldOutTextGivesTheTrainersFinalLoss() throws IOException {
        String t = text();
        int cut = t.length() - (int) Math.round(t.length() * 0.1);   // ASCII: characters = code points
        Path tail = Files.writeString(dir.resolve("tail.txt"), t.substring(cut));
        CommandRun r = capture(() -> Main.run("eval", "--checkpoint", run.toString(), "--text", tail.toString()));
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("loss ([0-9.]+) nats per character, ([0-9.]+) bits").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals(String.format(java.util.Locale.ROOT, "%.4f", finalLoss(trained.out())), m.group(1));
    }

    @Test
    void seededSamplesRepeatAndUseTheVocabulary() {
        String[] a = {"sample", "--checkpoint", run.toString(), "--length", "200", "--seed", "5", "--prime", "the "};
        CommandRun one = capture(() -> Main.run(a));
        CommandRun two = capture(() -> Main.run(a));
        assertEquals(0, one.code(), one.err());
        assertEquals(one.out(), two.out());
        assertTrue(one.out().startsWith("the "));
        String vocabulary = text();
        one.out().strip().chars().forEach(c -> assertTrue(vocabulary.indexOf(c) >= 0, "character " + (char) c));
        CommandRun topK = capture(() -> Main.run("sample", "--checkpoint", run.toString(), "--length", "50",
                "--top-k", "2", "--temperature", "1.2"));
        assertEquals(0, topK.code(), topK.err());
    }

    /** sample and eval take --threads like train: the engine runs at that count, and the text is the same at any. */
    @Test
    void sampleAndEvalRunAtTheThreadsGivenWithTheSameResult() throws Exception {
        int before = EngineThreads.threads();
        try {
            String[] a = {"sample", "--checkpoint", run.toString(), "--length", "120", "--seed", "9", "--threads", "1"};
            CommandRun one = capture(() -> Main.run(a));
            assertEquals(0, one.code(), one.err());
            assertEquals(1, EngineThreads.threads());
            a[a.length - 1] = "2";
            CommandRun two = capture(() -> Main.run(a));
            assertEquals(0, two.code(), two.err());
            assertEquals(2, EngineThreads.threads());
            assertEquals(one.out(), two.out());
            Path evalText = dir.resolve("threads-eval.txt");
            Files.writeString(evalText, text().substring(0, 400));
            CommandRun evalOne = capture(() -> Main.run("eval", "--checkpoint", run.toString(), "--text", evalText.toString(), "--threads", "1"));
            CommandRun evalTwo = capture(() -> Main.run("eval", "--checkpoint", run.toString(), "--text", evalText.toString(), "--threads", "2"));
            assertEquals(0, evalOne.code(), evalOne.err());
            assertEquals(evalOne.out(), evalTwo.out());
        } finally {
            EngineThreads.setThreads(before);
        }
    }

    static void assertExit2(String expectedPart, String... argv) {
        CommandRun r = capture(() -> Main.run(argv));
        assertEquals(2, r.code(), "exit code of " + String.join(" ", argv) + "\n" + r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(expectedPart), "expected '" + expectedPart + "' in: " + r.err());
    }

    @Test
    void badTextFilesAreOneLineAndExitTwo() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        assertExit2("the file is empty", args(args(new String[] {"train"}, TINY), "--text", empty.toString(), "--out",
                dir.resolve("x1").toString()));
        assertExit2("no such file", args(args(new String[] {"train"}, TINY), "--text", dir.resolve("nope.txt").toString()));
        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9});
        assertExit2("is not UTF-8 text", "eval", "--checkpoint", run.toString(), "--text", latin1.toString());
        assertTrue(!Files.exists(dir.resolve("x1")), "nothing is created for a failing run");
    }

    @Test
    void impossibleOptionsAreOneLineAndExitTwo() {
        String text = textFile.toString();
        assertExit2("--hidden -5: expected a whole number >= 1", args(args(new String[] {"train"}, TINY), "--text", text, "--hidden", "-5"));
        assertExit2("--val-frac 1.5: expected a fraction strictly between 0 and 1",
                args(args(new String[] {"train"}, TINY), "--text", text, "--val-frac", "1.5"));
        assertExit2("--val-frac 0.0: expected a fraction strictly between 0 and 1",
                args(args(new String[] {"train"}, TINY), "--text", text, "--val-frac", "0"));
        assertExit2("--seq-len 100000 and --batch 4 need a training text of at least",
                args(args(new String[] {"train"}, TINY), "--text", text, "--seq-len", "100000"));
        assertExit2("--cell lstm2", args(args(new String[] {"train"}, TINY), "--text", text, "--cell", "lstm2"));
        assertExit2("--steps 0: expected a whole number >= 1", args(args(new String[] {"train"}, TINY), "--text", text, "--steps", "0"));
        assertExit2("--length -1: expected a whole number >= 0", "sample", "--checkpoint", run.toString(), "--length", "-1");
    }

    @Test
    void aPrimeOutsideTheVocabularyIsNamed() {
        int size = (int) text().chars().distinct().count();
        assertExit2("character 'é' (U+00E9) at position 3 of the prime is not in the vocabulary of " + size + " characters",
                "sample", "--checkpoint", run.toString(), "--prime", "theé");
    }

    @Test
    void missingOrDamagedCheckpointsAreOneLineAndExitTwo() throws IOException {
        Path emptyDir = Files.createDirectories(dir.resolve("empty-run"));
        assertExit2("model.safetensors is missing", "sample", "--checkpoint", emptyDir.toString());
        assertExit2("no such folder or file", "eval", "--checkpoint", dir.resolve("no-run").toString(), "--text", textFile.toString());
        Path damaged = Files.createDirectories(dir.resolve("damaged"));
        byte[] bytes = Files.readAllBytes(run.resolve("model.safetensors"));
        Files.write(damaged.resolve("model.safetensors"), Arrays.copyOf(bytes, bytes.length / 2));
        assertExit2("model.safetensors", "sample", "--checkpoint", damaged.toString());
        Files.write(damaged.resolve("model.safetensors"), "not a checkpoint at all".getBytes());
        assertExit2("model.safetensors", "eval", "--checkpoint", damaged.toString(), "--text", textFile.toString());
    }

    @Test
    void anExistingCheckpointSurvivesAFailingRun() throws IOException {
        Path keep = Files.createDirectories(dir.resolve("keep"));
        for (String f : List.of("model.safetensors", "config.json", "metrics.jsonl", "loss.png")) {
            Files.copy(run.resolve(f), keep.resolve(f));
        }
        byte[] before = Files.readAllBytes(keep.resolve("model.safetensors"));
        byte[] metricsBefore = Files.readAllBytes(keep.resolve("metrics.jsonl"));
        assertExit2("--seq-len 100000", args(args(new String[] {"train"}, TINY), "--text", textFile.toString(),
                "--out", keep.toString(), "--seq-len", "100000"));
        assertExit2("of the prime", args(args(new String[] {"train"}, TINY), "--text", textFile.toString(),
                "--out", keep.toString(), "--prime", "é"));
        assertExit2("the file is empty", args(args(new String[] {"train"}, TINY), "--resume", keep.toString(),
                "--text", Files.writeString(dir.resolve("empty2.txt"), "").toString()));
        assertArrayEquals(before, Files.readAllBytes(keep.resolve("model.safetensors")));
        assertArrayEquals(metricsBefore, Files.readAllBytes(keep.resolve("metrics.jsonl")));
        try (var files = Files.list(keep)) {
            assertEquals(4, files.count(), "no temporary files are left");
        }
    }

    @Test
    void resumeContinuesFromTheCheckpoint() throws IOException {
        Path copy = Files.createDirectories(dir.resolve("resume"));
        Files.copy(run.resolve("model.safetensors"), copy.resolve("model.safetensors"));
        CommandRun r = capture(() -> Main.run("train", "--resume", copy.toString(), "--text", textFile.toString(),
                "--steps", "10", "--val-every", "5", "--val-frac", "0.1", "--seq-len", "16", "--batch", "4", "--lr", "0.003",
                "--sample-length", "0", "--hidden", "32", "--threads", "1"));
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("note: --hidden is ignored with --resume"), r.out());
        assertTrue(r.out().contains("resumed from " + copy + " at step 60"), r.out());
        assertTrue(r.out().contains("trained 70 steps"), r.out());
        assertTrue(finalLoss(r.out()) <= finalLoss(trained.out()) + 1e-4, r.out());
    }
}
