package dev.lanegrad.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

import static dev.lanegrad.serve.ApiError.Status.UNAUTHORIZED;
import static dev.lanegrad.serve.ApiError.Status.UNAVAILABLE;

/**
 * The server: HTTP/1.1 + JSON on Netty ({@link NettyTransport}, the default) or on the JDK's
 * {@code com.sun.net.httpserver} ({@link JdkTransport}); docs/serving.md says why and what each costs.
 * Binds when started and answers /health with 503 until {@link #ready()}; models are added once loaded and
 * warmed. Routes are in {@link Routes}. Every request but /health must carry the bearer token when one is
 * configured. Closing refuses new requests (503), waits for those in flight, drains the batchers, then stops.
 */
public final class ServeServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ServeServer.class.getName());

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    final ServeConfig config;
    final Metrics metrics = new Metrics();
    final Sessions sessions;
    final Map<String, Predictor> predictors = new ConcurrentHashMap<>();
    final Semaphore generators;
    private final byte[] token;
    private final Routes routes = new Routes(this);
    private final Transport transport;
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
        this.transport = config.transport().equals("jdk") ? new JdkTransport(this) : new NettyTransport(this);
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
        return transport.port();
    }

    public Sessions sessions() {
        return sessions;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** What carries the requests: binds in its constructor, stops in close(). */
    interface Transport extends AutoCloseable {
        int port();

        @Override
        void close();
    }

    /**
     * One request, routed: its endpoint (the metrics label) and its answer to come. The future never fails:
     * errors become their answers; null means the client went away (nothing to send). The transport writes
     * the answer, then calls {@link #finished}.
     */
    static final class Exchange {
        final long start = System.nanoTime();
        String endpoint = "other";
        CompletableFuture<Answer> answer;
    }

    Exchange begin(Call call) {
        Exchange x = new Exchange();
        inFlight.incrementAndGet();
        CompletableFuture<Answer> f;
        try {
            Routes.Route route = routes.match(call.method(), call.path());
            x.endpoint = route.endpoint();
            if (closing) {
                throw new ApiError(UNAVAILABLE, "the server is shutting down");
            }
            if (!route.endpoint().equals("health")) {
                authorize(call);
            }
            f = route.run(call);
        } catch (RuntimeException | Error | IOException e) {
            f = CompletableFuture.failedFuture(e);
        }
        x.answer = f.handle((a, e) -> e == null ? a : failure(call, e));
        return x;
    }

    /** Endpoint name for a request refused before it was routed (e.g. a body over the limit). */
    String endpoint(String method, String path) {
        return routes.match(method, path).endpoint();
    }

    private static Answer failure(Call call, Throwable e) {
        Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (c instanceof ApiError api) {
            return Answer.error(api);
        }
        if (c instanceof IOException) {
            return null; // the client went away mid-request; nothing more to send
        }
        LOG.log(System.Logger.Level.ERROR, "internal error on " + call.method() + " " + call.path(), c);
        return Answer.json(500, Map.of("error", "internal error: " + c.getClass().getSimpleName(), "status", 500));
    }

    /** The answer is written (status 499: the client left): counts it, and lets a closing server go on. */
    void finished(Exchange x, int status) {
        metrics.request(x.endpoint, status, System.nanoTime() - x.start);
        inFlight.decrementAndGet();
    }

    /** A request refused by the transport before routing (body too large, malformed head): counted only. */
    void refused(String endpoint, int status) {
        metrics.request(endpoint, status, 0);
    }

    private void authorize(Call call) {
        if (token == null) {
            return;
        }
        String h = call.header("Authorization");
        byte[] given = h != null && h.startsWith("Bearer ") ? h.substring(7).trim().getBytes(StandardCharsets.UTF_8) : null;
        if (given == null || !MessageDigest.isEqual(given, token)) {
            throw new ApiError(UNAUTHORIZED, h == null ? "this server needs 'Authorization: Bearer <token>'"
                    : "the bearer token is wrong");
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
        transport.close();
        sweeper.shutdownNow();
    }

    static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
