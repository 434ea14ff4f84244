package dev.lanegrad.examples;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.LSTM;
import dev.lanegrad.models.nn.Linear;
import dev.lanegrad.models.nn.Sequential;
import dev.lanegrad.models.optim.Adam;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Trains an LSTM with a Linear head in code, on synthetic data (predict the running mean of a noisy
 * signal), with Adam; saves the whole model and loads it back from the file alone. Exits with status 1 if
 * the loss did not fall or the loaded model differs.
 */
public final class TrainInCode {

    static final int T = 12;
    static final int B = 8;

    public static void main(String[] args) throws IOException {
        Sequential model = new Sequential()
                .add("lstm", LSTM.builder(1, 16).seed(1).build())
                .add("fc", new Linear(16, 1, true, 2));
        Adam adam = new Adam(model.parameters(), 0.02f);
        float[] xs = new float[T * B];
        float[] ys = new float[T * B];
        java.util.Random random = new java.util.Random(42);
        for (int b = 0; b < B; b++) {
            float sum = 0f;
            for (int t = 0; t < T; t++) {
                float v = (float) random.nextGaussian();
                sum += v;
                xs[t * B + b] = v;            // time-major [T, B, 1]
                ys[t * B + b] = sum / (t + 1);
            }
        }
        Tensor x = Tensor.fromArray(xs, T, B, 1);
        Tensor y = Tensor.fromArray(ys, T, B, 1);
        float first = Float.NaN;
        float last = Float.NaN;
        try (Tape tape = new Tape()) {
            for (int step = 0; step < 60; step++) {
                Tensor loss = Ops.mseLoss(model.forward(x), y);
                tape.backward(loss);
                adam.step();
                adam.zeroGrad();
                last = loss.item();
                if (step == 0) {
                    first = last;
                }
                tape.reset();
            }
        }
        System.out.printf("mse: %.4f at step 1, %.4f at step 60%n", first, last);

        Path file = Files.createTempDirectory("lanegrad-example").resolve("running-mean.safetensors");
        model.save(file);                                 // every parameter, and the layers' configuration
        Sequential loaded = Sequential.load(file);        // rebuilt from the file alone
        float[] before = infer(model, x);
        float[] after = infer(loaded, x);
        System.out.println("saved and loaded " + file.getFileName() + ": " + loaded.names() + ", outputs identical: "
                + Arrays.equals(before, after));
        Files.delete(file);
        Files.delete(file.getParent());
        if (!(last < 0.5f * first) || !Arrays.equals(before, after)) {
            System.exit(1);
        }
    }

    static float[] infer(Sequential model, Tensor x) {
        model.eval();
        try (Tape tape = new Tape(); Tape.NoGrad noGrad = tape.noGrad()) {
            return model.forward(x).toArray();
        }
    }
}
