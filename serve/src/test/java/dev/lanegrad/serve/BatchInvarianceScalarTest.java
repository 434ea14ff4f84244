package dev.lanegrad.serve;

import dev.lanegrad.engine.Kernels;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.nn.RecurrentStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs in a JVM of its own on the scalar kernels (-Dlanegrad.kernels=scalar, see the pom): there every row
 * of a GEMM sums over k in the same order whatever the batch, so a request batched with others gives the
 * same bits as alone. (With the SIMD kernels it does not: see BatchingTest and docs/serving.md.)
 */
class BatchInvarianceScalarTest {

    @Test
    void theseTestsRunOnTheScalarKernels() {
        assertTrue(Kernels.gemm().getClass().getSimpleName().startsWith("Scalar"), Kernels.gemm().getClass().getName());
    }

    @Test
    void gemmRowsDoNotDependOnHowManyRowsAreMultiplied() {
        Random r = new Random(3);
        int n = 37;
        int k = 300;
        float[] a = new float[70 * k];
        float[] b = new float[n * k];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
        float[] alone = new float[n];
        Kernels.gemm().sgemm(false, true, 1, n, k, 1f, a, 0, k, b, 0, k, 0f, alone, 0, n);
        for (int m : new int[] {2, 3, 6, 7, 33, 70}) {
            float[] c = new float[m * n];
            Kernels.gemm().sgemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, c, 0, n);
            assertArrayEquals(alone, java.util.Arrays.copyOf(c, n), "row 0 of an m = " + m + " product");
        }
    }

    @Test
    void batchedPredictionsEqualEachRequestAloneBitForBit() {
        for (String cell : List.of("lstm", "gru", "rnn")) {
            for (boolean bi : new boolean[] {false, true}) {
                StackModel m = new StackModel("m", Fixtures.stack(cell, 2, bi));
                Random r = new Random(cell.hashCode());
                List<Object> reqs = new ArrayList<>();
                for (int i = 0; i < 9; i++) {
                    reqs.add(m.parsePredict(Map.of("x_f32", base64(Fixtures.steps(r, 1 + r.nextInt(12)))), 100));
                }
                List<Map<String, Object>> batched = m.predictBatch(reqs);
                for (int i = 0; i < reqs.size(); i++) {
                    Map<String, Object> alone = m.predictBatch(List.of(reqs.get(i))).get(0);
                    for (String key : alone.keySet()) {
                        assertArrayEquals(Client.floats(alone.get(key)), Client.floats(batched.get(i).get(key)),
                                cell + (bi ? " bidirectional" : "") + " request " + i + " " + key);
                    }
                }
            }
        }
    }

    @Test
    void batchedSessionStepsEqualOneStreamPerSession() {
        RecurrentLayer layer = Fixtures.stack("lstm", 2, false);
        StackModel model = new StackModel("m", layer);
        Sessions sessions = new Sessions(10, Long.MAX_VALUE, () -> 0L);
        SessionStepper stepper = new SessionStepper(layer, 8);
        Random r = new Random(5);
        int count = 5;
        List<Session> ss = new ArrayList<>();
        List<RecurrentStream> alone = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ss.add(sessions.create("m", model));
            alone.add(layer.newStream(1));
        }
        for (int round = 0; round < 3; round++) {
            List<SessionStepper.Job> jobs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = 1 + (i + round) % 3;
                jobs.add(new SessionStepper.Job(ss.get(i), Fixtures.steps(r, n), n));
            }
            List<float[]> outs = stepper.apply(jobs);
            for (int i = 0; i < count; i++) {
                SessionStepper.Job j = jobs.get(i);
                for (int t = 0; t < j.steps(); t++) {
                    float[] h = alone.get(i).step(java.util.Arrays.copyOfRange(j.x(), t * Fixtures.IN, (t + 1) * Fixtures.IN));
                    assertArrayEquals(h, java.util.Arrays.copyOfRange(outs.get(i), t * Fixtures.HIDDEN, (t + 1) * Fixtures.HIDDEN),
                            "round " + round + " session " + i + " step " + t);
                }
                assertArrayEquals(alone.get(i).h(), ss.get(i).h(), "h of session " + i);
                assertArrayEquals(alone.get(i).c(), ss.get(i).c(), "c of session " + i);
            }
        }
    }

    @Test
    void concurrentHttpClientsGetTheOfflineForwardOfTheirOwnSequence(@TempDir Path dir) throws Exception {
        Path ckpt = Fixtures.saveStack(dir, "gru", 2, false);
        RecurrentLayer offline = RecurrentLayer.load(ckpt);
        offline.eval();
        try (ServeServer server = ServeServer.start(ServeConfig.defaults().withPort(0))) {
            server.add(ModelLoader.load("gru", ckpt));
            server.ready();
            ConcurrentClients.run(new Client(server.port()), "gru", offline, 8, 4, 15, (want, got, what) ->
                    assertArrayEquals(want, got, what + ", bit for bit"));
        }
    }

    static String base64(float[] x) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * x.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(x);
        return java.util.Base64.getEncoder().encodeToString(b.array());
    }
}
