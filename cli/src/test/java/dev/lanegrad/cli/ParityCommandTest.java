package dev.lanegrad.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.lanegrad.cli.CommandRun.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `lanegrad parity DIR` end to end, on the golden files of the models module. */
class ParityCommandTest {

    static final Path GOLDEN = Path.of("..", "testdata", "parity");

    @Test
    void thePublishedGoldenFilesPass() {
        CommandRun r = capture(() -> Main.run("parity", GOLDEN.toString()));
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("38 cases: 38 ok, 0 failed"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("lstm_bi_L2_f64 ") && l.contains(" LSTM ")
                && l.contains("max abs ") && l.endsWith("  ok")), r.out());
    }

    @Test
    void aMissingDirectoryIsExitTwoWithOneLine(@TempDir Path tmp) {
        CommandRun r = capture(() -> Main.run("parity", tmp.resolve("nope").toString()));
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("no such directory"), r.err());
    }

    @Test
    void aDirectoryWithoutCasesIsExitTwo(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("index.json"), "{\"files\": []}");
        CommandRun r = capture(() -> Main.run("parity", tmp.toString()));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no parity case files"), r.err());
    }

    @Test
    void aMalformedCaseFailsAndTheOthersStillRun(@TempDir Path tmp) throws IOException {
        Files.copy(GOLDEN.resolve("linear_ce_f32.json"), tmp.resolve("linear_ce_f32.json"));
        Files.writeString(tmp.resolve("broken.json"), "{\"module\": \"GRU\", \"tensors\": {\"x\": 1}}");
        CommandRun r = capture(() -> Main.run("parity", tmp.toString()));
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("broken ") && l.contains("FAILED: ")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("linear_ce_f32 ") && l.endsWith("  ok")), r.out());
        assertTrue(r.out().contains("2 cases: 1 ok, 1 failed"), r.out());
    }
}
