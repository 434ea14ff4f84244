package dev.lanegrad.serve;

import dev.lanegrad.io.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A real HTTP client (java.net.http) against a server on localhost. */
final class Client {

    record Answer(int status, String body, HttpResponse<String> response) {
        Map<String, Object> json() {
            return Json.parseObject(body);
        }

        String error() {
            return (String) json().get("error");
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String token;

    Client(int port) {
        this(port, null);
    }

    Client(int port, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    Answer get(String path) {
        return send(builder(path).GET());
    }

    Answer post(String path, String body) {
        return send(builder(path).POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json"));
    }

    Answer post(String path, String contentType, byte[] body) {
        return send(builder(path).POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", contentType));
    }

    Answer delete(String path) {
        return send(builder(path).DELETE());
    }

    Answer send(String method, String path, String body) {
        return send(builder(path).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    private Answer send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A member written by the server as base64 little-endian float32 ("f32": true). */
    static float[] f32(Object base64) {
        byte[] b = java.util.Base64.getDecoder().decode((String) base64);
        float[] out = new float[b.length / 4];
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** A JSON array of numbers (or of arrays of numbers) as floats, row after row. */
    @SuppressWarnings("unchecked")
    static float[] floats(Object v) {
        if (v instanceof JsonOut.Rows r) {
            float[] out = new float[r.rows() * r.cols()];
            for (int i = 0; i < r.rows(); i++) {
                System.arraycopy(r.data(), r.offset() + i * r.stride(), out, i * r.cols(), r.cols());
            }
            return out;
        }
        if (v instanceof float[] f) {
            return f;
        }
        List<Object> list = (List<Object>) v;
        java.util.ArrayList<Float> all = new java.util.ArrayList<>();
        for (Object o : list) {
            if (o instanceof List) {
                for (float f : floats(o)) {
                    all.add(f);
                }
            } else {
                all.add(((Number) o).floatValue());
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }
}
