package dev.lanegrad.cli;

import static dev.lanegrad.cli.CommandRun.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanegrad.io.Checkpoint;
import dev.lanegrad.io.NamedTensor;
import dev.lanegrad.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad numbers, paths and texts on the command line, as a careless user or an attacker types them: each
 * ends with exit code 0, 1 or 2, a message naming what was wrong, and never a stack trace. Options are
 * checked before anything is created: a refused train leaves no run folder behind.
 */
class HostileCommandLineTest {

    static Path dir;
    static Path text;
    static Path run;

    static final String[] TINY = {"--hidden", "16", "--layers", "1", "--embed", "8", "--seq-len", "16", "--batch", "4",
            "--steps", "8", "--val-every", "4", "--val-frac", "0.1", "--sample-length", "20", "--threads", "1"};

    @BeforeAll
    static void trainOnce(@TempDir Path tmp) throws IOException {
        dir = tmp;
        text = Files.writeString(tmp.resolve("text.txt"), CharLmCommandsTest.text());
        run = tmp.resolve("run");
        CommandRun r = capture(() -> Main.run(cat(new String[] {"train", "--text", text.toString(), "--out",
                run.toString()}, TINY)));
        assertEquals(0, r.code(), r.out() + r.err());
        Files.createDirectories(tmp.resolve("folder.txt"));
        Files.createDirectories(tmp.resolve("fake-run").resolve("model.safetensors"));
        Files.writeString(tmp.resolve("hex.csv"), "t,value\n1,1.5\n2,0x1p3\n3,2\n");
        Files.writeString(tmp.resolve("suffix.csv"), "t,value\n1,1.5\n2,5d\n3,2\n");
        Files.writeString(tmp.resolve("dup.csv"), "value,value\n1,2\n2,3\n3,4\n");
    }

    static String[] cat(String[] a, String... b) {
        List<String> all = new ArrayList<>(Arrays.asList(a));
        all.addAll(Arrays.asList(b));
        return all.toArray(String[]::new);
    }

