package dev.lanegrad.serve;

/**
 * A request the server answers with a 4xx or 503 and a JSON body {@code {"error": message}}: the message
 * names what was wrong and what was expected. Thrown anywhere below the HTTP layer; nothing else becomes a
 * client error, so a 500 always means a bug of ours.
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final int retryAfterSeconds;
    private final java.util.Map<String, String> headers = new java.util.LinkedHashMap<>(1);

    private ApiError(int status, String message, int retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400: malformed JSON, a wrong shape, a value out of range, a non-finite number. */
    public static ApiError badRequest(String message) {
        return new ApiError(400, message, 0);
    }

    /** 401: a bearer token is configured and the request did not carry it. */
    public static ApiError unauthorized(String message) {
        return new ApiError(401, message, 0);
    }

    /** 404: an unknown model, session or path. */
    public static ApiError notFound(String message) {
        return new ApiError(404, message, 0);
    }

    /** 405: a known path with another method. */
    public static ApiError methodNotAllowed(String message) {
        return new ApiError(405, message, 0);
    }

    /** 409: a session already has a step in flight (steps of one session are ordered by the caller). */
    public static ApiError conflict(String message) {
        return new ApiError(409, message, 0);
    }

    /** 413: a body or a sequence over the configured limit. */
    public static ApiError tooLarge(String message) {
        return new ApiError(413, message, 0);
    }

    /** 429: the queue or the session table is full; try again after the given seconds. */
    public static ApiError overloaded(String message, int retryAfterSeconds) {
        return new ApiError(429, message, retryAfterSeconds);
    }

    /** 503: shutting down or not ready; try again after the given seconds (another instance, usually). */
    public static ApiError unavailable(String message, int retryAfterSeconds) {
        return new ApiError(503, message, retryAfterSeconds);
    }

    /** Adds a header to the answer (Allow for a 405, Connection: close for a body left unread). */
    public ApiError withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public java.util.Map<String, String> headers() {
        return headers;
    }

    public int status() {
        return status;
    }

    /** Seconds for a Retry-After header, 0 for none. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
