package dev.lanegrad.serve;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Every setting of the server, with the defaults of {@code lanegrad serve}.
 *
 * @param host            address to bind; loopback unless told otherwise
 * @param port            0 for an ephemeral port
 * @param maxBatch        rows per batched forward or step
 * @param maxWait         how long the first job of a batch waits for company
 * @param queueCapacity   jobs waiting per batcher; beyond it, 429
 * @param maxSessions     live sessions; beyond it, 429
 * @param sessionTtl      idle time after which a session is dropped
 * @param maxBodyBytes    largest request body; beyond it, 413
 * @param maxSteps        longest sequence (time steps, characters or words) of a request; beyond it, 413
 * @param maxGenerate     most characters one generate request may ask for
 * @param httpThreads     the jdk transport's request threads (each waits for its batch: about the number of clients)
 * @param tokenFile       a file holding the bearer token every request but /health must carry; null for none
 * @param requestTimeout  longest wait for a batch result before a 503
 * @param drainTimeout    longest wait for in-flight requests on shutdown
 * @param transport       the HTTP server: "netty" (event loops, no thread waits for a batch) or "jdk"
 *                        (com.sun.net.httpserver, a thread per request); docs/serving.md compares them
 * @param lanes           predict batches that may run at once, each on one engine thread; 0: one per engine
 *                        thread (core), the default (docs/serving.md, "Lanes")
 */
public record ServeConfig(String host, int port, int maxBatch, Duration maxWait, int queueCapacity, int maxSessions,
                          Duration sessionTtl, int maxBodyBytes, int maxSteps, int maxGenerate, int httpThreads,
                          Path tokenFile, Duration requestTimeout, Duration drainTimeout, String transport, int lanes) {

    public ServeConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is empty; expected an address such as 127.0.0.1");
        }
        check("port", port, 0, 65535);
        check("max batch", maxBatch, 1, 4096);
        check("queue capacity", queueCapacity, 1, 1 << 20);
        check("max sessions", maxSessions, 1, 10_000_000);
        check("max body bytes", maxBodyBytes, 64, Integer.MAX_VALUE);
        check("max steps", maxSteps, 1, 1 << 20);
        check("max generate", maxGenerate, 1, 1 << 20);
        check("http threads", httpThreads, 1, 10_000);
        check("lanes", lanes, 0, 1024);
        if (!"netty".equals(transport) && !"jdk".equals(transport)) {
            throw new IllegalArgumentException("http server '" + transport + "': expected netty or jdk");
        }
        if (maxWait.isNegative() || sessionTtl.isNegative() || sessionTtl.isZero()) {
            throw new IllegalArgumentException("max wait " + maxWait + " and session ttl " + sessionTtl
                    + ": expected >= 0 and > 0");
        }
    }

    /** The settings without lanes: one lane per engine thread. */
    public ServeConfig(String host, int port, int maxBatch, Duration maxWait, int queueCapacity, int maxSessions,
                       Duration sessionTtl, int maxBodyBytes, int maxSteps, int maxGenerate, int httpThreads,
                       Path tokenFile, Duration requestTimeout, Duration drainTimeout, String transport) {
        this(host, port, maxBatch, maxWait, queueCapacity, maxSessions, sessionTtl, maxBodyBytes, maxSteps, maxGenerate,
                httpThreads, tokenFile, requestTimeout, drainTimeout, transport, 0);
    }

    /** Predict lanes: as set, or one per engine thread. */
    public int predictLanes() {
        return lanes > 0 ? lanes : dev.lanegrad.engine.EngineThreads.threads();
    }

    private static void check(String what, long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + " = " + v + ", expected in [" + min + ", " + max + "]");
        }
    }

    /**
     * The defaults: 127.0.0.1:8080, batches of 64 within 0.5 ms, 10,000 sessions idle up to 10 minutes, bodies up
     * to 1 MiB. A parsed JSON body takes up to ~12x its size (boxed numbers), so the worst case of request
     * memory is about httpThreads x 12 x maxBodyBytes: 1.5 GiB at the defaults, far less with x_f32 bodies.
     */
    public static ServeConfig defaults() {
        return new ServeConfig("127.0.0.1", 8080, 64, Duration.ofNanos(500_000), 1024, 10_000, Duration.ofMinutes(10),
                1 << 20, 4096, 10_000, 128, null, Duration.ofSeconds(60), Duration.ofSeconds(30), "netty");
    }

    public ServeConfig withPort(int p) {
        return with(s -> s.port = p);
    }

    public ServeConfig withBatching(int batch, Duration wait, int queue) {
        return with(s -> {
            s.maxBatch = batch;
            s.maxWait = wait;
            s.queueCapacity = queue;
        });
    }

    public ServeConfig withSessions(int max, Duration ttl) {
        return with(s -> {
            s.maxSessions = max;
            s.sessionTtl = ttl;
        });
    }

    public ServeConfig withLimits(int bodyBytes, int steps) {
        return with(s -> {
            s.maxBodyBytes = bodyBytes;
            s.maxSteps = steps;
        });
    }

    public ServeConfig withTokenFile(Path file) {
        return with(s -> s.tokenFile = file);
    }

    public ServeConfig withHost(String h) {
        return with(s -> s.host = h);
    }

    public ServeConfig withHttpThreads(int n) {
        return with(s -> s.httpThreads = n);
    }

    public ServeConfig withTransport(String t) {
        return with(s -> s.transport = t);
    }

    public ServeConfig withLanes(int n) {
        return with(s -> s.lanes = n);
    }

    /** A copy with what change sets changed, checked as a new config. */
    private ServeConfig with(Consumer<Settings> change) {
        Settings s = new Settings(this);
        change.accept(s);
        return s.config();
    }

    /** The settings as fields to change, for the with... copies (the 16 components are listed here once). */
    private static final class Settings {
        String host;
        int port;
        int maxBatch;
        Duration maxWait;
        int queueCapacity;
        int maxSessions;
        Duration sessionTtl;
        int maxBodyBytes;
        int maxSteps;
        int maxGenerate;
        int httpThreads;
        Path tokenFile;
        Duration requestTimeout;
        Duration drainTimeout;
        String transport;
        int lanes;

        Settings(ServeConfig c) {
            host = c.host;
            port = c.port;
            maxBatch = c.maxBatch;
            maxWait = c.maxWait;
            queueCapacity = c.queueCapacity;
            maxSessions = c.maxSessions;
            sessionTtl = c.sessionTtl;
            maxBodyBytes = c.maxBodyBytes;
            maxSteps = c.maxSteps;
            maxGenerate = c.maxGenerate;
            httpThreads = c.httpThreads;
            tokenFile = c.tokenFile;
            requestTimeout = c.requestTimeout;
            drainTimeout = c.drainTimeout;
            transport = c.transport;
            lanes = c.lanes;
        }

        ServeConfig config() {
            return new ServeConfig(host, port, maxBatch, maxWait, queueCapacity, maxSessions, sessionTtl, maxBodyBytes,
                    maxSteps, maxGenerate, httpThreads, tokenFile, requestTimeout, drainTimeout, transport, lanes);
        }
    }
}