    static Stream<Arguments> cases() {
        String t = "--text";
        return Stream.of(
                // bad numbers
                Arguments.of("train --threads 100000", 2, "--threads 100000: expected a whole number from 1 to 1024"),
                Arguments.of("train --threads 0", 2, "--threads 0"),
                Arguments.of("sample --checkpoint RUN --threads 0", 2, "--threads 0: expected a whole number from 1 to 1024"),
                Arguments.of("eval --checkpoint RUN --text TEXT --threads 100000", 2, "--threads 100000"),
                Arguments.of("forecast --threads 0 --epochs 1", 2, "--threads 0"),
                Arguments.of("classify --threads 0 --epochs 1", 2, "--threads 0"),
                Arguments.of("train --hidden 100000 --layers 2", 2, "--hidden 100000"),
                Arguments.of("train --seq-len 2000000000 --batch 2000000000", 2, "--seq-len 2000000000"),
                Arguments.of("train --embed 2000000000", 2, "--embed 2000000000"),
                Arguments.of("train --hidden 12abc", 2, "--hidden"),
                Arguments.of("train --lr NaN", 2, "--lr"),
                Arguments.of("train --lr Infinity", 2, "--lr"),
                Arguments.of("train --dropout 1.5", 2, "--dropout"),
                Arguments.of("forecast --hidden 2000000000 --epochs 1", 2, "--hidden 2000000000"),
                Arguments.of("forecast --batch 2000000000 --window 30 --epochs 1", 2, "--batch 2000000000"),
                Arguments.of("classify --hidden 100000 --epochs 1", 2, "--hidden 100000"),
                Arguments.of("classify --max-length 2000000000 --batch 2000000000 --epochs 1", 2, "--max-length 2000000000"),
                Arguments.of("sample --checkpoint RUN --length -1", 2, "--length -1"),
                Arguments.of("sample --checkpoint RUN --temperature NaN", 2, "--temperature"),
                // bad paths
                Arguments.of("train --text DIR/missing.txt", 2, "no such file"),
                Arguments.of("train --text DIR/folder.txt", 2, "is a folder"),
                Arguments.of("eval --checkpoint DIR/missing --text TEXT", 2, "no such folder"),
                Arguments.of("eval --checkpoint DIR/fake-run --text TEXT", 2, "is a folder"),
                Arguments.of("eval --checkpoint TEXT --text TEXT", 2, "not a safetensors file"),
                Arguments.of("sample --checkpoint DIR/folder.txt", 2, "model.safetensors is missing"),
                Arguments.of("forecast --checkpoint TEXT", 2, "is a file"),
                // bad texts and tables
                Arguments.of("eval --checkpoint RUN --text DIR/folder.txt", 2, "is a folder"),
                Arguments.of("sample --checkpoint RUN --prime \u00e9\u00e9", 2, "prime"),
                Arguments.of("forecast --csv DIR/hex.csv --column value --epochs 1", 2, "\"0x1p3\" in column value is not a number"),
                Arguments.of("forecast --csv DIR/suffix.csv --column value --epochs 1", 2, "\"5d\" in column value is not a number"),
                Arguments.of("forecast --csv DIR/dup.csv --column value --epochs 1", 2, "names column \"value\" twice"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithAMessageAndNoStackTrace(String line, int code, String message) {
        Path out = dir.resolve("never-" + Math.abs(line.hashCode()));
        List<String> args = new ArrayList<>();
        for (String a : line.split(" ")) {
            args.add(a.replace("DIR", dir.toString()).replace("RUN", run.toString()).replace("TEXT", text.toString()));
        }
        if (!args.get(0).equals("train") && !args.get(0).equals("sample") && !args.get(0).equals("eval") && !line.contains("--checkpoint")) {
            args.addAll(List.of("--out", out.toString()));
        }
        if (args.get(0).equals("train")) {
            args.addAll(List.of("--out", out.toString(), "--steps", "2"));
            if (!line.contains("--text")) {
                args.addAll(List.of("--text", text.toString()));
            }
        }
        CommandRun r = capture(() -> Main.run(args.toArray(String[]::new)));
        assertEquals(code, r.code(), line + "\n" + r.out() + r.err());
        assertTrue(r.err().contains(message), line + ": stderr does not say '" + message + "':\n" + r.err());
        noStackTrace(line, r);
        assertFalse(Files.exists(out), line + ": a refused command created " + out);
    }

    static void noStackTrace(String line, CommandRun r) {
        String all = r.out() + r.err();
        assertFalse(all.contains("\tat ") || all.contains("Exception in thread") || all.contains("java.lang."),
                line + ": a stack trace or a bare exception name:\n" + all);
    }

    @Test
    void weightsThatOverflowGiveExitOneNotLossNaN() throws Exception {
        Path bad = dir.resolve("overflowing");
        Files.createDirectories(bad);
        Checkpoint c = SafeTensors.read(run.resolve("model.safetensors"));
        List<NamedTensor> tensors = new ArrayList<>();
        for (NamedTensor t : c.tensors().values()) {
            float[] v = t.data().clone();
            if (t.name().equals("decoder.weight")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = i % 2 == 0 ? 3e38f : -3e38f;   // finite weights whose logits overflow to +-Infinity
                }
            }
            tensors.add(new NamedTensor(t.name(), t.shape(), v));
        }
        SafeTensors.write(bad.resolve("model.safetensors"), tensors, c.metadata());
        CommandRun r = capture(() -> Main.run("eval", "--checkpoint", bad.toString(), "--text", text.toString()));
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("not a number"), r.err());
        assertFalse(r.out().contains("loss NaN"), r.out());
        noStackTrace("eval overflowing", r);
    }

    @Test
    void aTextWithoutNewlinesTrainsAndSamplesFromItsFirstCharacter() throws IOException {
        Path oneLine = Files.writeString(dir.resolve("one-line.txt"), CharLmCommandsTest.text().replace('\n', ' '));
        Path out = dir.resolve("one-line-run");
        CommandRun r = capture(() -> Main.run(cat(new String[] {"train", "--text", oneLine.toString(), "--out",
                out.toString()}, TINY)));
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("sample (temperature"), r.out());
    }

    /** Standard output whose reader has gone after a few bytes, like `sample | head -c 100`. */
    static final class ClosedPipe extends java.io.OutputStream {
        long writes;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (++writes > 100) {
                throw new IOException("Broken pipe");
            }
        }
    }

    @Test
    void sampleStopsQuietlyWhenItsOutputIsClosed() {
        java.io.PrintStream saved = System.out;
        ClosedPipe pipe = new ClosedPipe();
        int code;
        try {
            System.setOut(new java.io.PrintStream(pipe, false));
            code = Main.run("sample", "--checkpoint", run.toString(), "--length", "100000000");
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code);
        assertTrue(pipe.writes < 2000, "sample kept writing into a closed pipe: " + pipe.writes + " writes");
    }

    @Test
    void aDivergingRunStopsWithExitOne() {
        Path out = dir.resolve("diverging");
        CommandRun r = capture(() -> Main.run(cat(new String[] {"train", "--text", text.toString(), "--out",
                out.toString(), "--optimizer", "sgd", "--lr", "1000000", "--clip", "0", "--warmup", "0"}, TINY)));
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("diverged"), r.err());
        noStackTrace("diverging train", r);
    }
}
