package dev.lanegrad.cli;

import dev.lanegrad.serve.ModelLoader;
import dev.lanegrad.serve.ServeConfig;
import dev.lanegrad.serve.ServeServer;
import dev.lanegrad.serve.ServedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * `lanegrad serve`: an HTTP/1.1 + JSON inference server for checkpoints (docs/serving.md). Runs until
 * SIGTERM or SIGINT, then refuses new requests, finishes those in flight and exits 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve checkpoints over HTTP/1.1 + JSON: batched predict, streaming sessions, generate.",
                "Endpoints and examples: docs/serving.md. Stops cleanly on SIGTERM (exit 0)."})
final class ServeCommand implements Callable<Integer> {

    /** The server's defaults live in ServeConfig; the options start from them. */
    private static final ServeConfig DEFAULTS = ServeConfig.defaults();

    @Option(names = "--checkpoint", paramLabel = "DIR", required = true,
            description = "a checkpoint folder of lanegrad, or a .safetensors file of an LSTM/GRU/RNN; repeat for several models")
    List<Path> checkpoints;

    @Option(names = "--name", paramLabel = "NAME", description = "the model's name in URLs, one per --checkpoint (default: the folder's name)")
    List<String> names = new ArrayList<>();

    @Option(names = "--host", description = "address to bind (default: ${DEFAULT-VALUE}, this machine only)")
    String host = DEFAULTS.host();

    @Option(names = "--port", description = "port; 0 for any free one (default: ${DEFAULT-VALUE})")
    int port = DEFAULTS.port();

    @Mixin
    ServerOptions serverOptions;

    @Option(names = "--queue", description = "requests waiting per model; beyond it 429 (default: ${DEFAULT-VALUE})")
    int queue = DEFAULTS.queueCapacity();

    @Option(names = "--max-sessions", description = "live streaming sessions; beyond it 429 (default: ${DEFAULT-VALUE})")
    int maxSessions = DEFAULTS.maxSessions();

    @Option(names = "--session-ttl", defaultValue = "10m", converter = DurationConverter.class,
            description = "idle time before a session is dropped: 90s, 10m, 1h (default: ${DEFAULT-VALUE})")
    Duration sessionTtl;

    @Option(names = "--token-file", paramLabel = "FILE", description = "every request but /health must carry 'Authorization: Bearer <the file's text>'")
    Path tokenFile;

    @Option(names = "--max-body-bytes", description = "largest request body; beyond it 413 (default: ${DEFAULT-VALUE})")
    int maxBody = DEFAULTS.maxBodyBytes();

    @Option(names = "--max-steps", description = "longest sequence of a request; beyond it 413 (default: ${DEFAULT-VALUE})")
    int maxSteps = DEFAULTS.maxSteps();

    @Option(names = "--http-threads", description = "--http jdk: threads answering requests, about the number of concurrent clients (default: ${DEFAULT-VALUE})")
    int httpThreads = DEFAULTS.httpThreads();

    @Override
    public Integer call() throws Exception {
        if (!names.isEmpty() && names.size() != checkpoints.size()) {
            throw new IllegalArgumentException(names.size() + " --name for " + checkpoints.size() + " --checkpoint: give one name per "
                    + "checkpoint, or none");
        }
        ServeConfig config = new ServeConfig(host, port, serverOptions.maxBatch, serverOptions.maxWait(), queue, maxSessions,
                sessionTtl, maxBody, maxSteps, DEFAULTS.maxGenerate(), httpThreads, tokenFile,
                DEFAULTS.requestTimeout(), DEFAULTS.drainTimeout(), serverOptions.http);
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);
        try (ServeServer server = ServeServer.start(config)) {
            System.err.println("lanegrad serve: listening on http://" + host + ":" + server.port() + " (loading models)");
            for (int i = 0; i < checkpoints.size(); i++) {
                Path p = checkpoints.get(i);
                ServedModel m = ModelLoader.load(names.isEmpty() ? ModelLoader.defaultName(p) : names.get(i), p);
                server.add(m);
                System.err.println("lanegrad serve: model '" + m.name() + "' (" + m.kind() + ") from " + p
                        + (m.streaming() != null ? ", " + m.streaming().bytesPerSession() + " bytes per session" : ""));
            }
            server.ready();
            System.err.println("lanegrad serve: ready; stop with SIGTERM or Ctrl-C");
            stop.await();
            System.err.println("lanegrad serve: stopping: finishing the requests in flight");
        }
        System.err.println("lanegrad serve: stopped");
        return 0;
    }

    /** --session-ttl is converted while the options are parsed: a bad value is a usage error that names the option. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parseDuration(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** "90s", "10m", "1h", "500ms" or an ISO-8601 duration ("PT10M"). */
    static Duration parseDuration(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.startsWith("pt")) {
                return Duration.parse(s.trim());
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            switch (t.charAt(t.length() - 1)) {
                case 's': return Duration.ofSeconds(n);
                case 'm': return Duration.ofMinutes(n);
                case 'h': return Duration.ofHours(n);
                default: break;
            }
        } catch (RuntimeException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("duration '" + s + "': expected a whole number with s, m, h or ms, e.g. 10m");
    }
}
