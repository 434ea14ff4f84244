package dev.lanegrad.serve;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * What the server answers, whatever carries it: a status, a content type, a body (a JSON-ready object,
 * text, or a stream of code points written as they come) and extra headers. The body is turned into bytes
 * by {@link #bytes()} on the transport's own thread, not on a batching thread.
 */
public final class Answer {

    private final int status;
    private final String contentType;
    private final Object body;
    private final Consumer<IntConsumer> stream;
    private boolean f32;
    private final Map<String, String> headers = new LinkedHashMap<>(2);

    private Answer(int status, String contentType, Object body, Consumer<IntConsumer> stream) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.stream = stream;
    }

    /** A JSON body: maps, lists, strings, numbers, float arrays ({@link JsonOut}). */
    public static Answer json(int status, Object body) {
        return new Answer(status, "application/json; charset=utf-8", body, null);
    }

    /** A JSON answer whose float arrays, with f32, go as base64 float32 members ({@link JsonOut#f32}). */
    public static Answer json(int status, Map<String, Object> body, boolean f32) {
        Answer a = json(status, body);
        a.f32 = f32;
        return a;
    }

    /** Plain text of the given type (charset UTF-8 is added). */
    public static Answer text(String type, String body) {
        return new Answer(200, type + "; charset=utf-8", body, null);
    }

    /** 200 text/plain, chunked: the producer writes code points, each sent (flushed) at once. It may block. */
    public static Answer stream(Consumer<IntConsumer> producer) {
        return new Answer(200, "text/plain; charset=utf-8", null, producer);
    }

    /** The JSON error answer {@code {"error": message, "status": s}}, with Retry-After / WWW-Authenticate as due. */
    public static Answer error(ApiError e) {
        Answer a = json(e.status(), Map.of("error", e.getMessage(), "status", e.status()));
        if (e.retryAfterSeconds() > 0) {
            a.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
        }
        if (e.status() == 401) {
            a.header("WWW-Authenticate", "Bearer");
        }
        e.headers().forEach(a::header);
        return a;
    }

    public Answer header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The producer of a streamed answer, or null. */
    public Consumer<IntConsumer> stream() {
        return stream;
    }

    /** The body's bytes (not for a streamed answer). */
    public byte[] bytes() {
        if (body instanceof String s && !contentType.startsWith("application/json")) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        @SuppressWarnings("unchecked")
        Object b = f32 ? JsonOut.f32((Map<String, Object>) body) : body;
        return JsonOut.write(b).getBytes(StandardCharsets.UTF_8);
    }
}
