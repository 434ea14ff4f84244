package dev.lanegrad.serve;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The endpoints. Paths name models and sessions only; nothing in a request names a file.
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
 */
final class Routes {

    /** A matched route: the endpoint's name (the metrics label) and what answers it; run returns the status. */
    record Route(String endpoint, Handler handler) {
        int run(HttpExchange ex) throws IOException {
            return handler.run(ex);
        }
    }

    interface Handler {
        int run(HttpExchange ex) throws IOException;
    }

    private final ServeServer server;

    Routes(ServeServer server) {
        this.server = server;
    }

    Route match(String method, String path) {
        String[] p = path.length() > 1 && path.endsWith("/") ? path.substring(1, path.length() - 1).split("/", -1)
                : path.substring(1).split("/", -1);
        if (p.length == 1 && p[0].equals("health")) {
            return route("health", method, "GET", this::health);
        }
        if (p.length == 1 && p[0].equals("metrics")) {
            return route("metrics", method, "GET", ex -> text(ex, server.metrics.scrape()));
        }
        if (p.length >= 2 && p[0].equals("v1") && p[1].equals("models")) {
            if (p.length == 2) {
                return route("models", method, "GET", this::models);
            }
            String name = p[2];
            if (p.length == 3) {
                return route("model", method, "GET", ex -> ok(ex, predictor(name).model().describe()));
            }
            if (p.length == 4) {
                switch (p[3]) {
                    case "predict":
                        return route("predict", method, "POST", ex -> predict(ex, name));
                    case "sessions":
                        return route("session_create", method, "POST", ex -> createSession(ex, name));
                    case "generate":
                        return route("generate", method, "POST", ex -> generate(ex, name));
                    default:
                        break;
                }
            }
        }
        if (p.length >= 3 && p[0].equals("v1") && p[1].equals("sessions")) {
            String id = p[2];
            if (p.length == 3) {
                if (method.equals("DELETE")) {
                    return new Route("session_close", ex -> closeSession(ex, id));
                }
                return route("session_read", method, "GET", ex -> readSession(ex, id));
            }
            if (p.length == 4 && p[3].equals("step")) {
                return route("step", method, "POST", ex -> step(ex, id));
            }
        }
        return new Route("other", ex -> {
            throw ApiError.notFound("no endpoint " + method + " " + path + "; see GET /v1/models and docs/serving.md");
        });
    }

    private static Route route(String endpoint, String method, String expected, Handler h) {
        if (!method.equals(expected)) {
            return new Route(endpoint, ex -> {
                ex.getResponseHeaders().set("Allow", expected);
                throw ApiError.methodNotAllowed(method + " is not allowed here; expected " + expected);
            });
        }
        return new Route(endpoint, h);
    }

    private Predictor predictor(String name) {
        if (!server.isReady() && server.predictors.isEmpty()) {
            throw ApiError.unavailable("the server is loading its models", 1);
        }
        Predictor p = server.predictors.get(name);
        if (p == null) {
            throw ApiError.notFound("no model '" + name + "'; this server has " + server.predictors.keySet());
        }
        return p;
    }

    private Map<String, Object> body(HttpExchange ex) throws IOException {
        return Inputs.object(HttpIo.body(ex, server.config.maxBodyBytes()));
    }

    private int health(HttpExchange ex) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", server.isReady() ? "ready" : "loading");
        m.put("models", new ArrayList<>(server.predictors.keySet()));
        if (!server.isReady()) {
            throw ApiError.unavailable("not ready: loading or shutting down", 1);
        }
        return ok(ex, m);
    }

    private int models(HttpExchange ex) throws IOException {
        List<Object> all = new ArrayList<>();
        server.predictors.values().forEach(p -> all.add(p.model().describe()));
        return ok(ex, Map.of("models", all));
    }

    private int predict(HttpExchange ex, String name) throws IOException {
        Predictor p = predictor(name);
        Map<String, Object> body = body(ex);
        return ok(ex, p.await(p.predict(body)));
    }

    private int createSession(HttpExchange ex, String name) throws IOException {
        Predictor p = predictor(name);
        HttpIo.drain(ex);
        Session s = p.createSession();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session", s.id());
        m.put("model", s.model());
        m.put("bytes", p.model().streaming().bytesPerSession());
        HttpIo.json(ex, 201, m);
        return 201;
    }

    private int step(HttpExchange ex, String id) throws IOException {
        Session s = server.sessions.get(id);
        Predictor p = predictor(s.model());
        Map<String, Object> body = body(ex);
        return ok(ex, p.await(p.step(id, body)));
    }

    private int readSession(HttpExchange ex, String id) throws IOException {
        Session s = server.sessions.get(id);
        boolean state = "state=true".equals(ex.getRequestURI().getRawQuery());
        return ok(ex, predictor(s.model()).readSession(id, state));
    }

    private int closeSession(HttpExchange ex, String id) throws IOException {
        HttpIo.drain(ex);
        server.sessions.close(id);
        return ok(ex, Map.of("session", id, "closed", true));
    }

    private int generate(HttpExchange ex, String name) throws IOException {
        Predictor p = predictor(name);
        Generator g = p.model().generator();
        if (g == null) {
            throw ApiError.badRequest("model '" + name + "' (" + p.model().kind() + ") does not generate; only char-LMs do");
        }
        Map<String, Object> body = body(ex);
        String prime = body.containsKey("prime") ? Inputs.string(body, "prime") : "";
        if (prime.codePointCount(0, prime.length()) > server.config.maxSteps()) {
            throw ApiError.tooLarge("'prime' is longer than the limit of " + server.config.maxSteps() + " characters");
        }
        g.checkPrime(prime);
        int length = (int) Inputs.integer(body, "length", 200, 0, server.config.maxGenerate());
        float temperature = (float) Inputs.number(body, "temperature", 1.0, 0, 100);
        int topK = (int) Inputs.integer(body, "top_k", 0, 0, 1 << 20);
        long seed = Inputs.integer(body, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        if (!server.generators.tryAcquire()) {
            throw ApiError.overloaded("every generator is busy; retry shortly", 1);
        }
        try {
            ServeServer.streamText(ex, out -> g.generate(prime, length, temperature, topK, seed, out));
        } finally {
            server.generators.release();
        }
        return 200;
    }

    private static int ok(HttpExchange ex, Object body) throws IOException {
        HttpIo.json(ex, 200, body);
        return 200;
    }

    private static int text(HttpExchange ex, String body) throws IOException {
        HttpIo.send(ex, 200, "text/plain; version=0.0.4", body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return 200;
    }
}
