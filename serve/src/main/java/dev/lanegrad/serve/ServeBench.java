package dev.lanegrad.serve;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.GRU;
import dev.lanegrad.models.nn.LSTM;
import dev.lanegrad.models.nn.RNN;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.nn.RecurrentStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The load test of issue 11, in one JVM: the in-process references (S5: B=64 forward, S1: B=1 forward,
 * a B=64 step), then the same model behind a server on an ephemeral port, driven by java.net.http
 * clients: predict at N clients (closed loop), predict at half that rate (open loop: p99), and N
 * sessions stepping at once. Prints what each target compares, side by side. Timing is the lead's job
 * on a quiet machine; anyone can run it to see that it works.
 */
public final class ServeBench {

    /** The workload: the LSTM I=128 H=256 T=50 unless told otherwise. */
    public record Options(String cell, int input, int hidden, int steps, int clients, int sessions, Duration duration,
                          int maxBatch, Duration maxWait) {
    }

    /** Every figure, in-process references first. */
    public record Report(double s5SeqPerSec, double s1Millis, double stepRowsPerSec,
                         LoadClients.Result predict, LoadClients.Result halfLoad, LoadClients.Result sessions,
                         long statedBytesPerSession, double measuredBytesPerSession) {

        public String format() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("in-process  S5 forward B=64        %10.1f seq/s%n", s5SeqPerSec));
            sb.append(String.format("in-process  S1 forward B=1         %10.3f ms/seq%n", s1Millis));
            sb.append(String.format("in-process  step B=64              %10.1f session-steps/s%n", stepRowsPerSec));
            sb.append(line("http predict, closed loop", predict));
            sb.append(String.format("  -> throughput / S5 = %.2f (target >= 0.70)%n", predict.perSecond() / s5SeqPerSec));
            sb.append(line("http predict, half rate", halfLoad));
            sb.append(String.format("  -> p99 / S1 = %.2f (target <= 3.0)%n", halfLoad.p99Millis() / s1Millis));
            sb.append(line("http session steps", sessions));
            sb.append(String.format("  -> steps / in-process B=64 steps = %.2f (target >= 0.50)%n",
                    sessions.perSecond() / stepRowsPerSec));
            sb.append(String.format("bytes per session: stated %d, measured %.0f (heap growth over the live sessions)%n",
                    statedBytesPerSession, measuredBytesPerSession));
            long errors = predict.errors() + halfLoad.errors() + sessions.errors();
            sb.append(String.format("errors: %d (target 0)%n", errors));
            return sb.toString();
        }

        private static String line(String what, LoadClients.Result r) {
            return String.format("%-26s %10.1f /s  p50 %.2f ms  p99 %.2f ms  (%d ok, %d errors, %d clients)%n",
                    what, r.perSecond(), r.p50Millis(), r.p99Millis(), r.ok(), r.errors(), r.clients());
        }
    }

    private ServeBench() {
    }

    public static Report run(Options o, Consumer<String> log) throws IOException, InterruptedException {
        RecurrentLayer layer = switch (o.cell()) {
            case "lstm" -> LSTM.builder(o.input(), o.hidden()).seed(1).build();
            case "gru" -> GRU.builder(o.input(), o.hidden()).seed(1).build();
            case "rnn" -> RNN.builder(o.input(), o.hidden()).seed(1).build();
            default -> throw new IllegalArgumentException("cell '" + o.cell() + "': expected lstm, gru or rnn");
        };
        layer.eval();
        long nanos = o.duration().toNanos();
        log.accept("in-process references (" + o.duration().toSeconds() + " s each) ...");
        double s5 = 64 / secondsPer(() -> forward(layer, 64, o.steps()), nanos);
        double s1 = 1e3 * secondsPer(() -> forward(layer, 1, o.steps()), nanos);
        RecurrentStream stream = layer.newStream(64);
        float[] x = new float[64 * o.input()];
        float[] y = new float[64 * o.hidden()];
        double step64 = 64 / secondsPer(() -> stream.step(x, 0, y, 0), nanos);

        ServeConfig cfg = ServeConfig.defaults().withPort(0).withBatching(o.maxBatch(), o.maxWait(), 4096)
                .withSessions(Math.max(o.sessions(), 1), Duration.ofHours(1)).withLimits(64 << 20, 1 << 16);
        try (ServeServer server = ServeServer.start(cfg)) {
            server.add(new StackModel("bench", layer));
            server.ready();
            String body = "{\"outputs\": false, \"x_f32\": \"" + base64(o.steps() * o.input()) + "\"}";
            LoadClients load = new LoadClients(server.port());
            log.accept("predict: " + o.clients() + " clients, warm-up then " + o.duration().toSeconds() + " s ...");
            load.closedLoop("/v1/models/bench/predict", body, o.clients(), Duration.ofSeconds(2).toNanos());
            LoadClients.Result predict = load.closedLoop("/v1/models/bench/predict", body, o.clients(), nanos);
            double rate = predict.perSecond() / 2;
            log.accept(String.format("predict at half rate (%.1f /s, open loop) ...", rate));
            LoadClients.Result half = load.openLoop("/v1/models/bench/predict", body, rate, nanos);

            log.accept(o.sessions() + " sessions stepping ...");
            long before = settledHeap();
            String[] ids = new String[o.sessions()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = server.sessions().create("bench", server.predictors.get("bench").model().streaming()).id();
            }
            double measured = (settledHeap() - before) / (double) ids.length;
            String stepBody = "{\"x_f32\": \"" + base64(o.input()) + "\"}";
            LoadClients.Result steps = load.sessions(ids, stepBody, Duration.ofSeconds(2).toNanos());
            steps = load.sessions(ids, stepBody, nanos);
            return new Report(s5, s1, step64, predict, half, steps,
                    server.predictors.get("bench").model().streaming().bytesPerSession(), measured);
        }
    }

    private static void forward(RecurrentLayer layer, int b, int t) {
        float[] x = new float[t * b * layer.inputSize()];
        try (Tape tape = new Tape(); Tape.NoGrad ng = tape.noGrad()) {
            layer.forward(Tensor.wrap(x, 0, t, b, layer.inputSize()));
        }
    }

    /**
     * Seconds per call, after a warm-up of at least 200 calls and a third of the time: until C2 has compiled
     * them, Vector API loops run interpreted, hundreds of times slower (a B=1 forward took ~1 s in its first
     * second on a loaded 2-core machine).
     */
    private static double secondsPer(Runnable r, long nanos) {
        long end = System.nanoTime() + nanos / 3;
        for (int i = 0; i < 200 || System.nanoTime() < end; i++) {
            r.run();
        }
        long start = System.nanoTime();
        long n = 0;
        do {
            r.run();
            n++;
        } while (System.nanoTime() - start < nanos);
        return (System.nanoTime() - start) * 1e-9 / n;
    }

    /** Heap in use after full collections (a hint the default collectors follow), for a before/after difference. */
    private static long settledHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    private static String base64(int floats) {
        SplittableRandom r = new SplittableRandom(7);
        ByteBuffer b = ByteBuffer.allocate(4 * floats).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < floats; i++) {
            b.putFloat((float) (r.nextDouble() * 2 - 1));
        }
        return Base64.getEncoder().encodeToString(b.array());
    }
}
