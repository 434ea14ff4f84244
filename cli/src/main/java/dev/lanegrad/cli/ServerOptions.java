package dev.lanegrad.cli;

import dev.lanegrad.serve.ServeConfig;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The batching server's options, declared once for `serve` and for the server `serve-bench` starts. */
final class ServerOptions {

    /** The defaults are the server's own (ServeConfig), for serve and serve-bench alike. */
    private static final ServeConfig DEFAULTS = ServeConfig.defaults();

    @Option(names = "--max-batch", description = "rows per batched forward or step (default: ${DEFAULT-VALUE})")
    int maxBatch = DEFAULTS.maxBatch();

    @Option(names = "--max-wait-ms", description = "how long a request waits for others to batch with (default: ${DEFAULT-VALUE})")
    double maxWaitMs = DEFAULTS.maxWait().toNanos() / 1e6;

    @Option(names = "--http", description = "the HTTP server: netty (event loops) or jdk (the JDK's, a thread per request) (default: ${DEFAULT-VALUE})")
    String http = DEFAULTS.transport();

    /** --max-wait-ms as a duration, checked. */
    Duration maxWait() {
        if (!(maxWaitMs >= 0) || Double.isInfinite(maxWaitMs)) {
            throw new IllegalArgumentException("--max-wait-ms " + maxWaitMs + ": expected a number >= 0");
        }
        return Duration.ofNanos((long) (maxWaitMs * 1e6));
    }
}
