package dev.lanegrad.serve;

import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.nn.RecurrentStream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Runs the step requests of many sessions of one model as batched steps: the sessions' states are
 * gathered into one stream of B rows, stepped together (one GEMM per layer for all B), and scattered
 * back. A request may carry several time steps; the longest go first, so the rows still stepping at
 * step j are always a prefix, and the batch only shrinks. Used by ONE batching thread: the streams per
 * batch size are its own, made on first use and kept.
 */
final class SessionStepper implements MicroBatcher.Runner<SessionStepper.Job, float[]> {

    /**
     * n time steps x [n, I] for a session; the result is the top layer's h of each step, [n, H], or with
     * lastOnly of the last step alone, [1, H] (a long step's answer need not carry every output).
     */
    record Job(Session session, float[] x, int steps, boolean lastOnly) {
        Job(Session session, float[] x, int steps) {
            this(session, x, steps, false);
        }

        int rowsOut() {
            return lastOnly ? 1 : steps;
        }
    }

    private final RecurrentLayer layer;
    private final int in;
    private final int hidden;
    private final int layers;
    private final boolean cell;
    private final RecurrentStream[] streams;
    // the batching thread's buffers, grown on demand and kept (a step allocated ~0.2 GB per 3 s of load without them)
    private float[] x = new float[0];
    private float[] y = new float[0];
    private float[] h = new float[0];
    private float[] c = new float[0];

    SessionStepper(RecurrentLayer layer, int maxBatch) {
        this.layer = layer;
        this.in = layer.inputSize();
        this.hidden = layer.hiddenSize();
        this.layers = layer.numLayers();
        this.cell = layer.rnnConfig().mode().hasCell();
        this.streams = new RecurrentStream[maxBatch + 1];
    }

    @Override
    public List<float[]> apply(List<Job> jobs) {
        Job[] sorted = jobs.toArray(new Job[0]);
        Arrays.sort(sorted, Comparator.comparingInt((Job j) -> j.steps).reversed()); // stable
        float[][] outs = new float[sorted.length][];
        for (int r = 0; r < sorted.length; r++) {
            outs[r] = new float[sorted[r].rowsOut() * hidden];
        }
        int b = 0;
        RecurrentStream stream = null;
        for (int t = 0; t < sorted[0].steps; t++) {
            int active = 0;
            while (active < sorted.length && sorted[active].steps > t) {
                active++;
            }
            if (active != b) {
                if (stream != null) {
                    scatter(stream, sorted, b);
                }
                b = active;
                stream = stream(b);
                gather(stream, sorted, b);
                x = grown(x, b * in);
                y = grown(y, b * hidden);
            }
            for (int r = 0; r < b; r++) {
                System.arraycopy(sorted[r].x, t * in, x, r * in, in);
            }
            stream.step(x, 0, y, 0);
            for (int r = 0; r < b; r++) {
                Job j = sorted[r];
                if (!j.lastOnly) {
                    System.arraycopy(y, r * hidden, outs[r], t * hidden, hidden);
                } else if (t == j.steps - 1) {
                    System.arraycopy(y, r * hidden, outs[r], 0, hidden);
                }
            }
        }
        scatter(stream, sorted, b);
        // back to the callers' order
        List<float[]> results = new ArrayList<>(jobs.size());
        for (Job j : jobs) {
            for (int r = 0; r < sorted.length; r++) {
                if (sorted[r] == j) {
                    results.add(outs[r]);
                    break;
                }
            }
        }
        return results;
    }

    private static float[] grown(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }

    private RecurrentStream stream(int b) {
        if (b >= streams.length) {
            return layer.newStream(b);
        }
        if (streams[b] == null) {
            streams[b] = layer.newStream(b);
        }
        return streams[b];
    }

    /** The first b sessions' states into the stream: [L, H] each -> [L, b, H]. */
    private void gather(RecurrentStream stream, Job[] sessions, int b) {
        h = grown(h, layers * b * hidden);
        c = cell ? grown(c, layers * b * hidden) : null;
        for (int r = 0; r < b; r++) {
            Session s = sessions[r].session;
            for (int l = 0; l < layers; l++) {
                System.arraycopy(s.h, l * hidden, h, (l * b + r) * hidden, hidden);
                if (cell) {
                    System.arraycopy(s.c, l * hidden, c, (l * b + r) * hidden, hidden);
                }
            }
        }
        stream.setState(h, c);
    }

    /** The stream's state back into the first b sessions. */
    private void scatter(RecurrentStream stream, Job[] sessions, int b) {
        float[] h = stream.h();
        float[] c = cell ? stream.c() : null;
        for (int r = 0; r < b; r++) {
            Session s = sessions[r].session;
            for (int l = 0; l < layers; l++) {
                System.arraycopy(h, (l * b + r) * hidden, s.h, l * hidden, hidden);
                if (cell) {
                    System.arraycopy(c, (l * b + r) * hidden, s.c, l * hidden, hidden);
                }
            }
        }
    }
}
