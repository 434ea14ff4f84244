package dev.lanegrad.serve;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.nn.RecurrentOutput;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Many clients at once, each sending sequences of random lengths and checking its answers against the offline forward. */
final class ConcurrentClients {

    /** How an answer is compared with the offline forward: bit for bit, or within a bound. */
    interface Check {
        void check(float[] want, float[] got, String what);
    }

    private ConcurrentClients() {
    }

    static void run(Client client, String model, RecurrentLayer offline, int clients, int requests, int maxSteps, Check check)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int seed = 100 + c;
                done.add(pool.submit(() -> {
                    Random r = new Random(seed);
                    for (int q = 0; q < requests; q++) {
                        int t = 1 + r.nextInt(maxSteps);
                        float[] x = Fixtures.steps(r, t);
                        Client.Answer a = client.post("/v1/models/" + model + "/predict", "{\"x\": " + Fixtures.stepsJson(x) + "}");
                        assertEquals(200, a.status(), a.body());
                        try (Tape tape = new Tape(); Tape.NoGrad ng = tape.noGrad()) {
                            RecurrentOutput want = offline.forward(Tensor.wrap(x, 0, t, 1, Fixtures.IN));
                            check.check(want.output().toArray(), Client.floats(a.json().get("output")), "output");
                            check.check(want.hn().toArray(), Client.floats(a.json().get("h_n")), "h_n");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
