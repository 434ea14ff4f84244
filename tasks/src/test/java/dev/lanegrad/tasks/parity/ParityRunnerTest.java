package dev.lanegrad.tasks.parity;

import dev.lanegrad.io.ParityCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner on every published golden file (parity/) and on the extra sizes, seeds and layouts (parity-extra/). */
class ParityRunnerTest {

    static Path resource(String name) throws URISyntaxException {
        var url = ParityRunnerTest.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        return Path.of(url.toURI());
    }

    static List<Path> allCaseFiles() throws Exception {
        List<Path> files = new ArrayList<>();
        files.addAll(ParityRunner.jsonFiles(resource("/parity")));
        files.addAll(ParityRunner.jsonFiles(resource("/parity-extra")));
        files.removeIf(p -> p.getFileName().toString().equals("index.json"));
        return files;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allCaseFiles")
    void everyGoldenCasePasses(Path file) {
        CaseResult r = new ParityRunner().runFile(file).orElseThrow();
        assertTrue(r.passed(), () -> file.getParent().getFileName() + "/" + file.getFileName() + ": " + r.failure());
        assertTrue(r.count() > 0);
    }

    @Test
    void bothDirectoriesHoldTheExpectedCases() throws Exception {
        // 16 recurrent cases, linear_ce, embedding_ce, elementwise; each in f64 and f32
        assertEquals(38, ParityRunner.jsonFiles(resource("/parity")).size());
        // 9 recurrent cases (incl. bias=false and batch_first) and both losses, each in f64 and f32
        assertEquals(22, allCaseFiles().size() - 38);
    }

    @Test
    void aCorruptedGradientFailsNamingItsTensor() throws Exception {
        ParityCase pc = ParityCase.read(resource("/parity/gru_bi_L2_f64.json"));
        double[] g = pc.doubles("grad.weight_hh_l1_reverse");
        g[7] += 1e-3;
        CaseResult r = new ParityRunner().run(pc);
        assertFalse(r.passed());
        assertEquals("grad.weight_hh_l1_reverse", r.worst());
        assertTrue(r.failure().contains("grad.weight_hh_l1_reverse[7]"), r.failure());
        assertTrue(r.maxAbs() > 9e-4 && r.maxAbs() < 1.1e-3, "max abs " + r.maxAbs());
    }

    @Test
    void aCorruptedExtraCaseFailsToo() throws Exception {
        ParityCase pc = ParityCase.read(resource("/parity-extra/lstm_bi_L1_batch_first_f32.json"));
        pc.doubles("grad.x")[3] *= -1.5;
        CaseResult r = new ParityRunner().run(pc);
        assertFalse(r.passed());
        assertEquals("grad.x", r.worst());
    }

    @Test
    void nonCaseJsonIsSkipped(@TempDir Path dir) throws IOException {
        Path index = Files.writeString(dir.resolve("index.json"), "{\"set\": \"A\", \"files\": []}");
        Path list = Files.writeString(dir.resolve("list.json"), "[1, 2]");
        assertEquals(Optional.empty(), new ParityRunner().runFile(index));
        assertEquals(Optional.empty(), new ParityRunner().runFile(list));
    }

    @Test
    void aMalformedCaseFailsWithTheReason(@TempDir Path dir) throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"module\": \"LSTM\", \"tensors\": {");
        CaseResult r = new ParityRunner().runFile(broken).orElseThrow();
        assertFalse(r.passed());
        assertTrue(r.failure() != null && !r.failure().isBlank());

        Path missing = Files.writeString(dir.resolve("missing.json"), "{\"module\": \"GRU\", \"input_size\": 1, "
                + "\"hidden_size\": 1, \"num_layers\": 1, \"tensors\": {\"x\": {\"shape\": [1, 1, 1], \"data\": [0.5]}}}");
        CaseResult m = new ParityRunner().runFile(missing).orElseThrow();
        assertFalse(m.passed());
        assertTrue(m.failure().contains("weight_ih_l0"), m.failure());

        Path unknown = Files.writeString(dir.resolve("unknown.json"), "{\"module\": \"Conv2d\", \"tensors\": {}}");
        CaseResult u = new ParityRunner().runFile(unknown).orElseThrow();
        assertFalse(u.passed());
        assertTrue(u.failure().contains("Conv2d"), u.failure());
    }

    @Test
    void aGradientLanegradDoesNotComputeFailsTheCase(@TempDir Path dir) throws Exception {
        String text = Files.readString(resource("/parity/linear_ce_f64.json"));
        text = text.replaceFirst("\"tensors\"\\s*:\\s*\\{", "\"tensors\": {\"grad.target\": {\"shape\": [], \"data\": [0]}, ");
        Path file = Files.writeString(dir.resolve("extra_grad.json"), text);
        CaseResult r = new ParityRunner().runFile(file).orElseThrow();
        assertFalse(r.passed());
        assertTrue(r.failure().contains("grad.target"), r.failure());
    }

    @Test
    void aMissingDirectoryIsAnError(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> ParityRunner.jsonFiles(dir.resolve("nope")));
    }
}
