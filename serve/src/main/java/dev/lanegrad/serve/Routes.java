package dev.lanegrad.serve;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.lanegrad.serve.ApiError.Status.BAD_REQUEST;
import static dev.lanegrad.serve.ApiError.Status.METHOD_NOT_ALLOWED;
import static dev.lanegrad.serve.ApiError.Status.NOT_FOUND;
import static dev.lanegrad.serve.ApiError.Status.OVERLOADED;
import static dev.lanegrad.serve.ApiError.Status.TOO_LARGE;
import static dev.lanegrad.serve.ApiError.Status.UNAVAILABLE;

/**
 * The endpoints, whatever server library carries them. Paths name models and sessions only; nothing in a
 * request names a file.
 * <pre>
 * GET    /health                         200 ready / 503 loading or shutting down
 * GET    /metrics                        Prometheus text
 * GET    /v1/models                      the models
 * GET    /v1/models/{name}               one model: kind, sizes, bytes per session
 * POST   /v1/models/{name}/predict       one whole sequence -> its answer (batched with concurrent ones)
 * POST   /v1/models/{name}/sessions      -> {"session": id}
 * POST   /v1/models/{name}/generate      char-LMs: sampled text, streamed (chunked) as it is drawn
 * GET    /v1/sessions/{id}               steps so far (?state=true: h and c)
 * POST   /v1/sessions/{id}/step          one or more time steps -> the answer after them
 * DELETE /v1/sessions/{id}               closes the session
 * </pre>
 * predict and step answer when their batch has run (a future); the rest at once.
 */
final class Routes {

    /** A matched route: the endpoint's name (the metrics label) and what answers it. */
    record Route(String endpoint, Handler handler) {
        CompletableFuture<Answer> run(Call call) throws IOException {
            return handler.run(call);
        }
    }

    interface Handler {
        CompletableFuture<Answer> run(Call call) throws IOException;
    }

    private final ServeServer server;

    Routes(ServeServer server) {
        this.server = server;
    }

    Route match(String method, String path) {
        String[] p = path.length() > 1 && path.endsWith("/") ? path.substring(1, path.length() - 1).split("/", -1)
                : path.substring(1).split("/", -1);
        if (p.length == 1 && p[0].equals("health")) {
            return route("health", method, "GET", c -> health());
        }
        if (p.length == 1 && p[0].equals("metrics")) {
            return route("metrics", method, "GET", c -> done(Answer.text("text/plain; version=0.0.4", server.metrics.scrape())));
        }
        if (p.length >= 2 && p[0].equals("v1") && p[1].equals("models")) {
            if (p.length == 2) {
                return route("models", method, "GET", c -> models());
            }
            String name = p[2];
            if (p.length == 3) {
                return route("model", method, "GET", c -> ok(predictor(name).model().describe()));
            }
            if (p.length == 4) {
                switch (p[3]) {
                    case "predict":
                        return route("predict", method, "POST", c -> predict(c, name));
                    case "sessions":
                        return route("session_create", method, "POST", c -> createSession(name));
                    case "generate":
                        return route("generate", method, "POST", c -> generate(c, name));
                    default:
                        break;
                }
            }
        }
        if (p.length >= 3 && p[0].equals("v1") && p[1].equals("sessions")) {
            String id = p[2];
            if (p.length == 3) {
                if (method.equals("DELETE")) {
                    return new Route("session_close", c -> closeSession(id));
                }
                return route("session_read", method, "GET", c -> readSession(c, id));
            }
            if (p.length == 4 && p[3].equals("step")) {
                return route("step", method, "POST", c -> step(c, id));
            }
        }
        return new Route("other", c -> {
            throw new ApiError(NOT_FOUND, "no endpoint " + method + " " + path + "; see GET /v1/models and docs/serving.md");
        });
    }

    private static Route route(String endpoint, String method, String expected, Handler h) {
        if (!method.equals(expected)) {
            return new Route(endpoint, c -> {
                throw new ApiError(METHOD_NOT_ALLOWED, method + " is not allowed here; expected " + expected)
                        .withHeader("Allow", expected);
            });
        }
        return new Route(endpoint, h);
    }

