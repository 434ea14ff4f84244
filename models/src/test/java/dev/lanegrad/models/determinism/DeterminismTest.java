package dev.lanegrad.models.determinism;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanegrad.engine.EngineThreads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The deterministic mode (the default): a whole training run (forward, backward, clipping, Adam) gives
 * the same bits cold and after JIT compilation, in another JVM (interpreted: -Xint), and at 1 and 2
 * engine threads. Compared with int bits, never with a tolerance. With -Dlanegrad.deterministic=false on
 * x86 (SVML exp/tanh) the first test fails: the interpreted JVM rounds exp/tanh differently.
 */
class DeterminismTest {

    @Test
    void sameBitsInAnInterpretedJvmAndAfterJitCompilation() throws Exception {
        String first = DeterminismProbe.smallCase(); // this JVM may still interpret the kernels here
        for (int i = 0; i < 300; i++) {             // enough calls of every kernel for C2 to compile them
            DeterminismProbe.smallCase();
        }
        String warm = DeterminismProbe.smallCase();
        assertEquals(first, warm, "a training run gave other bits after JIT compilation");
        String interpreted = runInNewJvm("-Xint");
        assertEquals(warm, interpreted, "a training run gave other bits in an interpreted JVM (-Xint) than compiled");
    }

    @Test
    void sameBitsAtOneAndTwoThreads() {
        int before = EngineThreads.threads();
        try {
            // big enough for the GEMMs to split over threads (4H = 1024 columns) and the recurrent
            // time loops to split the batch (B = 40: the halves take other GEMM paths than the whole)
            EngineThreads.setThreads(1);
            float[] one = DeterminismProbe.train(48, 256, 40, 1, 7, 3);
            EngineThreads.setThreads(2);
            float[] two = DeterminismProbe.train(48, 256, 40, 1, 7, 3);
            assertArrayEquals(bits(one), bits(two), "1 and 2 engine threads gave other bits");
        } finally {
            EngineThreads.setThreads(before);
        }
    }

    private static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }

    /** Runs DeterminismProbe.main in a new JVM with the same class path and the given options. */
    private static String runInNewJvm(String option) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add(option);
        for (String p : List.of("lanegrad.deterministic", "lanegrad.vectormath", "lanegrad.kernels")) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(DeterminismProbe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        assertEquals(0, code, "probe JVM failed: " + err);
        return out;
    }
}
