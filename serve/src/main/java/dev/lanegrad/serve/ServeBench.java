package dev.lanegrad.serve;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.engine.EngineThreads;
import dev.lanegrad.models.nn.GRU;
import dev.lanegrad.models.nn.LSTM;
import dev.lanegrad.models.nn.RNN;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.nn.RecurrentStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The load test of issue 11, in one JVM: the in-process references (S5: B=64 forward, S1: B=1 forward,
 * a B=64 step), then the same model behind a server on an ephemeral port, driven by {@link LoadClients}
 * (one selector thread): predict at N clients (closed loop), predict at half that rate (open loop: p99),
 * and N sessions stepping at once, k time steps per request. Prints what each target compares, side by
 * side; a subset of the phases runs with its own references only.
 */
public final class ServeBench {

    /**
     * The workload: the LSTM I=128 H=256 T=50 unless told otherwise. sessionSteps: time steps per
     * session request (k); phases: which targets to measure ("predict", "latency", "sessions"; each with
     * its own in-process reference).
     */
    public record Options(String cell, int input, int hidden, int steps, int clients, int sessions, int sessionSteps,
                          Duration duration, int maxBatch, Duration maxWait, String http, String body, Set<String> phases) {
        public static final Set<String> ALL = Set.of("predict", "latency", "sessions");

        public Options {
            if (phases.isEmpty() || !ALL.containsAll(phases)) {
                throw new IllegalArgumentException("phases " + phases + ": expected one or more of predict, latency, sessions");
            }
        }
    }

    /** An in-process reference: wall and process CPU time per call, and the engine threads it ran on. */
    public record Reference(double wallSeconds, double cpuSeconds, int threads) {
        /** The faster of two. */
        static Reference best(Reference a, Reference b) {
            return a.wallSeconds <= b.wallSeconds ? a : b;
        }
    }

    /**
     * An HTTP phase: its load result, the process CPU per answer less the load clients' (so: the server's), the
     * clients' CPU per answer, the mean rows per batch, and the cores other processes used meanwhile (NaN
     * without /proc/stat): a run that other processes disturbed says so.
     */
    public record Phase(LoadClients.Result load, double cpuMillisPerAnswer, double clientCpuMillisPerAnswer, double meanBatch,
                        double otherCores) {
    }

