package dev.lanegrad.io;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * tools/state_dict_to_safetensors.py (torch only, no safetensors package) writes what lanegrad reads, with
 * the same tensors the .pt file holds. Runs when /usr/bin/python3 has torch; skipped otherwise.
 */
class StateDictScriptTest {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path SCRIPT = Path.of("..", "tools", "state_dict_to_safetensors.py");

    /** Finds torch without importing it (an import takes seconds). */
    static final String HAS_TORCH = "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)";

    @TempDir
    Path dir;

    static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        if (p.exitValue() != 0 && !command[1].equals("-c")) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
        }
        return p.exitValue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gru_L2_f16", "views"}) // a model in float16, and views sharing a storage
    void theScriptWritesTheTensorsOfTheTorchFile(String name) throws Exception {
        assumeTrue(Files.isExecutable(PYTHON) && run(PYTHON.toString(), "-c", HAS_TORCH) == 0,
                "/usr/bin/python3 without torch");
        Path pt = TorchFileTest.fixture(name + ".pt");
        Path out = dir.resolve(name + ".safetensors");
        run(PYTHON.toString(), SCRIPT.toString(), pt.toString(), out.toString());
        Checkpoint converted = SafeTensors.read(out);
        Checkpoint direct = TorchFile.read(pt);
        assertEquals(direct.tensors().keySet(), converted.tensors().keySet());
        for (NamedTensor t : direct.tensors().values()) {
            assertArrayEquals(t.shape(), converted.get(t.name()).shape(), t.name());
            assertArrayEquals(t.data(), converted.get(t.name()).data(), t.name());
        }
        assertEquals("pt", converted.metadata().get("format"));
    }
}
