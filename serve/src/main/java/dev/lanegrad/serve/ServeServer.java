package dev.lanegrad.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 + JSON over the JDK's {@code com.sun.net.httpserver} (no dependency). Binds when started and
 * answers /health with 503 until {@link #ready()}; models are added once loaded and warmed. Routes are in
 * {@link Routes}. Every request but /health must carry the bearer token when one is configured. Closing
 * refuses new requests (503), waits for those in flight, drains the batchers, then stops.
 */
public final class ServeServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ServeServer.class.getName());

    static {
        // The JDK server leaves Nagle's algorithm on and writes a response's headers and body separately, so
        // the body waits for the client's delayed ACK (~40 ms on Linux): with no model at all, 8 clients got
        // 150 answers/s at p50 50 ms, and 609/s at p50 9 ms with TCP_NODELAY (busy 2-core machine). The
        // JDK reads this once, when its first server is made; an explicit -D setting wins.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    final ServeConfig config;
    final Metrics metrics = new Metrics();
    final Sessions sessions;
    final Map<String, Predictor> predictors = new ConcurrentHashMap<>();
    final Semaphore generators;
    private final byte[] token;
    private final HttpServer http;
    private final ExecutorService handlers;
    private final ScheduledExecutorService sweeper;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean ready;
    private volatile boolean closing;

    private ServeServer(ServeConfig config, LongSupplier clock) throws IOException {
        this.config = config;
        this.sessions = new Sessions(config.maxSessions(), config.sessionTtl().toNanos(), clock);
        this.generators = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors() * 2));
        this.token = readToken(config);
        metrics.gauge("lanegrad_live_sessions", "", sessions::live);
        metrics.gauge("lanegrad_in_flight_requests", "", inFlight::get);
        this.handlers = Executors.newFixedThreadPool(config.httpThreads(), daemon("lanegrad-http"));
        this.http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 1024);
        http.setExecutor(handlers);
        Routes routes = new Routes(this);
        http.createContext("/", ex -> handle(ex, routes));
        http.start();
        long every = Math.max(1_000L, config.sessionTtl().toMillis() / 4);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(daemon("lanegrad-session-sweeper"));
        sweeper.scheduleAtFixedRate(sessions::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /** Binds and starts answering (health: 503 "loading" until {@link #ready()}). */
    public static ServeServer start(ServeConfig config) throws IOException {
        return start(config, System::nanoTime);
    }

    /** With the sessions' clock injected (nanoseconds), for tests that move time instead of sleeping. */
    public static ServeServer start(ServeConfig config, LongSupplier sessionClock) throws IOException {
        return new ServeServer(config, sessionClock);
    }

    /** Serves a loaded model under its name, after one warm-up batch. */
    public Predictor add(ServedModel model) {
        if (!NAME.matcher(model.name()).matches()) {
            throw new IllegalArgumentException("model name '" + model.name() + "': expected letters, digits, '.', '_' "
                    + "or '-', 1 to 64 of them, starting with a letter or digit");
        }
        if (predictors.containsKey(model.name())) {
            throw new IllegalArgumentException("a model called '" + model.name() + "' is served already");
        }
        model.warmUp();
        Predictor p = new Predictor(model, config, metrics, sessions);
        predictors.put(model.name(), p);
        return p;
    }

    /** /health answers 200 from now on. */
    public void ready() {
        ready = true;
    }

    boolean isReady() {
        return ready && !closing;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public Sessions sessions() {
        return sessions;
    }

    public Metrics metrics() {
        return metrics;
    }

    private void handle(HttpExchange ex, Routes routes) {
        long start = System.nanoTime();
        inFlight.incrementAndGet();
        String endpoint = "other";
        int status = 500;
        try {
            Routes.Route route = routes.match(ex.getRequestMethod(), ex.getRequestURI().getRawPath());
            endpoint = route.endpoint();
            if (closing) {
                throw ApiError.unavailable("the server is shutting down", 1);
            }
            if (!route.endpoint().equals("health")) {
                authorize(ex);
            }
            status = route.run(ex);
        } catch (ApiError e) {
            status = e.status();
            answerError(ex, e);
        } catch (IOException e) {
            status = 499; // the client went away mid-answer; nothing more to send
        } catch (RuntimeException | Error e) {
            status = 500;
            LOG.log(System.Logger.Level.ERROR, "internal error on " + ex.getRequestMethod() + " " + ex.getRequestURI(), e);
            answerInternal(ex, e);
        } finally {
            metrics.request(endpoint, status, System.nanoTime() - start);
            ex.close();
            inFlight.decrementAndGet();
        }
    }

    private static void answerError(HttpExchange ex, ApiError e) {
        HttpIo.drain(ex);
        try {
            HttpIo.error(ex, e);
        } catch (IOException | IllegalStateException ignored) {
            // headers were sent already (a stream broke off) or the client left: nothing else to say
        }
    }

    private static void answerInternal(HttpExchange ex, Throwable e) {
        try {
            HttpIo.json(ex, 500, Map.of("error", "internal error: " + e.getClass().getSimpleName(), "status", 500));
        } catch (IOException | IllegalStateException ignored) {
            // as above
        }
    }

    private void authorize(HttpExchange ex) {
        if (token == null) {
            return;
        }
        String h = ex.getRequestHeaders().getFirst("Authorization");
        byte[] given = h != null && h.startsWith("Bearer ") ? h.substring(7).trim().getBytes(StandardCharsets.UTF_8) : null;
        if (given == null || !MessageDigest.isEqual(given, token)) {
            throw ApiError.unauthorized(h == null ? "this server needs 'Authorization: Bearer <token>'" : "the bearer token is wrong");
        }
    }

    private static byte[] readToken(ServeConfig config) throws IOException {
        if (config.tokenFile() == null) {
            return null;
        }
        String t = Files.readString(config.tokenFile(), StandardCharsets.UTF_8).trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("token file " + config.tokenFile() + " is empty; expected the bearer token");
        }
        return t.getBytes(StandardCharsets.UTF_8);
    }

    /** Streams code points to the client as UTF-8, flushing each (chunked transfer). */
    static void streamText(HttpExchange ex, java.util.function.Consumer<java.util.function.IntConsumer> producer)
            throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            producer.accept(cp -> {
                try {
                    out.write(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Refuses new requests, waits (up to the drain timeout) for those in flight, runs what the batchers
     * still hold, and stops.
     */
    @Override
    public void close() {
        closing = true;
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<Predictor> all = new ArrayList<>(predictors.values());
        all.forEach(Predictor::close);
        http.stop(0);
        handlers.shutdownNow();
        sweeper.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