    /**
     * Every figure measured, in-process references first; a phase not asked for, and its reference, are null.
     * sessionSteps: time steps per session request, so session throughput is answers x sessionSteps.
     */
    public record Report(Reference s5, Reference s1, Reference step64, Phase predict, Phase halfLoad, Phase sessions,
                         int sessionSteps, long statedBytesPerSession, double measuredBytesPerSession) {

        public double s5SeqPerSec() {
            return 64 / s5.wallSeconds;
        }

        public double stepRowsPerSec() {
            return 64 / step64.wallSeconds;
        }

        /** Session time steps per second: step answers x time steps per request. */
        public double sessionStepsPerSec() {
            return sessions.load.perSecond() * sessionSteps;
        }

        public long errors() {
            long e = 0;
            for (Phase p : new Phase[] {predict, halfLoad, sessions}) {
                e += p == null ? 0 : p.load.errors();
            }
            return e;
        }

        public String format() {
            StringBuilder sb = new StringBuilder();
            if (s5 != null) {
                sb.append(String.format("in-process  S5 forward B=64        %10.1f seq/s   (CPU %.3f ms/seq)%n", s5SeqPerSec(),
                        1e3 * s5.cpuSeconds / 64));
            }
            if (s1 != null) {
                sb.append(String.format("in-process  S1 forward B=1         %10.3f ms/seq  (CPU %.3f ms/seq; the faster of 1 and %d "
                        + "engine threads: %d)%n", 1e3 * s1.wallSeconds, 1e3 * s1.cpuSeconds, EngineThreads.threads(), s1.threads));
            }
            if (step64 != null) {
                sb.append(String.format("in-process  step B=64              %10.1f session-steps/s (CPU %.4f ms/step)%n",
                        stepRowsPerSec(), 1e3 * step64.cpuSeconds / 64));
            }
            if (predict != null) {
                sb.append(line("http predict, closed loop", predict));
            }
            if (predict != null && s5 != null) {
                sb.append(String.format("  -> throughput / S5 = %.2f (target >= 0.70); CPU per sequence / S5's = %.2f%n",
                        predict.load.perSecond() / s5SeqPerSec(), predict.cpuMillisPerAnswer / (1e3 * s5.cpuSeconds / 64)));
            }
            if (halfLoad != null) {
                sb.append(line("http predict, half rate", halfLoad));
                sb.append(String.format("  -> p99 / S1 = %.2f (target <= 3.0)%n", halfLoad.load.p99Millis() / (1e3 * s1.wallSeconds)));
            }
            if (sessions != null) {
                sb.append(line("http session steps", sessions));
                sb.append(String.format("  -> %d time steps per request: %.1f time steps x sessions /s; / in-process B=64 steps = %.2f "
                        + "(target >= 0.50); CPU per time step / in-process = %.2f%n", sessionSteps, sessionStepsPerSec(),
                        sessionStepsPerSec() / stepRowsPerSec(), sessions.cpuMillisPerAnswer / sessionSteps
                                / (1e3 * step64.cpuSeconds / 64)));
                sb.append(String.format("bytes per session: stated %d, measured %.0f (heap growth over the live sessions): %.2f%n",
                        statedBytesPerSession, measuredBytesPerSession, measuredBytesPerSession / statedBytesPerSession));
            }
            sb.append(String.format("errors: %d (target 0)%n", errors()));
            return sb.toString();
        }

        private static String line(String what, Phase ph) {
            LoadClients.Result r = ph.load;
            return String.format("%-26s %10.1f /s  p50 %.2f ms  p99 %.2f ms  CPU server %.3f + client %.3f ms/answer  %.1f rows/batch"
                    + "  (%d ok, %d errors, %d connections; other processes %.2f cores)%n", what, r.perSecond(), r.p50Millis(),
                    r.p99Millis(), ph.cpuMillisPerAnswer, ph.clientCpuMillisPerAnswer, ph.meanBatch, r.ok(), r.errors(), r.clients(),
                    ph.otherCores);
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
        boolean predicting = o.phases().contains("predict");
        boolean latency = o.phases().contains("latency");
        boolean stepping = o.phases().contains("sessions");
        log.accept("in-process references (" + o.duration().toSeconds() + " s each) ...");
        Reference s5 = predicting ? secondsPer(() -> forward(layer, 64, o.steps()), nanos) : null;
        Reference s1 = latency ? bestS1(layer, o.steps(), nanos) : null;
        Reference step64 = null;
        if (stepping) {
            RecurrentStream stream = layer.newStream(64);
            float[] x = new float[64 * o.input()];
            float[] y = new float[64 * o.hidden()];
            step64 = secondsPer(() -> stream.step(x, 0, y, 0), nanos);
        }

        ServeConfig cfg = ServeConfig.defaults().withPort(0).withBatching(o.maxBatch(), o.maxWait(), 4096)
                .withSessions(Math.max(o.sessions(), 10_000), Duration.ofHours(1)).withLimits(64 << 20, 1 << 16)
                .withTransport(o.http()).withHttpThreads(Math.max(128, o.sessions() + o.clients()));
        try (ServeServer server = ServeServer.start(cfg)) {
            server.add(new StackModel("bench", layer));
            server.ready();
            // before any load: measured after the predict phases, the serial collector's full collections left
            // part of the new sessions in eden and the figure fell to 855 bytes (0.37) in two runs
            double measured = stepping ? bytesPerSession(server, Math.max(o.sessions(), 10_000)) : Double.NaN;
            LoadClients load = new LoadClients(server.port());
            Phase predict = null;
            Phase half = null;
            if (predicting || latency) {
                byte[] body = request(o.body(), "/v1/models/bench/predict", "outputs", random(o.steps() * o.input()), o.input());
                log.accept("predict: " + o.clients() + " clients, " + o.body() + " bodies, " + o.http() + " server, warm-up then "
                        + o.duration().toSeconds() + " s ...");
                warmUp(() -> load.closedLoop(body, o.clients(), WARM_UP_SLICE), nanos, log);
                Metrics.Histogram batches = server.metrics().batchSizes("predict", "bench");
                Probe probe = new Probe(batches);
                predict = probe.phase(load.closedLoop(body, o.clients(), nanos));
                if (latency) {
                    double rate = predict.load().perSecond() / 2;
                    log.accept(String.format("predict at half rate (%.1f /s, open loop) ...", rate));
                    // small batches take paths the full ones did not: C2 took ~25% of the core for 2 s of the
                    // measured half-rate phase after the closed loop's warm-up alone (perf, one core)
                    warmUp(() -> load.openLoop(body, o.clients(), rate, WARM_UP_SLICE), 2 * WARM_UP_SLICE, log);
                    probe = new Probe(batches);
                    half = probe.phase(load.openLoop(body, o.clients(), rate, nanos));
                }
            }
            Phase steps = stepping ? sessions(server, load, o, log) : null;
            return new Report(s5, s1, step64, predict, half, steps, o.sessionSteps(),
                    server.predictors.get("bench").model().streaming().bytesPerSession(), measured);
        }
    }

    /** N sessions, each connection stepping its own in a closed loop, k time steps per request (answer: the last output). */
    private static Phase sessions(ServeServer server, LoadClients load, Options o, Consumer<String> log) throws IOException {
        log.accept(o.sessions() + " sessions stepping, " + o.sessionSteps() + " time steps per request ...");
        float[] x = random(o.sessionSteps() * o.input());
        byte[][] steps = new byte[o.sessions()][];
        for (int i = 0; i < steps.length; i++) {
            String id = server.sessions().create("bench", server.predictors.get("bench").model().streaming()).id();
            steps[i] = request(o.body(), "/v1/sessions/" + id + "/step", o.sessionSteps() > 1 ? "outputs" : null, x, o.input());
        }
        long nanos = o.duration().toNanos();
        warmUp(() -> load.closedLoop(steps, WARM_UP_SLICE), nanos, log);
        Probe probe = new Probe(server.metrics().batchSizes("step", "bench"));
        return probe.phase(load.closedLoop(steps, nanos));
    }

    private static final long WARM_UP_SLICE = 1_000_000_000L;
    private static final long WARM_UP_MAX = 45_000_000_000L;

    /** A load that can be run again and again. */
    private interface Load {
        LoadClients.Result run() throws IOException;
    }

    /**
     * Runs the load for at least {@code nanos}, then on until the JIT is done with it: two one-second slices
     * in a row in which the compiler threads used less than 2% of the time (at most 45 s). On one core the
     * compiler threads took 35-40% of the CPU (perf) all through a predict phase measured after a fixed 3 s
     * warm-up, and the server's CPU per answer halved (0.90 -> 0.43 ms) once they were done: C2 compiles
     * the HTTP path as a few huge methods (CompletableFuture's tryFire, Netty's channelRead, each 0.5-1 s
     * with ~10 KB of bytecode inlined) and only after them the batcher's. The JIT's own total compilation time
     * is counted when a compilation ends, so the compiler threads' CPU is read from /proc where there is one.
     */
    private static void warmUp(Load load, long nanos, Consumer<String> log) throws IOException {
        long start = System.nanoTime();
        int quietSlices = 0;
        long slices = 0;
        while (true) {
            long compiled = ProcessCpu.compilerMillis();
            load.run();
            slices++;
            quietSlices = ProcessCpu.compilerMillis() - compiled < WARM_UP_SLICE / 50_000_000L ? quietSlices + 1 : 0;
            long spent = System.nanoTime() - start;
            if (spent >= nanos && quietSlices >= 2 || spent >= WARM_UP_MAX) {
                log.accept(String.format("warmed up for %.1f s (%d slices)%s", spent * 1e-9, slices,
                        quietSlices >= 2 ? "" : "; the JIT was still compiling"));
                return;
            }
        }
    }

    /**
     * A request's bytes in one of the body encodings: "json" (decimal numbers both ways), "f32" (JSON with
     * base64 float32 members both ways) or "binary" (the input as raw float32, the answer as f32 JSON).
     * noOutputs names the option that turns per-step outputs off, or null.
     */
    static byte[] request(String encoding, String path, String noOutputs, float[] x, int width) {
        String opt = noOutputs == null ? "" : "\"" + noOutputs + "\": false, ";
        switch (encoding) {
            case "json": {
                StringBuilder sb = new StringBuilder("{").append(opt).append("\"x\": [");
                for (int t = 0; t < x.length / width; t++) {
                    sb.append(t == 0 ? "[" : ",[");
                    for (int i = 0; i < width; i++) {
                        sb.append(i == 0 ? "" : ",").append(x[t * width + i]);
                    }
                    sb.append(']');
                }
                return LoadClients.post(path, "application/json", sb.append("]}").toString().getBytes(StandardCharsets.UTF_8));
            }
            case "f32":
                return LoadClients.post(path, "application/json", ("{" + opt + "\"f32\": true, \"x_f32\": \""
                        + Base64.getEncoder().encodeToString(littleEndian(x)) + "\"}").getBytes(StandardCharsets.UTF_8));
            case "binary":
                return LoadClients.post(path + "?f32=true" + (noOutputs == null ? "" : "&" + noOutputs + "=false"),
                        "application/octet-stream", littleEndian(x));
            default:
                throw new IllegalArgumentException("body encoding '" + encoding + "': expected json, f32 or binary");
        }
    }

    /**
     * S1, the latency a lone request is compared with: the faster of a B=1 forward on the engine's threads
     * (two on two cores: StepPair runs the time loop in two threads) and on one thread.
     */
    private static Reference bestS1(RecurrentLayer layer, int steps, long nanos) {
        int threads = EngineThreads.threads();
        Reference all = secondsPer(() -> forward(layer, 1, steps), nanos, threads);
        if (threads == 1) {
            return all;
        }
        EngineThreads.setThreads(1);
        try {
            return Reference.best(all, secondsPer(() -> forward(layer, 1, steps), nanos, 1));
        } finally {
            EngineThreads.setThreads(threads);
        }
    }

    private static void forward(RecurrentLayer layer, int b, int t) {
        float[] x = new float[t * b * layer.inputSize()];
        try (Tape tape = new Tape(); Tape.NoGrad ng = tape.noGrad()) {
            layer.forward(Tensor.wrap(x, 0, t, b, layer.inputSize()));
        }
    }

    /**
     * Wall and CPU seconds per call, after a warm-up of at least 200 calls and a third of the time: until C2 has
     * compiled them, Vector API loops run interpreted, hundreds of times slower (a B=1 forward took ~1 s in its
     * first second on a loaded 2-core machine). CPU time is the whole process's, so it also counts the engine's
     * second thread; on a busy machine it is the steadier of the two.
     */
    private static Reference secondsPer(Runnable r, long nanos) {
        return secondsPer(r, nanos, EngineThreads.threads());
    }

    private static Reference secondsPer(Runnable r, long nanos, int threads) {
        long end = System.nanoTime() + nanos / 3;
        for (int i = 0; i < 200 || System.nanoTime() < end; i++) {
            r.run();
        }
        long start = System.nanoTime();
        long cpu = ProcessCpu.processNanos();
        long n = 0;
        do {
            r.run();
            n++;
        } while (System.nanoTime() - start < nanos);
        return new Reference((System.nanoTime() - start) * 1e-9 / n, (ProcessCpu.processNanos() - cpu) * 1e-9 / n, threads);
    }

    /** Process CPU time and batch counts at the start of a phase. */
    private static final class Probe {
        private final Metrics.Histogram batches;
        private final long cpu = ProcessCpu.processNanos();
        private final long machine = ProcessCpu.machineBusyNanos();
        private final long count;
        private final double rows;

        Probe(Metrics.Histogram batches) {
            this.batches = batches;
            this.count = batches.count();
            this.rows = batches.sum();
        }

        Phase phase(LoadClients.Result r) {
            double answers = Math.max(1, r.ok());
            double clientMs = r.clientCpuSeconds() * 1e3 / answers;
            double serverMs = (ProcessCpu.processNanos() - cpu) * 1e-6 / answers - clientMs;
            long n = batches.count() - count;
            long busy = ProcessCpu.machineBusyNanos();
            double others = busy < 0 || machine < 0 ? Double.NaN
                    : Math.max(0, (busy - machine) - (ProcessCpu.processNanos() - cpu)) * 1e-9 / r.seconds();
            return new Phase(r, serverMs, clientMs, n == 0 ? 0 : (batches.sum() - rows) / n, others);
        }
    }

    /**
     * The heap a session takes: n sessions made, the heap settled, then closed and settled again (the
     * difference of two readings taken with the server in the same state; a reading before making them
     * drifted by ~9 MB whatever n was, the server's first garbage); the median of three.
     */
    private static double bytesPerSession(ServeServer server, int n) throws InterruptedException {
        double[] each = new double[3];
        for (int i = 0; i < each.length; i++) {
            each[i] = bytesPerSessionOnce(server, n);
        }
        java.util.Arrays.sort(each);
        return each[1];
    }

    private static double bytesPerSessionOnce(ServeServer server, int n) throws InterruptedException {
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = server.sessions().create("bench", server.predictors.get("bench").model().streaming()).id();
        }
        long with = settledHeap();
        for (String id : ids) {
            server.sessions().close(id);
        }
        ids = null;
        return (with - settledHeap()) / (double) n;
    }

    /**
     * Heap live after a full collection (a hint the default collectors follow), read from every heap pool but
     * eden: threads allocate only into eden (whole thread-local buffers at a time, so the JVM's used memory
     * jumped by megabytes between a collection and its reading: 855 to 3,334 bytes per session in runs of
     * the same code with the serial collector), while a full collection leaves what is live in the others.
     */
    private static long settledHeap() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(20);
            long sum = 0;
            for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == java.lang.management.MemoryType.HEAP && !pool.getName().contains("Eden")) {
                    sum += pool.getUsage().getUsed();
                }
            }
            used = Math.min(used, sum);
        }
        return used;
    }

    private static float[] random(int n) {
        SplittableRandom r = new SplittableRandom(7);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    static byte[] littleEndian(float[] x) {
        ByteBuffer b = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(x);
        return b.array();
    }
}
