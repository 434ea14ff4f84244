package dev.lanegrad.serve;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.lanegrad.serve.ApiError.Status.BAD_REQUEST;
import static dev.lanegrad.serve.ApiError.Status.CONFLICT;
import static dev.lanegrad.serve.ApiError.Status.UNAVAILABLE;

/**
 * The embeddable, thread-safe face of one loaded model: any number of threads call {@link #predict} and
 * {@link #step}; requests are checked on the caller's thread, then batched ({@link MicroBatcher}) into one
 * forward, or one batched step for sessions. The model is immutable and shared; each session owns its state.
 * <pre>{@code
 * ServedModel model = ModelLoader.load("lm", Path.of("runs/lm"));
 * try (Predictor p = new Predictor(model, ServeConfig.defaults(), new Metrics(), null)) {
 *     Map<String, Object> next = p.predict(Map.of("text", "To be")).join();
 *     Session s = p.createSession();
 *     p.step(s.id(), Map.of("text", "O Romeo")).join();
 *     p.closeSession(s.id());
 * }
 * }</pre>
 */
public final class Predictor implements AutoCloseable {

    private final ServedModel model;
    private final ServeConfig config;
    private final Sessions sessions;
    private final MicroBatcher<Object, Map<String, Object>> predictions;
    private final MicroBatcher<SessionStepper.Job, float[]> steps;

    /** With sessions null, the predictor keeps a session table of its own (from the config, on System.nanoTime). */
    public Predictor(ServedModel model, ServeConfig config, Metrics metrics, Sessions sessions) {
        this.model = model;
        this.config = config;
        this.sessions = sessions != null ? sessions
                : new Sessions(config.maxSessions(), config.sessionTtl().toNanos(), System::nanoTime);
        long wait = config.maxWait().toNanos();
        // predict batches run one per core, each on one engine thread, rather than each over every core: on two
        // cores (LSTM H=256 T=50, serve-bench) the closed loop gained ~20% and at half rate the server's CPU per
        // answer fell by a third (docs/serving.md, "Lanes"). Session steps keep one lane (SessionStepper's
        // buffers are its thread's) whose B=64 steps split over the cores.
        this.predictions = new MicroBatcher<>("predict-" + model.name(), config.maxBatch(), wait, config.queueCapacity(),
                model::predictBatch, metrics.batchSizes("predict", model.name()), config.predictLanes(), true);
        metrics.gauge("lanegrad_queue_depth", "queue=\"predict\",model=\"" + model.name() + "\"", predictions::depth);
        Streaming s = model.streaming();
        if (s != null) {
            this.steps = new MicroBatcher<>("step-" + model.name(), config.maxBatch(), wait, config.queueCapacity(),
                    new SessionStepper(s.layer(), config.maxBatch()), metrics.batchSizes("step", model.name()));
            metrics.gauge("lanegrad_queue_depth", "queue=\"step\",model=\"" + model.name() + "\"", steps::depth);
        } else {
            this.steps = null;
        }
    }

    public ServedModel model() {
        return model;
    }

    /** Checks the body now (an {@link ApiError} for bad input), then queues it; the future holds the answer. */
    public CompletableFuture<Map<String, Object>> predict(Map<String, Object> body) {
        return predictions.submit(model.parsePredict(body, config.maxSteps()));
    }

    /** A new session of this model (429 when the table is full; 400 when the model has no sessions). */
    public Session createSession() {
        return sessions.create(model.name(), streaming());
    }

    /**
     * Steps a session through the time steps in body; the answer depends on the model (outputs of every
     * step, or only the last with {@code "outputs": false}; or the next-character distribution). One step in
     * flight per session: a second is a 409.
     */
    public CompletableFuture<Map<String, Object>> step(String sessionId, Map<String, Object> body) {
        Streaming streaming = streaming();
        Session s = sessions.get(sessionId);
        if (!s.model().equals(model.name())) {
            throw new ApiError(BAD_REQUEST, "session '" + sessionId + "' belongs to model '" + s.model() + "', not '"
                    + model.name() + "'");
        }
        float[] x = streaming.parseSteps(body, config.maxSteps());
        int n = x.length / streaming.layer().inputSize();
        boolean lastOnly = !Inputs.bool(body, "outputs", true);
        if (!s.busy.compareAndSet(false, true)) {
            throw new ApiError(CONFLICT, "session '" + sessionId + "' has a step in flight; send its steps one after another");
        }
        CompletableFuture<float[]> out;
        try {
            out = steps.submit(new SessionStepper.Job(s, x, n, lastOnly));
        } catch (RuntimeException e) {
            s.busy.set(false);
            throw e;
        }
        return out.handle((y, error) -> {
            s.steps += n;
            sessions.touch(s);
            s.busy.set(false);
            if (error != null) {
                throw error instanceof CompletionException ce ? ce : new CompletionException(error);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("session", s.id());
            m.put("steps", s.steps);
            m.putAll(streaming.stepResult(y, lastOnly ? 1 : n));
            return m;
        });
    }

    /** What a session holds: its model, steps so far, and (with state) h and c [L][H]. */
    public Map<String, Object> readSession(String sessionId, boolean state) {
        Session s = sessions.get(sessionId);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session", s.id());
        m.put("model", s.model());
        m.put("steps", s.steps);
        if (state) {
            int hidden = model.streaming().layer().hiddenSize();
            m.put("h", JsonOut.Rows.of(s.h(), s.h.length / hidden, hidden));
            if (s.c != null) {
                m.put("c", JsonOut.Rows.of(s.c(), s.c.length / hidden, hidden));
            }
        }
        return m;
    }

    public void closeSession(String sessionId) {
        sessions.close(sessionId);
    }

    private Streaming streaming() {
        Streaming s = model.streaming();
        if (s == null) {
            throw new ApiError(BAD_REQUEST, "model '" + model.name() + "' (" + model.kind() + ") has no sessions; only "
                    + "unidirectional stacks and char-LMs stream");
        }
        return s;
    }

    /** Waits for a future's answer up to the configured timeout, unwrapping the failure. */
    public <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ApiError(UNAVAILABLE, "no answer within " + config.requestTimeout().toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(UNAVAILABLE, "interrupted while waiting for the batch");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    /** One request, blocking: predict and wait. */
    public Map<String, Object> predictNow(Map<String, Object> body) {
        return await(predict(body));
    }

    /** The batched forward of many requests at once, without the queue (for offline use and comparisons). */
    public List<Map<String, Object>> predictAll(List<Map<String, Object>> bodies) {
        return model.predictBatch(bodies.stream().map(b -> model.parsePredict(b, config.maxSteps())).toList());
    }

    /** Runs every queued job, then stops the batching threads. */
    @Override
    public void close() {
        predictions.close(config.drainTimeout().toMillis());
        if (steps != null) {
            steps.close(config.drainTimeout().toMillis());
        }
    }
}
