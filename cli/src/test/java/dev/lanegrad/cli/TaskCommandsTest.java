package dev.lanegrad.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `lanegrad forecast` and `lanegrad classify` end to end: small runs, and every kind of bad input. */
class TaskCommandsTest {

    static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    /** Exit 2, one line on stderr that contains {@code expected}, nothing on stdout. */
    static void assertBadInput(String expected, String... args) {
        CommandRun r = run(args);
        assertEquals(2, r.code(), String.join(" ", args) + "\n" + r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(expected), "expected \"" + expected + "\" in: " + r.err());
        assertEquals("", r.out());
    }

    static Path sineCsv(Path dir) throws IOException {
        Random random = new Random(1);
        StringBuilder sb = new StringBuilder("t,value\n");
        for (int t = 0; t < 240; t++) {
            sb.append(t).append(',').append(10 + 3 * Math.sin(2 * Math.PI * t / 24) + 0.2 * random.nextGaussian()).append('\n');
        }
        return Files.writeString(dir.resolve("sine.csv"), sb.toString());
    }

    static Path tinyTsv(Path dir) throws IOException {
        Random random = new Random(2);
        String[] filler = {"the", "movie", "food", "was", "really", "a", "phone", "and", "it", "this", "place", "so"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            boolean good = i % 2 == 0;
            int len = 3 + random.nextInt(8);
            int at = random.nextInt(len);
            List<String> words = new ArrayList<>();
            for (int j = 0; j < len; j++) {
                words.add(j == at ? (good ? "good" : "bad") : filler[random.nextInt(filler.length)]);
            }
            sb.append(String.join(" ", words)).append('\t').append(good ? "pos" : "neg").append('\n');
        }
        return Files.writeString(dir.resolve("tiny.tsv"), sb.toString());
    }

