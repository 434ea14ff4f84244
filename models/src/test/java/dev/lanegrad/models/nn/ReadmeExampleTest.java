package dev.lanegrad.models.nn;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.optim.Adam;
import dev.lanegrad.models.optim.GradClip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The usage example of the package documentation (and README), kept compiling and running. */
class ReadmeExampleTest {

    @TempDir
    Path dir;

    @Test
    void buildTrainSaveLoadStream() throws Exception {
        // build: a 2-layer LSTM over [batch, time, features] and a linear head
        LSTM lstm = LSTM.builder(8, 32).numLayers(2).dropout(0.1f).batchFirst(true).seed(42).build();
        Linear head = new Linear(32, 1, true, 43);
        List<Tensor> params = new ArrayList<>(lstm.parameters());
        params.addAll(head.parameters());
        Adam adam = new Adam(params, 1e-2f);

        Tensor x = Tensor.uniform(-1, 1, 1, 4, 10, 8);        // [B=4, T=10, 8]
        Tensor y = Tensor.uniform(-1, 1, 2, 4, 10, 1);        // [B, T, 1]
        float first = 0;
        float last = 0;
        try (Tape tape = new Tape()) {
            for (int step = 0; step < 30; step++) {
                RecurrentOutput out = lstm.forward(x);          // one tape node for the whole stack
                Tensor loss = Ops.mseLoss(head.forward(out.output()), y);
                tape.backward(loss);
                GradClip.byGlobalNorm(params, 1.0);
                adam.step();
                adam.zeroGrad();
                if (step == 0) {
                    first = loss.item();
                }
                last = loss.item();
                tape.reset();                                   // intermediates die, buffers are reused
            }
        }
        assertTrue(last < first, "training lowers the loss: " + first + " -> " + last);

        // save (PyTorch names, config in __metadata__), and rebuild from the file alone
        Path file = dir.resolve("lstm.safetensors");
        lstm.save(file);
        LSTM served = LSTM.load(file);
        served.eval();

        // streaming inference: weights shared read-only, one stream (state) per request, on many threads
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<float[]>> answers = new ArrayList<>();
        for (int request = 0; request < 4; request++) {
            answers.add(pool.submit(() -> {
                RecurrentStream stream = served.newStream(1);       // batch of 1, zero state
                float[] h = null;
                for (int t = 0; t < 10; t++) {
                    h = stream.step(new float[] {t, 0, 0, 0, 0, 0, 0, 1});   // x_t [1, 8] -> h_t [1, 32]
                }
                return h;
            }));
        }
        for (Future<float[]> a : answers) {
            assertEquals(32, a.get().length);
        }
        pool.shutdown();
    }
}
