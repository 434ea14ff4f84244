package dev.lanegrad.serve;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the server answers with a 4xx or 503 and a JSON body {@code {"error": message}}: the message
 * names what was wrong and what was expected. Thrown anywhere below the HTTP layer; nothing else becomes a
 * client error, so a 500 always means a bug of ours.
 */
public final class ApiError extends RuntimeException {

    /** Every client error the server answers with: its HTTP status and, for a retry, the Retry-After seconds. */
    public enum Status {
        /** Malformed JSON, a wrong shape, a value out of range, a non-finite number. */
        BAD_REQUEST(400, 0),
        /** A bearer token is configured and the request did not carry it. */
        UNAUTHORIZED(401, 0),
        /** An unknown model, session or path. */
        NOT_FOUND(404, 0),
        /** A known path with another method. */
        METHOD_NOT_ALLOWED(405, 0),
        /** A session already has a step in flight (steps of one session are ordered by the caller). */
        CONFLICT(409, 0),
        /** A body or a sequence over the configured limit. */
        TOO_LARGE(413, 0),
        /** The queue, the generators or the session table are full: a place frees within a second. */
        OVERLOADED(429, 1),
        /** Shutting down or not ready: try again in a second (another instance, usually). */
        UNAVAILABLE(503, 1);

        final int code;
        final int retryAfterSeconds;

        Status(int code, int retryAfterSeconds) {
            this.code = code;
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    private final Status status;
    private final Map<String, String> headers = new LinkedHashMap<>(1);

    public ApiError(Status status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** Adds a header to the answer (Allow for a 405, Connection: close for a body left unread). */
    public ApiError withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The HTTP status code. */
    public int status() {
        return status.code;
    }

    /** Seconds for a Retry-After header, 0 for none. */
    public int retryAfterSeconds() {
        return status.retryAfterSeconds;
    }
}
