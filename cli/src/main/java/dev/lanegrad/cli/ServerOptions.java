package dev.lanegrad.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/** The batching server's options, declared once for `serve` and for the server `serve-bench` starts. */
final class ServerOptions {

    @Option(names = "--max-batch", defaultValue = "64", description = "rows per batched forward or step (default: ${DEFAULT-VALUE})")
    int maxBatch;

    @Option(names = "--max-wait-ms", defaultValue = "0.5", description = "how long a request waits for others to batch with (default: ${DEFAULT-VALUE})")
    double maxWaitMs;

    @Option(names = "--http", defaultValue = "netty", description = "the HTTP server: netty (event loops) or jdk (the JDK's, a thread per request) (default: ${DEFAULT-VALUE})")
    String http;

    /** --max-wait-ms as a duration, checked. */
    Duration maxWait() {
        if (!(maxWaitMs >= 0) || Double.isInfinite(maxWaitMs)) {
            throw new IllegalArgumentException("--max-wait-ms " + maxWaitMs + ": expected a number >= 0");
        }
        return Duration.ofNanos((long) (maxWaitMs * 1e6));
    }
}
