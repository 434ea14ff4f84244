package dev.lanegrad.examples;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.engine.Kernels;
import dev.lanegrad.models.nn.LSTM;
import dev.lanegrad.models.nn.Linear;
import dev.lanegrad.models.nn.Sequential;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Loads PyTorch weights and runs them: a file of torch.save(model.state_dict()) for PyTorch's
 * {@code self.lstm = nn.LSTM(3, 5, num_layers=2); self.fc = nn.Linear(5, 2)} (or the same state_dict as
 * safetensors) into the same model built here, then one forward.
 *
 * <pre>java ... dev.lanegrad.examples.LoadAndRun path/to/lstm_L2.pt</pre>
 */
public final class LoadAndRun {

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: LoadAndRun <model.pt or model.safetensors> (e.g. testdata/torch/lstm_L2.pt)");
            System.exit(2);
        }
        // --- the quick start of docs/library.md ---
        Sequential model = new Sequential()
                .add("lstm", LSTM.builder(3, 5).numLayers(2).build())   // names as in the PyTorch state_dict
                .add("fc", new Linear(5, 2));
        model.loadParameters(Path.of(args[0]));                          // torch.save file or safetensors
        model.eval();
        try (Tape tape = new Tape(); Tape.NoGrad noGrad = tape.noGrad()) {
            Tensor x = Tensor.fromArray(new float[] {0.1f, -0.2f, 0.3f, 0.4f, 0.5f, -0.6f}, 2, 1, 3); // [T, B, 3]
            Tensor y = model.forward(x);                                                               // [T, B, 2]
            System.out.println("output " + Arrays.toString(y.shape()) + " " + Arrays.toString(y.toArray()));
        }
        // ---
        System.out.println("kernels: " + Kernels.provider().name()
                + ", module: " + (LoadAndRun.class.getModule().isNamed() ? LoadAndRun.class.getModule().getName() : "class path"));
    }
}
