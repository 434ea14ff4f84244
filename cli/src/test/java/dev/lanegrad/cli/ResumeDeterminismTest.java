package dev.lanegrad.cli;

import static dev.lanegrad.cli.CommandRun.capture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.tasks.charlm.CharLmCheckpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `train --resume` in the deterministic mode gives the same weights, bit for bit, in two JVMs that
 * run the kernels as differently as HotSpot can: one never compiles with C2 (-XX:TieredStopAtLevel=1:
 * the Vector API falls back to Java per lane, Math.exp included), the other compiles with C2 almost at
 * early (-XX:-TieredCompilation -XX:CompileThreshold=1000: SVML where the JDK has it). Without the mode
 * (-Dlanegrad.deterministic=false; AMD EPYC AVX-512, JDK 17.0.15) every weight tensor differs in the low
 * bits between the two: the cold JVM's per-lane Math.exp/tanh round differently from SVML.
 */
class ResumeDeterminismTest {

    @Test
    void resumeGivesTheSameBitsInACompiledAndAnUncompiledJvm(@TempDir Path tmp) throws Exception {
        Path text = Files.writeString(tmp.resolve("text.txt"), CharLmCommandsTest.text());
        Path first = tmp.resolve("first");
        CommandRun trained = capture(() -> Main.run("train", "--text", text.toString(), "--out", first.toString(),
                "--hidden", "24", "--layers", "2", "--embed", "8", "--seq-len", "12", "--batch", "4", "--lr", "0.02",
                "--steps", "6", "--val-every", "6", "--val-frac", "0.1", "--sample-length", "0", "--threads", "1"));
        assertEquals(0, trained.code(), trained.out() + trained.err());
        Path cold = resumeInNewJvm(tmp, first, text, "cold", "-XX:TieredStopAtLevel=1");
        Path hot = resumeInNewJvm(tmp, first, text, "hot", "-XX:-TieredCompilation", "-XX:CompileThreshold=1000");
        Map<String, Tensor> a = CharLmCheckpoint.load(cold).model().namedParameters();
        Map<String, Tensor> b = CharLmCheckpoint.load(hot).model().namedParameters();
        assertEquals(a.keySet(), b.keySet());
        // float arrays compare by their bits (Float.floatToIntBits), not within a tolerance
        a.forEach((name, t) -> assertArrayEquals(t.toArray(), b.get(name).toArray(), name + " differs between a C1-only and a C2 JVM"));
    }

    /** a copy of the checkpoint in `from`, resumed for 8 more steps in a new JVM with these options */
    private static Path resumeInNewJvm(Path tmp, Path from, Path text, String name, String... options)
            throws IOException, InterruptedException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.copy(from.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Dlanegrad.deterministic=true"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "--resume", dir.toString(),
                "--text", text.toString(), "--steps", "8", "--val-every", "8", "--val-frac", "0.1", "--seq-len", "12",
                "--batch", "4", "--lr", "0.02", "--sample-length", "0", "--threads", "1"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), name + " run failed:\n" + out);
        return dir;
    }
}
