package dev.lanegrad.examples;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.GRU;
import dev.lanegrad.models.nn.Linear;
import dev.lanegrad.models.nn.RecurrentStream;
import dev.lanegrad.models.nn.Sequential;

/**
 * Streaming inference, as a server would run it: one stream per client holds the recurrent state, the
 * weights are shared read-only, and each arriving input is one step. Stepping T times gives what one
 * T-step forward gives; exits with status 1 if not.
 */
public final class Streaming {

    public static void main(String[] args) {
        Sequential model = new Sequential()
                .add("gru", GRU.builder(4, 8).numLayers(2).seed(3).build())
                .add("head", new Linear(8, 2, true, 4));
        model.eval();
        GRU gru = model.get("gru", GRU.class);
        Linear head = model.get("head", Linear.class);
        int steps = 6;
        float[] xs = new float[steps * 4];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) Math.sin(0.7 * i);
        }

        RecurrentStream stream = gru.newStream(1);        // one client's state
        float[] streamed = new float[steps * 2];
        try (Tape tape = new Tape(); Tape.NoGrad noGrad = tape.noGrad()) {
            for (int t = 0; t < steps; t++) {
                float[] xt = java.util.Arrays.copyOfRange(xs, t * 4, t * 4 + 4);  // the input that just arrived
                float[] h = stream.step(xt);                                       // [1, 8], the state moves on
                float[] y = head.forward(Tensor.fromArray(h, 1, 8)).toArray();     // [1, 2]
                System.arraycopy(y, 0, streamed, t * 2, 2);
                System.out.printf("step %d: %+.5f %+.5f%n", t, y[0], y[1]);
            }
            float[] whole = model.forward(Tensor.fromArray(xs, steps, 1, 4)).toArray();
            double worst = 0;
            for (int i = 0; i < whole.length; i++) {
                worst = Math.max(worst, Math.abs(whole[i] - streamed[i]));
            }
            System.out.printf("streamed vs one forward over %d steps: max |difference| %.2e%n", steps, worst);
            if (worst > 1e-5) {
                System.exit(1);
            }
        }
    }
}