    private Predictor predictor(String name) {
        if (!server.isReady() && server.predictors.isEmpty()) {
            throw new ApiError(UNAVAILABLE, "the server is loading its models");
        }
        Predictor p = server.predictors.get(name);
        if (p == null) {
            throw new ApiError(NOT_FOUND, "no model '" + name + "'; this server has " + server.predictors.keySet());
        }
        return p;
    }

    private CompletableFuture<Answer> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", server.isReady() ? "ready" : "loading");
        m.put("models", new ArrayList<>(server.predictors.keySet()));
        if (!server.isReady()) {
            throw new ApiError(UNAVAILABLE, "not ready: loading or shutting down");
        }
        return ok(m);
    }

    private CompletableFuture<Answer> models() {
        List<Object> all = new ArrayList<>();
        server.predictors.values().forEach(p -> all.add(p.model().describe()));
        return ok(Map.of("models", all));
    }

    private CompletableFuture<Answer> predict(Call c, String name) throws IOException {
        Predictor p = predictor(name);
        Map<String, Object> body = Bodies.read(c);
        boolean f32 = Inputs.bool(body, "f32", false);
        return p.predict(body).thenApply(m -> Answer.json(200, m, f32));
    }

    private CompletableFuture<Answer> createSession(String name) {
        Predictor p = predictor(name);
        Session s = p.createSession();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session", s.id());
        m.put("model", s.model());
        m.put("bytes", p.model().streaming().bytesPerSession());
        return done(Answer.json(201, m));
    }

    private CompletableFuture<Answer> step(Call c, String id) throws IOException {
        Session s = server.sessions.get(id);
        Predictor p = predictor(s.model());
        Map<String, Object> body = Bodies.read(c);
        boolean f32 = Inputs.bool(body, "f32", false);
        return p.step(id, body).thenApply(m -> Answer.json(200, m, f32));
    }

    private CompletableFuture<Answer> readSession(Call c, String id) {
        Session s = server.sessions.get(id);
        boolean state = "state=true".equals(c.query());
        return ok(predictor(s.model()).readSession(id, state));
    }

    private CompletableFuture<Answer> closeSession(String id) {
        server.sessions.close(id);
        return ok(Map.of("session", id, "closed", true));
    }

    private CompletableFuture<Answer> generate(Call c, String name) throws IOException {
        Predictor p = predictor(name);
        Generator g = p.model().generator();
        if (g == null) {
            throw new ApiError(BAD_REQUEST, "model '" + name + "' (" + p.model().kind() + ") does not generate; only char-LMs do");
        }
        Map<String, Object> body = Bodies.json(c);
        String prime = body.containsKey("prime") ? Inputs.string(body, "prime") : "";
        if (prime.codePointCount(0, prime.length()) > server.config.maxSteps()) {
            throw new ApiError(TOO_LARGE, "'prime' is longer than the limit of " + server.config.maxSteps() + " characters");
        }
        g.checkPrime(prime);
        int length = (int) Inputs.integer(body, "length", 200, 0, server.config.maxGenerate());
        float temperature = (float) Inputs.number(body, "temperature", 1.0, 0, 100);
        int topK = (int) Inputs.integer(body, "top_k", 0, 0, 1 << 20);
        long seed = Inputs.integer(body, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        if (!server.generators.tryAcquire()) {
            throw new ApiError(OVERLOADED, "every generator is busy; retry shortly");
        }
        // the transport runs the stream (to its end, or until the client leaves); the permit goes back then
        return done(Answer.stream(out -> {
            try {
                g.generate(prime, length, temperature, topK, seed, out);
            } finally {
                server.generators.release();
            }
        }));
    }

    private static CompletableFuture<Answer> ok(Object body) {
        return done(Answer.json(200, body));
    }

    private static CompletableFuture<Answer> done(Answer a) {
        return CompletableFuture.completedFuture(a);
    }
}