    static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                m.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        return m;
    }

    static void assertSameFiles(Map<String, byte[]> before, Path dir) throws IOException {
        Map<String, byte[]> after = contents(dir);
        assertEquals(before.keySet(), after.keySet());
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k + " changed"));
    }

    // ------------------------------------------------------------------------------------- forecast

    @Test
    void forecastTrainsSavesAndThenRefusesBadInputWithoutTouchingTheCheckpoint(@TempDir Path tmp) throws IOException {
        Path csv = sineCsv(tmp);
        Path out = tmp.resolve("run");
        CommandRun r = run("forecast", "--csv", csv.toString(), "--column", "value", "--window", "24", "--hidden", "12",
                "--layers", "1", "--cell", "gru", "--epochs", "4", "--lr", "0.01", "--season", "24", "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("naive (last value)"), r.out());
        assertTrue(r.out().contains("seasonal naive (24)"), r.out());
        assertTrue(r.out().contains("model "), r.out());
        for (String f : List.of("model.safetensors", "config.json", "forecast.png", "loss.png", "metrics.jsonl", "results.json")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertEquals(4, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        CommandRun ahead = run("forecast", "--checkpoint", out.toString(), "--csv", csv.toString(), "--column", "value");
        assertEquals(0, ahead.code(), ahead.out() + ahead.err());
        assertTrue(ahead.out().contains("after the 240 values"), ahead.out());
        double next = Double.parseDouble(ahead.out().lines().filter(l -> l.startsWith("t+1\t")).findFirst().orElseThrow()
                .substring(4));
        assertTrue(next > 5 && next < 15, ahead.out()); // the sine lives in [7, 13]
        Map<String, byte[]> before = contents(out);

        String[] common = {"forecast", "--csv", csv.toString(), "--column", "value", "--out", out.toString()};
        assertBadInput("window 500 is longer than the series of 240 values", concat(common, "--window", "500"));
        assertBadInput("horizon 0 must be at least 1", concat(common, "--horizon", "0"));
        assertBadInput("do not fit the training part of 168 values", concat(common, "--window", "168"));
        assertBadInput("horizon 40 is longer than the validation part (36 values)", concat(common, "--window", "4", "--horizon", "40"));
        assertBadInput("hidden -4 must be at least 1", concat(common, "--hidden", "-4"));
        assertBadInput("epochs 0 must be at least 1", concat(common, "--epochs", "0"));
        assertBadInput("lr -0.1 must be a positive number", concat(common, "--lr", "-0.1"));
        assertBadInput("cell \"rnn\" is not one of lstm, gru", concat(common, "--cell", "rnn"));
        Path copy = Files.createDirectory(tmp.resolve("copy"));
        for (String f : before.keySet()) {
            Files.write(copy.resolve(f), before.get(f));
        }
        Files.writeString(copy.resolve("config.json"), "{\"task\": \"forecast\", \"window\": ");
        assertBadInput("config.json is damaged", "forecast", "--checkpoint", copy.toString(), "--csv", csv.toString(),
                "--column", "value");
        Files.delete(copy.resolve("config.json"));
        assertBadInput("config.json is missing", "forecast", "--checkpoint", copy.toString());
        assertSameFiles(before, out);
    }

    @Test
    void forecastBadFiles(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("never-made");
        Path empty = Files.writeString(tmp.resolve("empty.csv"), "");
        assertBadInput("empty file, expected a header row", "forecast", "--csv", empty.toString(), "--column", "v", "--out", out.toString());
        Path headerOnly = Files.writeString(tmp.resolve("header.csv"), "t,v\n");
        assertBadInput("the series is empty", "forecast", "--csv", headerOnly.toString(), "--column", "v", "--out", out.toString());
        Path csv = Files.writeString(tmp.resolve("words.csv"), "t,v\n1,2.5\n2,abc\n");
        assertBadInput("line 3: \"abc\" in column v is not a number", "forecast", "--csv", csv.toString(), "--column", "v",
                "--out", out.toString());
        assertBadInput("column \"value\" not found in " + csv + "; the columns are: t, v", "forecast", "--csv", csv.toString(),
                "--column", "value", "--out", out.toString());
        assertBadInput("needs --column NAME", "forecast", "--csv", csv.toString(), "--out", out.toString());
        assertBadInput("no such file", "forecast", "--csv", tmp.resolve("nope.csv").toString(), "--column", "v",
                "--out", out.toString());
        assertBadInput("is a folder", "forecast", "--csv", tmp.toString(), "--column", "v", "--out", out.toString());
        Path binary = Files.write(tmp.resolve("binary.csv"), new byte[] {'t', ',', 'v', '\n', (byte) 0xff, (byte) 0xfe, '\n'});
        assertBadInput("not UTF-8 text", "forecast", "--csv", binary.toString(), "--column", "v", "--out", out.toString());
        assertBadInput("window 5000 is longer than the series of 2820 values", "forecast", "--window", "5000", "--out",
                out.toString());
        assertFalse(Files.exists(out), "a refused run must not create its folder");
    }

    // ------------------------------------------------------------------------------------- classify

    @Test
    void classifyTrainsLabelsNewTextAndKeepsItsCheckpointThroughBadInput(@TempDir Path tmp) throws IOException {
        Path tsv = tinyTsv(tmp);
        Path out = tmp.resolve("run");
        CommandRun r = run("classify", "--tsv", tsv.toString(), "--embedding", "16", "--hidden", "16", "--epochs", "6", "--lr", "0.01",
                "--dropout", "0.1", "--batch", "16", "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("majority-class baseline"), r.out());
        assertTrue(r.out().contains("actual \\ predicted"), r.out());
        for (String f : List.of("model.safetensors", "config.json", "vocab.txt", "loss.png", "metrics.jsonl", "results.json")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        CommandRun p = run("classify", "--checkpoint", out.toString(), "--text", "the food was good", "--text", "a bad phone");
        assertEquals(0, p.code(), p.out() + p.err());
        List<String> lines = p.out().lines().toList();
        assertEquals(2, lines.size(), p.out());
        assertTrue(lines.get(0).startsWith("pos\t"), p.out());
        assertTrue(lines.get(1).startsWith("neg\t"), p.out());
        double probability = Double.parseDouble(lines.get(0).split("\t")[1]);
        assertTrue(probability > 0.5 && probability <= 1, p.out());
        Map<String, byte[]> before = contents(out);

        Path noTab = Files.writeString(tmp.resolve("notab.tsv"), "good film\tpos\nbad film without a tab\n");
        assertBadInput("notab.tsv line 2: no tab between the text and the label", "classify", "--tsv", noTab.toString(),
                "--out", out.toString());
        assertBadInput("pooling \"sum\" is not one of mean, max, last", "classify", "--tsv", tsv.toString(), "--pooling", "sum",
                "--out", out.toString());
        assertBadInput("batch 0 must be at least 1", "classify", "--tsv", tsv.toString(), "--batch", "0", "--out", out.toString());
        assertBadInput("needs --text", "classify", "--checkpoint", out.toString());
        assertBadInput("--text needs --checkpoint DIR", "classify", "--text", "good");
        assertSameFiles(before, out);

        // a damaged or incomplete checkpoint is refused by name, and the other files stay as they are
        Path copy = Files.createDirectory(tmp.resolve("copy"));
        for (String f : before.keySet()) {
            Files.write(copy.resolve(f), before.get(f));
        }
        Files.write(copy.resolve("model.safetensors"), "not a safetensors file".getBytes(StandardCharsets.UTF_8));
        assertBadInput("model.safetensors is damaged", "classify", "--checkpoint", copy.toString(), "--text", "good");
        Files.delete(copy.resolve("model.safetensors"));
        assertBadInput("model.safetensors is missing", "classify", "--checkpoint", copy.toString(), "--text", "good");
        Files.delete(copy.resolve("config.json"));
        assertBadInput("config.json is missing", "classify", "--checkpoint", copy.toString(), "--text", "good");
        assertBadInput("does not exist", "classify", "--checkpoint", tmp.resolve("nope").toString(), "--text", "good");
        Path forecastRun = tmp.resolve("fc");
        Files.createDirectory(forecastRun);
        Files.writeString(forecastRun.resolve("config.json"), "{\"task\": \"forecast\"}");
        assertBadInput("holds a forecast model, expected a classify model", "classify", "--checkpoint", forecastRun.toString(),
                "--text", "good");
        assertSameFiles(before, out);
    }

    @Test
    void classifyBadFiles(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("never-made");
        Path empty = Files.writeString(tmp.resolve("empty.tsv"), "");
        assertBadInput("empty.tsv holds no labelled lines", "classify", "--tsv", empty.toString(), "--out", out.toString());
        Path one = Files.writeString(tmp.resolve("one.tsv"), "good\tpos\nfine\tpos\n");
        assertBadInput("has only the label \"pos\"; expected at least two labels", "classify", "--tsv", one.toString(),
                "--out", out.toString());
        assertBadInput("no such file", "classify", "--tsv", tmp.resolve("nope.tsv").toString(), "--out", out.toString());
        Path emptyLabel = Files.writeString(tmp.resolve("nolabel.tsv"), "good\tpos\nbad\t \n");
        assertBadInput("nolabel.tsv line 2: empty label after the tab", "classify", "--tsv", emptyLabel.toString(),
                "--out", out.toString());
        assertFalse(Files.exists(out), "a refused run must not create its folder");
    }

    @Test
    void helpListsTheOptionsWithoutFormattingWarnings() {
        for (String command : List.of("forecast", "classify")) {
            CommandRun r = run(command, "--help");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("--epochs"), r.out());
            assertFalse((r.out() + r.err()).contains("WARN"), r.out() + r.err());
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
