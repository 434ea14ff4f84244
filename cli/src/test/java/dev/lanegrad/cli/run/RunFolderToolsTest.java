package dev.lanegrad.cli.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunFolderToolsTest {

    @Test
    void aFailedAtomicWriteKeepsThePreviousFileAndLeavesNoTemporaryFile(@TempDir Path tmp) throws IOException {
        RunDirectory run = RunDirectory.create(tmp.resolve("out"));
        run.writeString("a.txt", "first");
        assertThrows(IOException.class, () -> run.write("a.txt", out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("first", Files.readString(run.resolve("a.txt")));
        run.writeString("a.txt", "second");
        assertEquals("second", Files.readString(run.resolve("a.txt")));
        try (Stream<Path> files = Files.list(run.path())) {
            assertEquals(List.of("a.txt"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void theDefaultRunFolderIsATimestampAndTwoRunsGetTwoFolders(@TempDir Path tmp) {
        RunDirectory a = RunDirectory.create(null, tmp.resolve("runs"));
        RunDirectory b = RunDirectory.create(null, tmp.resolve("runs"));
        assertTrue(a.path().getFileName().toString().matches("\\d{8}-\\d{6}(-\\d+)?"), a.toString());
        assertTrue(Files.isDirectory(a.path()) && Files.isDirectory(b.path()));
        assertTrue(!a.path().equals(b.path()));
    }

    @Test
    void anOutThatIsAFileIsRefused(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("f"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunDirectory.create(file));
        assertTrue(e.getMessage().contains("not a folder"), e.getMessage());
    }

    @Test
    void metricsAsJsonLinesAndCsv(@TempDir Path tmp) throws IOException {
        try (MetricsLog log = MetricsLog.open(tmp.resolve("m.jsonl"), false)) {
            log.write(MetricsLog.record("step", 1, "train_loss", 2.5, "val_loss", Double.NaN, "note", "a\"b"));
        }
        assertEquals("{\"step\":1,\"train_loss\":2.5,\"val_loss\":null,\"note\":\"a\\\"b\"}",
                Files.readString(tmp.resolve("m.jsonl")).strip());
        try (MetricsLog log = MetricsLog.open(tmp.resolve("m.csv"), false)) {
            log.write(MetricsLog.record("step", 1, "loss", 1.25));
        }
        try (MetricsLog log = MetricsLog.open(tmp.resolve("m.csv"), true)) {
            log.write(MetricsLog.record("step", 2));
        }
        assertEquals(List.of("step,loss", "1,1.25", "2,"), Files.readAllLines(tmp.resolve("m.csv")));
    }

    @Test
    void theLossPlotIsAPng(@TempDir Path tmp) throws IOException {
        LossPlot plot = new LossPlot(tmp.resolve("loss.png"), "test", "loss").size(300, 200);
        plot.save();   // nothing yet: no file
        assertTrue(!Files.exists(plot.file()));
        for (int i = 1; i <= 1000; i++) {
            plot.addTrain(i, 3.0 / Math.sqrt(i));
        }
        plot.addValidation(500, 0.2);
        plot.addValidation(1000, 0.15);
        plot.save();
        byte[] head = new byte[4];
        System.arraycopy(Files.readAllBytes(plot.file()), 0, head, 0, 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head);
    }

    @Test
    void withoutATerminalProgressIsPlainLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (TrainingProgress p = TrainingProgress.forLog("train", 10, 0, "tok", out, 0)) {
            p.step(1, 1, 4.2, 100);
            p.validation(1, 4.0);
            p.step(2, 1, 3.9, 100);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("train step 1/10  epoch 1  train 4.200  val -  "), lines.get(0));
        assertEquals("step 1: validation loss 4.0000", lines.get(1));
        assertTrue(lines.get(2).contains("val 4.000") && lines.get(2).contains("tok/s") && lines.get(2).contains("eta "),
                lines.get(2));
    }
}
